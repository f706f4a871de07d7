"""WhatsApp by Meta's Cloud API, as the shop uses it: a greeting or a 'your repair is ready' goes out as
an approved template with her name filled in, Meta's refusals are sorted into wait-and-retry or give
up, webhooks are believed only when Meta signed them, a message's status only moves forward, 'STOP'
means stop, and the shop never sends faster than Meta allows."""

import ast
import hashlib
import hmac
import inspect
import json
from datetime import datetime, timedelta, timezone
from itertools import pairwise, permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import messaging
from jewel_clienteling.domain.incoming import (
	STATUS_RANK,
	consent_intent,
	next_status,
	parse_webhook,
	sign,
	signature_is_valid,
	window_open,
)
from jewel_clienteling.domain.messaging import (
	MessagingError,
	build_template_payload,
	build_text_payload,
	classify_error,
	parse_send_response,
	retry_delay,
	should_give_up,
)
from jewel_clienteling.domain.pacing import Pacer, max_burst, peak_rate
from jewel_clienteling.testing.whatsapp_server import (
	inbound_button_payload,
	inbound_text_payload,
	signed,
	status_payload,
)

UTC = timezone.utc
ASHA = "+91 98123 45678"
ASHA_DIGITS = "919812345678"


def test_rules_use_only_the_standard_library():
	tree = ast.parse(inspect.getsource(messaging))
	imported = {
		alias.name.split(".")[0]
		for node in ast.walk(tree)
		if isinstance(node, ast.Import)
		for alias in node.names
	}
	imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
	assert imported <= {
		"__future__",
		"hashlib",
		"hmac",
		"json",
		"re",
		"unicodedata",
		"bisect",
		"collections",
		"dataclasses",
		"datetime",
	}


# --- What we send ---------------------------------------------------------------------------------


def test_a_birthday_template_is_the_exact_cloud_api_body():
	payload = build_template_payload(
		ASHA, "birthday_greeting", "en", ["Asha", "Sona Jewellers"], ["Happy birthday"]
	)
	assert payload == {
		"messaging_product": "whatsapp",
		"recipient_type": "individual",
		"to": "919812345678",
		"type": "template",
		"template": {
			"name": "birthday_greeting",
			"language": {"code": "en"},
			"components": [
				{"type": "header", "parameters": [{"type": "text", "text": "Happy birthday"}]},
				{
					"type": "body",
					"parameters": [
						{"type": "text", "text": "Asha"},
						{"type": "text", "text": "Sona Jewellers"},
					],
				},
			],
		},
	}
	assert json.loads(json.dumps(payload)) == payload


def test_a_template_without_parameters_sends_no_components():
	assert build_template_payload("919812345678", "diwali_invite", "hi", [])["template"] == {
		"name": "diwali_invite",
		"language": {"code": "hi"},
	}
	only_body = build_template_payload("919812345678", "repair_ready", "en_US", ["RT-0042"], [])
	assert [c["type"] for c in only_body["template"]["components"]] == ["body"]


@pytest.mark.parametrize(
	"phone, digits",
	[
		("+91 98123 45678", "919812345678"),
		("919812345678", "919812345678"),
		("+1 (650) 555-1234", "16505551234"),
	],
)
def test_her_number_goes_as_digits_without_plus(phone, digits):
	assert build_text_payload(phone, "Namaste")["to"] == digits


@pytest.mark.parametrize(
	"phone",
	[
		"",
		"   ",
		"098123 45678",
		"+0981234567",
		"abc",
		"+",
		"12345",
		"1234567890123456",
		"+91 98123 4567x",
		None,
		919812345678,
		"٩١٩٨١٢٣٤٥٦٧٨",
		"++919812345678",
	],
)
def test_a_number_that_is_not_international_is_refused(phone):
	with pytest.raises(MessagingError) as refused:
		build_text_payload(phone, "Namaste")
	assert refused.value.reason == "bad_phone"


@pytest.mark.parametrize(
	"body, header, where",
	[
		(["Asha", " ", "Sona"], None, "body parameter 2"),
		(["Asha", None], None, "body parameter 2"),
		([""], None, "body parameter 1"),
		(["Asha"], ["\t \n"], "header parameter 1"),
	],
)
def test_an_empty_parameter_is_refused_naming_which(body, header, where):
	with pytest.raises(MessagingError) as refused:
		build_template_payload(ASHA, "birthday_greeting", "en", body, header)
	assert refused.value.reason == "empty_parameter"
	assert where in str(refused.value)


def test_parameters_longer_than_meta_allows_are_refused():
	build_template_payload(ASHA, "t", "en", ["x" * 1024], ["y" * 60])
	for body, header in ((["x" * 1025], None), (["x"], ["y" * 61])):
		with pytest.raises(MessagingError) as refused:
			build_template_payload(ASHA, "t", "en", body, header)
		assert refused.value.reason == "parameter_too_long"


@pytest.mark.parametrize("value", ["Asha\nPriya", "Asha\tPriya", "Asha     Priya", "a" + " " * 5 + "b"])
def test_line_breaks_tabs_and_runs_of_spaces_meta_rejects_are_refused(value):
	with pytest.raises(MessagingError) as refused:
		build_template_payload(ASHA, "t", "en", [value])
	assert refused.value.reason == "bad_parameter"
	assert build_template_payload(ASHA, "t", "en", ["Asha    Priya"])  # four spaces Meta accepts


def test_parameters_must_be_a_list_of_text():
	for body in ("Asha", [5]):
		with pytest.raises(MessagingError) as refused:
			build_template_payload(ASHA, "t", "en", body)
		assert refused.value.reason == "bad_parameter"


def test_a_template_needs_its_name_and_language():
	with pytest.raises(MessagingError) as no_name:
		build_template_payload(ASHA, " ", "en", ["Asha"])
	with pytest.raises(MessagingError) as no_language:
		build_template_payload(ASHA, "birthday_greeting", "", ["Asha"])
	assert (no_name.value.reason, no_language.value.reason) == ("bad_template", "bad_language")


@given(
	st.lists(
		st.text(
			st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\t"), min_size=1, max_size=40
		).filter(lambda s: s.strip() and "     " not in s),
		max_size=6,
	)
)
def test_any_non_empty_parameters_are_sent_as_given_in_order(values):
	payload = build_template_payload(ASHA, "t", "en", values)
	sent = [p["text"] for c in payload["template"].get("components", []) for p in c["parameters"]]
	assert sent == values
	assert json.loads(json.dumps(payload)) == payload


def test_free_text_inside_the_window():
	assert build_text_payload(ASHA, "Your ring is ready, Asha!") == {
		"messaging_product": "whatsapp",
		"recipient_type": "individual",
		"to": ASHA_DIGITS,
		"type": "text",
		"text": {"preview_url": False, "body": "Your ring is ready, Asha!"},
	}
	assert build_text_payload(ASHA, "क" * 4096)["text"]["body"] == "क" * 4096


@pytest.mark.parametrize(
	"body, reason",
	[("", "empty_body"), ("  \n", "empty_body"), (None, "empty_body"), ("x" * 4097, "too_long")],
)
def test_an_empty_or_overlong_text_is_refused(body, reason):
	with pytest.raises(MessagingError) as refused:
		build_text_payload(ASHA, body)
	assert refused.value.reason == reason


# --- When Meta says no ----------------------------------------------------------------------------


@pytest.mark.parametrize(
	"status, code, reason, retry, needs_template",
	[
		(400, 130429, "throughput", True, False),
		(429, None, "throughput", True, False),
		(400, 131056, "pair_rate", True, False),
		(500, None, "server", True, False),
		(503, 131016, "server", True, False),
		(502, None, "server", True, False),
		(None, None, "timeout", True, False),
		(400, 131049, "marketing_cap", True, False),
		(400, 131026, "undeliverable", False, False),
		(400, 131047, "window_closed", False, True),
		(401, 190, "auth", False, False),
		(401, None, "auth", False, False),
		(400, 190, "auth", False, False),
		(400, 100, "invalid", False, False),
		(400, 132000, "invalid", False, False),
		(403, 200, "invalid", False, False),
		(404, None, "invalid", False, False),
		(302, None, "unknown", False, False),
		(200, None, "unknown", False, False),
	],
)
def test_each_error_is_sorted_into_retry_or_give_up(status, code, reason, retry, needs_template):
	outcome = classify_error(status, code)
	assert (outcome.reason, outcome.retry, outcome.permanent, outcome.needs_template) == (
		reason,
		retry,
		not retry,
		needs_template,
	)


@pytest.mark.parametrize(
	"status, code, delays",
	[
		(400, 130429, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]),
		(400, 131056, [6, 12, 24, 48, 96, 192, 384, 600, 600]),
		(500, None, [2, 4, 8, 16, 32, 64, 128, 256, 300]),
		(None, None, [2, 4, 8, 16, 32, 64, 128, 256, 300]),
		(400, 131049, [86400, 86400, 86400]),
	],
)
def test_backoff_doubles_up_to_a_cap_and_the_marketing_cap_waits_a_day(status, code, delays):
	outcome = classify_error(status, code)
	assert [retry_delay(outcome, attempt) for attempt in range(1, len(delays) + 1)] == delays
	assert outcome.delay_seconds(len(delays)) == delays[-1]
	assert retry_delay(outcome, 10_000) == delays[-1]  # no overflow on a very stubborn failure


def test_jitter_only_ever_adds_the_callers_fraction():
	outcome = classify_error(500, None)
	assert retry_delay(outcome, 3, jitter=0.25) == 8 * 1.25
	assert retry_delay(classify_error(400, 131049), 1, jitter=0.1) == pytest.approx(86400 * 1.1)
	for bad in (-0.1, 1.5):
		with pytest.raises(MessagingError) as refused:
			retry_delay(outcome, 1, jitter=bad)
		assert refused.value.reason == "bad_jitter"


@given(
	st.sampled_from([(400, 130429), (400, 131056), (500, None), (None, None), (400, 131049)]),
	st.integers(1, 200),
)
def test_the_wait_never_shrinks_and_stays_within_bounds(error, attempt):
	outcome = classify_error(*error)
	delay = retry_delay(outcome, attempt)
	assert outcome.first_delay <= delay <= outcome.max_delay
	assert retry_delay(outcome, attempt + 1) >= delay
	assert retry_delay(outcome, attempt) == delay  # deterministic


def test_a_permanent_error_has_no_delay_and_attempts_count_from_one():
	with pytest.raises(MessagingError) as no_retry:
		retry_delay(classify_error(400, 131026), 1)
	assert no_retry.value.reason == "not_retryable"
	for attempt in (0, -1, 1.5, True):
		with pytest.raises(MessagingError) as bad:
			retry_delay(classify_error(500, None), attempt)
		assert bad.value.reason == "bad_attempt"


def test_give_up_when_permanent_or_out_of_attempts():
	busy, gone = classify_error(400, 130429), classify_error(400, 131026)
	assert [should_give_up(busy, attempt, 3) for attempt in (1, 2, 3, 4)] == [False, False, True, True]
	assert should_give_up(gone, 1, 5)
	with pytest.raises(MessagingError):
		should_give_up(busy, 1, 0)


# --- Meta's answer to a send ----------------------------------------------------------------------


def test_an_accepted_template_gives_its_message_id():
	body = b'{"messaging_product":"whatsapp","contacts":[{"input":"+919812345678","wa_id":"919812345678"}],"messages":[{"id":"wamid.HBgMOTE5ODEyMzQ1Njc4FQIAERgSQzY","message_status":"accepted"}]}'
	result = parse_send_response(200, body)
	assert (result.ok, result.message_id, result.message_status) == (
		True,
		"wamid.HBgMOTE5ODEyMzQ1Njc4FQIAERgSQzY",
		"accepted",
	)
	assert result.outcome is None
	assert parse_send_response(200, json.loads(body)).message_id == result.message_id
	assert parse_send_response(200, body.decode()).message_id == result.message_id


def test_meta_error_object_is_read_in_full():
	body = json.dumps(
		{
			"error": {
				"message": "(#131047) Re-engagement message",
				"type": "OAuthException",
				"code": 131047,
				"error_data": {
					"messaging_product": "whatsapp",
					"details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
				},
				"error_subcode": 2494010,
				"fbtrace_id": "AbCdEfGh123",
			}
		}
	).encode()
	result = parse_send_response(400, body)
	assert not result.ok and result.message_id is None
	assert (result.error_code, result.error_title, result.error_message) == (
		131047,
		"Re-engagement message",
		"(#131047) Re-engagement message",
	)
	assert result.error_details.startswith("Message failed to send because more than 24 hours")
	assert (result.error_subcode, result.fbtrace_id) == (2494010, "AbCdEfGh123")
	assert result.outcome.needs_template


def test_a_proxys_html_page_is_judged_by_the_http_status():
	page = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
	result = parse_send_response(502, page)
	assert (result.ok, result.error_code, result.error_title) == (False, None, None)
	assert result.raw.startswith("<html>")
	assert result.outcome.reason == "server" and result.outcome.retry


@pytest.mark.parametrize(
	"status, body, code",
	[
		(500, b"", None),
		(500, None, None),
		(400, b"\xff\xfe not utf-8", None),
		(400, "[1, 2]", None),
		(400, '{"error": "nope"}', None),
		(400, '{"error": {"code": "131026"}}', 131026),
		(400, '{"error": {"code": true}}', None),
		(400, '{"error": {"code": 1.5, "error_data": "x", "message": 7}}', None),
		(200, '{"messages": []}', None),
		(200, '{"messages": ["wamid.x"]}', None),
		(200, '{"messages": [{"id": ""}]}', None),
		(400, "[" * 100_000, None),
	],
)
def test_odd_answers_never_raise(status, body, code):
	result = parse_send_response(status, body)
	assert not result.ok and result.error_code == code


def test_no_answer_at_all_is_a_timeout_to_retry():
	assert parse_send_response(None, None).outcome.reason == "timeout"


@given(st.binary(max_size=300), st.one_of(st.none(), st.integers(100, 599)))
def test_any_bytes_at_all_are_read_without_raising(body, status):
	parse_send_response(status, body)


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


# --- A status only moves forward ------------------------------------------------------------------


@pytest.mark.parametrize(
	"current, incoming, expected",
	[
		(None, "sent", "sent"),
		(None, "read", "read"),
		(None, "failed", "failed"),
		("queued", "delivered", "delivered"),
		("sent", "delivered", "delivered"),
		("delivered", "read", "read"),
		("sent", "read", "read"),
		("read", "delivered", None),
		("delivered", "sent", None),
		("sent", "sent", None),
		("read", "read", None),
		("sent", "failed", "failed"),
		("delivered", "failed", "failed"),
		("read", "failed", None),
		("failed", "delivered", None),
		("failed", "read", None),
		("failed", "failed", None),
		("sent", "deleted", None),
		("sent", "warning", None),
		("sent", None, None),
		("SENT", "Delivered", "delivered"),
	],
)
def test_status_moves_only_forward(current, incoming, expected):
	assert next_status(current, incoming) == expected


def _fold(events):
	current = None
	for incoming in events:
		current = next_status(current, incoming) or current
	return current


def test_statuses_in_any_order_end_at_read():
	for order in permutations(["sent", "delivered", "read"]):
		assert _fold(order) == "read"
	assert set(STATUS_RANK) == {"sent", "delivered", "read", "failed"}


@given(st.lists(st.sampled_from(["sent", "delivered", "read", "failed", "deleted", "typing"]), max_size=12))
def test_replayed_and_shuffled_statuses_settle_where_they_should(events):
	# Independent statement of the rule: whichever of read and failed came first is final; otherwise the
	# furthest of sent and delivered; unknown statuses count for nothing.
	ends = [e for e in events if e in ("read", "failed")]
	progress = [e for e in events if e in ("sent", "delivered")]
	expected = (
		ends[0] if ends else ("delivered" if "delivered" in progress else ("sent" if progress else None))
	)
	assert _fold(events) == expected
	assert _fold(events + events) == expected  # Meta sends each webhook at least once
	assert expected is None or next_status(expected, expected) is None


# --- Her consent, in her words --------------------------------------------------------------------


@pytest.mark.parametrize(
	"text",
	[
		"STOP",
		"stop",
		"Stop.",
		"  stop  ",
		"Stop!!!",
		"STOP ALL",
		"stopall",
		"Unsubscribe",
		"CANCEL",
		"Opt out",
		"OPT-OUT",
		"optout",
		"opt_out",
		"\uff33\uff34\uff2f\uff30",  # STOP typed in full-width letters
		"Stop 🙏",
		"🛑 STOP",
		"stop\n",
		"«Stop»",
	],
)
def test_stop_words_as_the_whole_message_mean_stop(text):
	assert consent_intent(text) == "stop"


@pytest.mark.parametrize(
	"text", ["START", "start.", "Subscribe", "unstop", "Opt in", "opt-in", "OPTIN", "Start 👍"]
)
def test_start_words_mean_start(text):
	assert consent_intent(text) == "start"


@pytest.mark.parametrize(
	"text",
	[
		"please stop calling my husband",
		"don't stop",
		"Stop by the store tomorrow?",
		"stopped",
		"cancel my order",
		"Started wearing it, love it",
		"stop stop",
		"s t o p",
		"",
		"   ",
		"🙏",
		None,
		42,
	],
)
def test_a_sentence_that_merely_contains_the_word_is_not_consent(text):
	assert consent_intent(text) is None


# --- The 24-hour window ---------------------------------------------------------------------------


def test_free_text_only_within_24_hours_of_her_last_message():
	wrote = datetime(2024, 11, 1, 10, 0, tzinfo=UTC)
	assert window_open(wrote, wrote + timedelta(hours=23, minutes=59, seconds=59))
	assert not window_open(wrote, wrote + timedelta(hours=24))
	assert not window_open(wrote, wrote + timedelta(hours=24, seconds=1))
	assert window_open(wrote, wrote)
	assert window_open(wrote, wrote + timedelta(hours=47), hours=48)
	assert not window_open(None, wrote)


# --- Pacing ---------------------------------------------------------------------------------------


def test_pacer_spreads_a_burst_and_keeps_six_seconds_per_person():
	pacer = Pacer(rate=2, gap=6)
	# two per second: a, b at once; c, d a second later; e the second after; a again only six seconds
	# after her first message.
	assert [pacer.reserve(r, 0.0) for r in "abcdea"] == [0.0, 0.0, 1.0, 1.0, 2.0, 6.0]


def test_pacer_at_metas_default_rate():
	pacer = Pacer()
	times = [pacer.reserve(f"cust{i}", 0.0) for i in range(200)]
	assert times == [0.0] * 80 + [1.0] * 80 + [2.0] * 40


def test_pacer_never_goes_back_in_time():
	pacer = Pacer(rate=5, gap=6)
	assert pacer.reserve("a", 5.0) == 5.0
	assert pacer.reserve("b", 3.0) == 5.0
	assert pacer.reserve("a", 7.0) == 11.0


def test_pacer_still_keeps_the_gap_after_serving_many_customers():
	pacer = Pacer(rate=1000, gap=6)
	for i in range(25_000):
		assert pacer.reserve(f"cust{i}", i * 0.01) == i * 0.01
	now = 24_999 * 0.01
	assert pacer.reserve("cust24999", now) == now + 6  # wrote to her a moment ago
	assert pacer.reserve("cust24800", now) == 24_800 * 0.01 + 6  # six seconds after 248.0
	assert pacer.reserve("cust0", now) == now  # long ago


@pytest.mark.parametrize("rate, gap", [(0, 6), (-1, 6), (1.5, 6), (True, 6), (10, -1)])
def test_pacer_needs_a_sensible_rate_and_gap(rate, gap):
	with pytest.raises(MessagingError):
		Pacer(rate=rate, gap=gap)


@given(
	st.integers(1, 4),
	st.sampled_from([0.0, 0.5, 6.0]),
	st.lists(st.tuples(st.floats(0, 3, allow_nan=False), st.sampled_from("abcdefg")), max_size=60),
)
def test_pacer_never_exceeds_the_rate_or_the_gap_and_waits_no_longer_than_needed(rate, gap, requests):
	pacer, now, booked = Pacer(rate=rate, gap=gap), 0.0, []
	for step, recipient in requests:
		now += step
		moment = pacer.reserve(recipient, now)
		assert moment >= now
		booked.append((moment, recipient, now))
	times = sorted(t for t, _, _ in booked)
	for start in times:  # any one-second window is as full as it gets when it opens on a send
		assert sum(start <= t < start + 1.0 for t in times) <= rate
	for recipient in set("abcdefg"):
		mine = sorted(t for t, r, _ in booked if r == recipient)
		assert all(later >= earlier + gap for earlier, later in pairwise(mine))
	for index, (moment, recipient, asked_at) in enumerate(booked):
		earlier_mine = [t for t, r, _ in booked[:index] if r == recipient]
		allowed = max([asked_at, *(t + gap for t in earlier_mine)])
		if moment > allowed:  # pushed back by the rate: the second before it was full
			others = [t for j, (t, _, _) in enumerate(booked) if j != index]
			assert sum(moment - 1.0 - 1e-9 <= t < moment for t in others) >= rate


def _brute_force_most(times, window):
	return max((sum(start <= t < start + window for t in times) for start in times), default=0)


def test_burst_and_rate_by_hand():
	assert max_burst([(0, "a"), (5.9, "a"), (6, "a"), (1, "b")]) == 2
	assert max_burst([(0, "a"), (6, "a"), (12, "a")]) == 1
	assert max_burst([]) == 0 and peak_rate([]) == 0
	assert peak_rate([(0, "w"), (0.5, "x"), (0.99, "y"), (1.0, "z")]) == 3
	assert peak_rate([(3, "a"), (1, "b"), (2.5, "c")], window=1.0) == 2


@given(st.lists(st.tuples(st.floats(0, 20, allow_nan=False), st.sampled_from("abc")), max_size=40))
def test_burst_and_rate_match_counting_every_window(sends):
	assert peak_rate(sends) == _brute_force_most([t for t, _ in sends], 1.0)
	assert max_burst(sends) == max(
		(_brute_force_most([t for t, r in sends if r == who], 6.0) for who in "abc"), default=0
	)
