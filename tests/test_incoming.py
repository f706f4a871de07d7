"""What Meta's webhook says back: believed only when Meta signed it, read event by event, and never
thrown off by junk."""

import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.incoming import (
	parse_webhook,
	sign,
	signature_is_valid,
)
from jewel_clienteling.domain.messaging import MessagingError
from jewel_clienteling.testing.whatsapp_webhooks import (
	inbound_button_payload,
	inbound_text_payload,
	signed,
	status_payload,
)
from tests.whatsapp_helpers import (
	ASHA_DIGITS,
	UTC,
)

# --- Webhook signatures ---------------------------------------------------------------------------

SECRET = "f1a2b3c4d5e6"  # noqa: S105 - a made-up app secret for signing test bodies
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def _meta_signature(secret: str, body: bytes) -> str:
	return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_signature_made_with_the_app_secret_is_valid():
	header = _meta_signature(SECRET, BODY)
	assert sign(SECRET, BODY) == header
	assert signature_is_valid(SECRET, BODY, header)
	assert signature_is_valid(SECRET, BODY, header.upper().replace("SHA256=", "sha256="))
	assert signature_is_valid(SECRET, bytearray(BODY), f" {header}\n")


@pytest.mark.parametrize(
	"secret, body, header",
	[
		(SECRET, BODY + b" ", _meta_signature(SECRET, BODY)),  # body changed after signing
		(SECRET, BODY.replace(b"[]", b"[{}]"), _meta_signature(SECRET, BODY)),
		("another-secret", BODY, _meta_signature(SECRET, BODY)),
		(SECRET, BODY, None),
		(SECRET, BODY, ""),
		(SECRET, BODY, _meta_signature(SECRET, BODY).replace("sha256=", "sha1=")),
		(SECRET, BODY, _meta_signature(SECRET, BODY).removeprefix("sha256=")),
		(SECRET, BODY, _meta_signature(SECRET, BODY)[:-2]),
		(SECRET, BODY, _meta_signature(SECRET, BODY)[:-1] + "g"),
		(SECRET, BODY, "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest()),
		("", BODY, _meta_signature("", BODY)),  # no secret configured: believe nothing
		(None, BODY, _meta_signature(SECRET, BODY)),
		(SECRET, BODY.decode(), _meta_signature(SECRET, BODY)),
		(SECRET, BODY, 12345),
	],
)
def test_a_tampered_unsigned_or_oddly_signed_webhook_is_not_believed(secret, body, header):
	assert not signature_is_valid(secret, body, header)


def test_the_raw_bytes_are_what_is_signed_not_the_json_they_hold():
	raw, headers = signed(SECRET, inbound_text_payload(ASHA_DIGITS, "नमस्ते, मेरी अंगूठी तैयार है?", name="आशा"))
	assert signature_is_valid(SECRET, raw, headers["X-Hub-Signature-256"])
	assert b"\\u" in raw  # Meta escapes non-ASCII
	reserialised = json.dumps(json.loads(raw), ensure_ascii=False).encode()
	assert not signature_is_valid(SECRET, reserialised, headers["X-Hub-Signature-256"])


# --- What a webhook says --------------------------------------------------------------------------


def test_a_delivered_status_is_read():
	at = datetime(2024, 11, 1, 4, 30, tzinfo=UTC)
	batch = parse_webhook(
		status_payload("wamid.A1", "delivered", ASHA_DIGITS, timestamp=at, phone_number_id="555")
	)
	assert batch.problems == [] and batch.messages == []
	[event] = batch.statuses
	assert (event.message_id, event.status, event.recipient_id, event.phone_number_id) == (
		"wamid.A1",
		"delivered",
		ASHA_DIGITS,
		"555",
	)
	assert event.timestamp == at and event.timestamp.utcoffset() == timedelta(0)
	assert (event.error_code, event.error_title) == (None, None)


def test_a_failed_status_carries_metas_error():
	batch = parse_webhook(
		status_payload("wamid.A2", "failed", ASHA_DIGITS, error=(131026, "Message undeliverable"))
	)
	[event] = batch.statuses
	assert (event.status, event.error_code, event.error_title) == ("failed", 131026, "Message undeliverable")


def test_her_text_reply_is_read_with_her_whatsapp_name():
	batch = parse_webhook(
		inbound_text_payload(
			ASHA_DIGITS, "Is my ring ready?", message_id="wamid.IN1", name="Asha", timestamp=1730435400
		)
	)
	[message] = batch.messages
	assert (message.message_id, message.from_phone, message.kind, message.text, message.profile_name) == (
		"wamid.IN1",
		ASHA_DIGITS,
		"text",
		"Is my ring ready?",
		"Asha",
	)
	assert message.timestamp == datetime(2024, 11, 1, 4, 30, tzinfo=UTC)


def test_a_tapped_button_gives_its_text_payload_and_our_message_it_answers():
	batch = parse_webhook(
		inbound_button_payload(
			ASHA_DIGITS, "Stop promotions", payload="STOP_PROMO", context_message_id="wamid.OUT7"
		)
	)
	[message] = batch.messages
	assert (message.kind, message.text, message.payload, message.context_message_id) == (
		"button",
		"Stop promotions",
		"STOP_PROMO",
		"wamid.OUT7",
	)


def _value(**value):
	return {
		"object": "whatsapp_business_account",
		"entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
	}


def test_interactive_replies_media_and_locations():
	base = {"from": ASHA_DIGITS, "timestamp": "1730435400"}
	batch = parse_webhook(
		_value(
			contacts=[{"profile": {"name": "Asha"}, "wa_id": ASHA_DIGITS}],
			messages=[
				{
					**base,
					"id": "m1",
					"type": "interactive",
					"interactive": {
						"type": "button_reply",
						"button_reply": {"id": "visit_sat", "title": "Saturday"},
					},
				},
				{
					**base,
					"id": "m2",
					"type": "interactive",
					"interactive": {
						"type": "list_reply",
						"list_reply": {"id": "r2", "title": "Ring resize", "description": "x"},
					},
				},
				{
					**base,
					"id": "m3",
					"type": "image",
					"image": {"caption": "This clasp is loose", "mime_type": "image/jpeg", "id": "img1"},
				},
				{**base, "id": "m4", "type": "location", "location": {"latitude": 19.07, "longitude": 72.87}},
				{
					**base,
					"id": "m5",
					"type": "reaction",
					"reaction": {"message_id": "wamid.OUT7", "emoji": "❤️"},
				},
			],
		)
	)
	assert batch.problems == []
	assert [(m.kind, m.text, m.payload) for m in batch.messages] == [
		("interactive", "Saturday", "visit_sat"),
		("interactive", "Ring resize", "r2"),
		("image", "This clasp is loose", None),
		("location", None, None),
		("reaction", "❤️", None),
	]
	assert {m.profile_name for m in batch.messages} == {"Asha"}


def test_one_bad_event_is_skipped_and_noted_the_rest_are_kept():
	good = status_payload("wamid.G", "read", ASHA_DIGITS, timestamp=1730435400)["entry"][0]["changes"][0][
		"value"
	]["statuses"][0]
	payload = _value(
		statuses=[
			good,
			{"id": "wamid.B", "status": "read"},
			"junk",
			{**good, "id": "wamid.H", "timestamp": "yesterday"},
		]
	)
	payload["entry"].append(
		{"id": "2", "changes": [{"field": "message_template_status_update", "value": {"event": "APPROVED"}}]}
	)
	payload["entry"].append("junk")
	batch = parse_webhook(payload)
	assert [s.message_id for s in batch.statuses] == ["wamid.G"]
	assert len(batch.problems) == 5
	assert any("statuses[1]" in p for p in batch.problems) and any("statuses[3]" in p for p in batch.problems)
	assert any("message_template_status_update" in p for p in batch.problems)


def test_a_webhook_for_something_else_is_noted_not_read():
	batch = parse_webhook({"object": "page", "entry": [{"changes": []}]})
	assert (batch.statuses, batch.messages, len(batch.problems)) == ([], [], 1)
	assert parse_webhook({"object": "whatsapp_business_account", "entry": "x"}).problems == [
		"entry is not a list"
	]


@pytest.mark.parametrize("payload", [[], "text", None, 42])
def test_a_body_that_is_not_an_object_is_refused(payload):
	with pytest.raises(MessagingError) as refused:
		parse_webhook(payload)
	assert refused.value.reason == "malformed"


_junk = st.recursive(
	st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
	lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
	max_leaves=25,
)
_keys = st.sampled_from(
	[
		"object",
		"entry",
		"changes",
		"field",
		"value",
		"statuses",
		"messages",
		"contacts",
		"id",
		"status",
		"timestamp",
		"from",
		"type",
		"text",
		"errors",
		"metadata",
		"button",
		"interactive",
	]
)


@given(_junk)
def test_junk_anywhere_never_raises(junk):
	for payload in (
		{"object": "whatsapp_business_account", "entry": junk},
		{"object": "whatsapp_business_account", "entry": [{"changes": junk}]},
		_value(statuses=junk, messages=junk, contacts=junk, errors=junk, metadata=junk),
		_value(statuses=[junk], messages=[junk], contacts=[junk]),
	):
		batch = parse_webhook(payload)
		assert all(isinstance(p, str) for p in batch.problems)


@given(st.data())
def test_a_real_payload_with_any_one_part_replaced_by_junk_never_raises(data):
	payload = inbound_button_payload(ASHA_DIGITS, "Yes", context_message_id="wamid.OUT1")
	payload["entry"][0]["changes"][0]["value"]["statuses"] = status_payload("wamid.X", "sent", ASHA_DIGITS)[
		"entry"
	][0]["changes"][0]["value"]["statuses"]
	node = payload
	while isinstance(node, dict | list) and node and data.draw(st.booleans()):
		key = data.draw(
			st.sampled_from(list(node.keys()) if isinstance(node, dict) else list(range(len(node))))
		)
		if not isinstance(node[key], dict | list) or data.draw(st.booleans()):
			node[key] = data.draw(_junk)
			break
		node = node[key]
	else:
		if isinstance(node, dict):
			node[data.draw(_keys)] = data.draw(_junk)
	parse_webhook(payload)


@pytest.mark.parametrize(
	"stamp", ["99999999999999999999", "-5", "1.7e9", "", " 1730435400", 1730435400.5, True]
)
def test_an_unreadable_timestamp_skips_the_event(stamp):
	payload = _value(
		statuses=[{"id": "wamid.T", "status": "sent", "timestamp": stamp, "recipient_id": ASHA_DIGITS}]
	)
	batch = parse_webhook(payload)
	assert batch.statuses == [] and len(batch.problems) == 1
