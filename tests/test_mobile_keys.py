"""The key a customer is found by (services/mobile_keys, customer_lookup) is her number read by
domain.phones.normalise_phone: stored from what was typed on her Customer or Contact, and made
again from what is typed at the counter or arrives from WhatsApp. Every way of typing one number
must give one key, and two numbers never the same one."""

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jewel_clienteling.domain.phones import normalise_phone

SHE = "+919876543210"


@pytest.mark.parametrize(
	"typed",
	[
		"+91 98765 43210",
		"098765-43210",
		"9876543210",
		"91 9876543210",
		"919876543210",
		"+919876543210",
		"+91-98765-43210",
		"(+91) 98765 43210",
		"0091 98765 43210",
		"+91 (98765) 43210",
		"98765.43210",
		"  98765  43210 ",
		"+91 098765 43210",
		"0 98765 43210",
	],
)
def test_every_way_the_counter_types_her_mobile_is_one_key(typed):
	assert normalise_phone(typed, "IN") == SHE


@pytest.mark.parametrize("typed", [None, "", "  ", "12345", "98765", "call me", "+91 98765"])
def test_what_cannot_reach_her_has_no_key_and_finds_no_one(typed):
	assert normalise_phone(typed, "IN") is None


def test_a_number_with_its_country_is_the_same_key_in_any_shops_region():
	for region in ("IN", "GB", "AE", "US"):
		assert normalise_phone("+91 98765 43210", region) == SHE
		assert normalise_phone("+971 50 123 4567", region) == "+971501234567"


def test_a_number_without_its_country_is_read_in_the_shops_region():
	assert normalise_phone("050 123 4567", "AE") == "+971501234567"
	assert normalise_phone("050 123 4567", "IN") != "+971501234567"


# --- properties -----------------------------------------------------------------------------------

# an Indian mobile: ten digits starting 6 to 9, as phonenumbers knows them to be allotted
indian_mobile = st.from_regex(r"\A[6-9][0-9]{9}\Z").filter(
	lambda digits: phonenumbers.is_valid_number(phonenumbers.parse("+91" + digits))
)
COUNTRY = ("", "0", "+91", "+91 ", "+91-", "91", "91 ", "0091 ", "(+91) ", "+91 0", "+ 91 ")
GROUPS = ((10,), (5, 5), (3, 3, 4), (4, 3, 3), (2, 4, 4), (5, 3, 2))
SEPARATORS = (" ", "-", ".", "", "  ", " - ")


@st.composite
def typed_mobile(draw, digits: str) -> str:
	"""Her ten digits as a person types them: with or without the country or a trunk 0, grouped
	any way, with spaces, dashes or dots, the first group sometimes in brackets."""
	groups, start = [], 0
	for size in draw(st.sampled_from(GROUPS)):
		groups.append(digits[start : start + size])
		start += size
	if len(groups) > 1 and draw(st.booleans()):
		groups[0] = f"({groups[0]})"
	body = draw(st.sampled_from(SEPARATORS)).join(groups)
	padding = draw(st.sampled_from(("", " ", "  ")))
	return f"{padding}{draw(st.sampled_from(COUNTRY))}{body}{padding}"


@given(data=st.data(), digits=indian_mobile)
def test_every_way_of_typing_the_same_mobile_gives_the_same_key(data, digits):
	first = data.draw(typed_mobile(digits))
	second = data.draw(typed_mobile(digits))
	assert normalise_phone(first, "IN") == normalise_phone(second, "IN") == "+91" + digits


@given(data=st.data(), one=indian_mobile, other=indian_mobile)
def test_two_different_mobiles_never_share_a_key(data, one, other):
	assume(one != other)
	assert normalise_phone(data.draw(typed_mobile(one)), "IN") != normalise_phone(
		data.draw(typed_mobile(other)), "IN"
	)


@given(
	region=st.sampled_from(("GB", "AE", "US", "SG", "DE")),
	separator=st.sampled_from(SEPARATORS),
	data=st.data(),
)
def test_a_foreign_number_typed_with_its_country_has_its_own_key(region, separator, data):
	example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
	national = str(example.national_number)
	cut = data.draw(st.integers(min_value=1, max_value=len(national) - 1))
	typed = f"+{example.country_code}{separator}{national[:cut]}{separator}{national[cut:]}"
	expected = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
	assert normalise_phone(typed, "IN") == normalise_phone(expected, region) == expected
