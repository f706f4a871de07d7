"""A mobile typed at the counter becomes an E.164 number, and a WhatsApp link carries the message."""

import re
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.phones import normalise_phone, whatsapp_link

# --- phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["98123 45678", "098123-45678", "+91 98123 45678", "+91-9812345678"])
def test_a_mobile_typed_at_the_counter_becomes_e164(typed):
	assert normalise_phone(typed) == "+919812345678"


@pytest.mark.parametrize("typed", [None, "", "   ", "12345", "not a number", "+91 12345"])
def test_what_is_not_a_phone_number_is_none(typed):
	assert normalise_phone(typed) is None


def test_a_national_number_is_read_in_the_shops_region():
	assert normalise_phone("020 7946 0958", "GB") == "+442079460958"
	assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@settings(max_examples=200)
@given(typed=st.text(alphabet="0123456789 +-()abc", max_size=20) | st.text(max_size=20))
def test_normalising_never_fails_and_gives_e164_that_reads_back_as_itself(typed):
	number = normalise_phone(typed)
	if number is not None:
		assert re.fullmatch(r"\+[1-9][0-9]{6,14}", number)
		assert normalise_phone(number) == number
		assert normalise_phone(number, "GB") == number


def test_a_whatsapp_link_carries_the_message():
	link = whatsapp_link("98123 45678", "Your ring is ready & polished: 100% 22K")
	assert link is not None
	assert link.startswith("https://wa.me/919812345678?text=")
	text = link.split("?text=", 1)[1]
	assert " " not in text and "&" not in text and "%" in text
	assert unquote(text) == "Your ring is ready & polished: 100% 22K"


def test_no_link_without_a_valid_number():
	assert whatsapp_link("12345", "Hello") is None
	assert whatsapp_link(None, "Hello") is None
