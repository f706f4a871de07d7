"""Sending by Meta's Cloud API, as the shop uses it: a greeting or a 'your repair is ready' goes out as
an approved template with her name filled in, and Meta's refusals are sorted into wait-and-retry or
give up."""

import ast
import inspect
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import messaging
from jewel_clienteling.domain.messaging import (
	MessagingError,
	build_template_payload,
	build_text_payload,
	classify_error,
	parse_send_response,
	retry_delay,
	should_give_up,
)
from tests.whatsapp_helpers import ASHA_DIGITS

ASHA = "+91 98123 45678"


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
