"""A row frappe_whatsapp kept, told again as Meta's webhook body, reads back as the same facts."""

from datetime import datetime, timedelta, timezone

import pytest

from jewel_clienteling.domain import incoming as meta
from jewel_clienteling.domain import shared_number as body
from jewel_clienteling.domain import webhook as intake

IST = timezone(timedelta(hours=5, minutes=30))
AT = datetime(2026, 11, 30, 14, 5, 7, tzinfo=IST)


def their_message(**overrides):
	values = {
		"message_id": "wamid.IN1",
		"from_phone": "919812345678",
		"kind": "text",
		"text": "STOP",
		"profile_name": "Asha",
		"at": AT,
		"phone_number_id": "4242",
	}
	return body.incoming_body(**{**values, **overrides})


def test_her_text_reads_back_as_meta_would_have_said_it():
	(message,) = meta.parse_webhook(their_message()).messages
	assert (message.message_id, message.from_phone, message.kind) == ("wamid.IN1", "919812345678", "text")
	assert message.text == "STOP" and meta.consent_intent(message.text) == "stop"
	assert message.profile_name == "Asha" and message.phone_number_id == "4242"
	assert message.timestamp == AT.astimezone(timezone.utc)


@pytest.mark.parametrize(
	"kind, text, read_as",
	[("button", "Yes please", "Yes please"), ("reaction", "👍", "👍"), ("image", "this one", "this one")],
)
def test_other_kinds_keep_their_words(kind, text, read_as):
	(message,) = meta.parse_webhook(their_message(kind=kind, text=text)).messages
	assert (message.kind, message.text) == (kind, read_as)


def test_a_kind_without_words_and_a_number_with_a_plus():
	(message,) = meta.parse_webhook(
		their_message(kind="location", text=None, from_phone="+91 98123")
	).messages
	assert (message.kind, message.text, message.from_phone) == ("location", None, "9198123")


def test_a_row_without_id_or_sender_is_not_told():
	assert their_message(message_id="") is None
	assert their_message(from_phone=None) is None


def test_statuses_read_back_and_frappe_whatsapps_own_word_is_not_one():
	payload = body.status_body(
		message_id="wamid.OUT1", status="Delivered", recipient="+919812345678", at=AT, phone_number_id="4242"
	)
	(event,) = meta.parse_webhook(payload).statuses
	assert (event.message_id, event.status, event.recipient_id) == ("wamid.OUT1", "delivered", "919812345678")
	for word in ("Success", "", None, "queued"):
		assert (
			body.status_body(message_id="x", status=word, recipient="1", at=AT, phone_number_id="1") is None
		)


def test_the_same_fact_told_twice_is_one_event():
	first, again = their_message(), their_message(text="STOP", profile_name="someone else")
	keys = {intake.event_key(meta.parse_webhook(p), repr(p).encode()) for p in (first, again)}
	assert len(keys) == 1


def test_a_moment_without_its_zone_is_refused():
	with pytest.raises(ValueError):
		their_message(at=datetime(2026, 11, 30, 14, 5))
