"""The local stand-in for Meta's Cloud API answers real HTTP the way Meta does: it sends what is well
formed and properly authorised, refuses the rest with Meta's error bodies, and fails or stalls when a
test asks it to, so the sending code can be tested against a network and not against a mock."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from jewel_clienteling.domain.incoming import parse_webhook, signature_is_valid
from jewel_clienteling.domain.messaging import (
	build_template_payload,
	build_text_payload,
	classify_error,
	parse_send_response,
	retry_delay,
	should_give_up,
)
from jewel_clienteling.testing.local_server import BACKLOG
from jewel_clienteling.testing.whatsapp_cloud_api import error_body
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import (
	inbound_button_payload,
	inbound_text_payload,
	signed,
	status_payload,
)

TOKEN = "EAAG-test"  # noqa: S105 - the stand-in's made-up access token
ASHA = "+919812345678"
PRIYA = "+919900011122"


@pytest.fixture
def api():
	with CloudAPIServer(token=TOKEN, phone_number_id="123", version="v21.0") as server:
		yield server
	assert server.errors == []


def post(url, body, token=TOKEN, timeout=5.0, method="POST"):
	"""Send as a client would; (HTTP status, raw body bytes)."""
	data = body if isinstance(body, bytes) else json.dumps(body).encode()
	headers = {"Content-Type": "application/json"}
	if token is not None:
		headers["Authorization"] = f"Bearer {token}"
	data = data if method == "POST" else None
	request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - local
	try:
		with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - local stand-in
			return response.status, response.read()
	except urllib.error.HTTPError as error:
		return error.code, error.read()


def test_it_listens_on_a_local_port(api):
	assert api.base_url.startswith("http://127.0.0.1:")
	assert int(api.base_url.rsplit(":", 1)[1]) > 0
	assert api.messages_url == f"{api.base_url}/v21.0/123/messages"


def test_a_template_is_accepted_and_recorded(api):
	body = build_template_payload(ASHA, "birthday_greeting", "en", ["Asha"])
	before = time.monotonic()
	status, raw = post(api.messages_url, body)
	assert status == 200
	answer = json.loads(raw)
	assert answer["messaging_product"] == "whatsapp"
	assert answer["contacts"] == [{"input": "919812345678", "wa_id": "919812345678"}]
	[message] = answer["messages"]
	assert message["id"].startswith("wamid.") and message["message_status"] == "accepted"
	result = parse_send_response(status, raw)
	assert result.ok and result.message_id == message["id"]

	[request] = api.requests
	assert (request.method, request.path, request.status, request.body) == (
		"POST",
		"/v21.0/123/messages",
		200,
		body,
	)
	assert request.headers["authorization"] == f"Bearer {TOKEN}"
	assert before <= request.at <= time.monotonic()
	assert api.sent_to(ASHA) == [body] and api.sent_to("919812345678") == [body]
	assert api.sent_to(PRIYA) == []


def test_a_text_message_has_no_message_status(api):
	status, raw = post(api.messages_url, build_text_payload(ASHA, "Your ring is ready"))
	assert status == 200
	assert "message_status" not in json.loads(raw)["messages"][0]


def test_every_message_gets_its_own_id_even_when_sent_at_once(api):
	"""A burst as wide as a sending worker's batch: every client waits at a barrier, then all connect at
	the same moment. The stand-in's backlog holds them all even if it has accepted none yet, so no
	request is lost however the threads are scheduled."""
	clients = 100
	assert clients <= BACKLOG
	ids, failures, lock = [], [], threading.Lock()
	barrier = threading.Barrier(clients)

	def send(n):
		body = build_text_payload(f"+91980000{n:04d}", f"Hello {n}")
		barrier.wait()
		try:
			status, raw = post(api.messages_url, body, timeout=30.0)
		except OSError as error:  # a reset or refusal: what a shallow backlog does to a burst
			with lock:
				failures.append(repr(error))
			return
		with lock:
			ids.append(parse_send_response(status, raw).message_id)

	threads = [threading.Thread(target=send, args=(n,)) for n in range(clients)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert failures == []
	assert len(ids) == clients and len(set(ids)) == clients and None not in ids
	assert len(api.requests) == clients
	assert all(len(api.sent_to(f"+91980000{n:04d}")) == 1 for n in range(clients))


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_a_missing_or_wrong_token_is_refused_with_code_190(api, token):
	status, raw = post(api.messages_url, build_text_payload(ASHA, "Hi"), token=token)
	assert status == 401
	assert json.loads(raw)["error"]["code"] == 190
	assert parse_send_response(status, raw).outcome.reason == "auth"
	assert api.sent_to(ASHA) == []


def test_another_phone_number_id_is_an_invalid_parameter(api):
	status, raw = post(f"{api.base_url}/v21.0/999/messages", build_text_payload(ASHA, "Hi"))
	assert status == 400
	result = parse_send_response(status, raw)
	assert result.error_code == 100 and "999" in result.error_details


def _template(**template):
	return {"messaging_product": "whatsapp", "to": "919812345678", "type": "template", "template": template}


@pytest.mark.parametrize(
	"body, field",
	[
		(b"this is not json", "JSON"),
		([1, 2], "JSON"),
		({"to": "919812345678", "type": "text", "text": {"body": "Hi"}}, "messaging_product"),
		(
			{"messaging_product": "sms", "to": "919812345678", "type": "text", "text": {"body": "Hi"}},
			"messaging_product",
		),
		({"messaging_product": "whatsapp", "type": "text", "text": {"body": "Hi"}}, "to"),
		({"messaging_product": "whatsapp", "to": "Asha", "type": "text", "text": {"body": "Hi"}}, "to"),
		({"messaging_product": "whatsapp", "to": "919812345678", "text": {"body": "Hi"}}, "type"),
		({"messaging_product": "whatsapp", "to": "919812345678", "type": "sticker", "sticker": {}}, "type"),
		({"messaging_product": "whatsapp", "to": "919812345678", "type": "text"}, "text"),
		({"messaging_product": "whatsapp", "to": "919812345678", "type": "text", "text": {}}, "text.body"),
		(
			{
				"messaging_product": "whatsapp",
				"to": "919812345678",
				"type": "text",
				"text": {"body": "x" * 4097},
			},
			"text.body",
		),
		(_template(language={"code": "en"}), "template.name"),
		(_template(name="birthday_greeting"), "template.language.code"),
		(_template(name="birthday_greeting", language={"code": ""}), "template.language.code"),
		(
			_template(
				name="birthday_greeting",
				language={"code": "en"},
				components=[{"type": "body", "parameters": [{"type": "text", "text": ""}]}],
			),
			"template.components",
		),
		(
			_template(name="birthday_greeting", language={"code": "en"}, components="body"),
			"template.components",
		),
	],
)
def test_a_malformed_body_is_refused_naming_the_field(api, body, field):
	status, raw = post(api.messages_url, body)
	assert status == 400
	result = parse_send_response(status, raw)
	assert result.error_code == 100 and field in result.error_details
	assert result.outcome.reason == "invalid" and result.outcome.permanent
	assert api.requests[0].status == 400


@pytest.mark.parametrize(
	"path, method",
	[
		("/v21.0/123/messages", "GET"),
		("/v21.0/123/media", "POST"),
		("/v20.0/123/messages", "POST"),
		("/", "POST"),
		("/v21.0/123/messages/extra", "POST"),
	],
)
def test_any_other_path_is_not_found(api, path, method):
	status, _ = post(api.base_url + path, build_text_payload(ASHA, "Hi"), method=method)
	assert status == 404


def test_fail_next_answers_the_next_sends_with_metas_error_then_recovers(api):
	api.fail_next(2, 400, 130429)
	answers = [post(api.messages_url, build_text_payload(ASHA, "Hi")) for _ in range(3)]
	assert [status for status, _ in answers] == [400, 400, 200]
	result = parse_send_response(*answers[0])
	assert result.error_code == 130429 and result.error_title == "Rate limit hit" and result.fbtrace_id
	assert result.outcome.reason == "throughput"
	assert len(api.sent_to(ASHA)) == 1


def test_a_malformed_request_does_not_use_up_a_fault(api):
	api.fail_next(1, 400, 131026, "Message undeliverable")
	assert post(api.messages_url, {"to": "1"})[0] == 400  # refused for its body, not by the fault
	status, raw = post(api.messages_url, build_text_payload(ASHA, "Hi"))
	assert (status, parse_send_response(status, raw).error_code) == (400, 131026)
	assert post(api.messages_url, build_text_payload(ASHA, "Hi"))[0] == 200


def test_a_proxy_page_instead_of_json(api):
	api.fail_next(1, 502, body="<html><body><h1>502 Bad Gateway</h1></body></html>")
	status, raw = post(api.messages_url, build_text_payload(ASHA, "Hi"))
	result = parse_send_response(status, raw)
	assert status == 502 and result.error_code is None and "Bad Gateway" in result.raw
	assert result.outcome.reason == "server" and result.outcome.retry


def test_fail_for_one_number_leaves_the_others_alone(api):
	api.fail_for(ASHA, 400, 131026)
	for _ in range(3):
		status, raw = post(api.messages_url, build_text_payload(ASHA, "Hi"))
		assert parse_send_response(status, raw).outcome.reason == "undeliverable"
	assert post(api.messages_url, build_text_payload(PRIYA, "Hi"))[0] == 200
	assert api.sent_to(ASHA) == [] and len(api.sent_to(PRIYA)) == 1


def test_fail_for_a_number_a_few_times(api):
	api.fail_for("919812345678", 400, 131056, times=2)
	statuses = [post(api.messages_url, build_text_payload(ASHA, "Hi"))[0] for _ in range(3)]
	assert statuses == [400, 400, 200]


def test_a_slow_answer_times_the_client_out_and_the_next_is_prompt(api):
	api.delay_next(1, 2.0)
	with pytest.raises((TimeoutError, urllib.error.URLError)):
		post(api.messages_url, build_text_payload(ASHA, "Hi"), timeout=0.3)
	started = time.monotonic()
	assert post(api.messages_url, build_text_payload(ASHA, "Hi"))[0] == 200
	assert time.monotonic() - started < 1.0
	first, second = api.requests
	assert first.at < second.at and first.status is None  # still asleep when the second arrived


def test_stopping_does_not_wait_for_a_sleeping_request():
	server = CloudAPIServer(token=TOKEN).start()
	server.delay_next(1, 30.0)
	with pytest.raises((TimeoutError, urllib.error.URLError)):
		post(server.messages_url, build_text_payload(ASHA, "Hi"), timeout=0.2)
	started = time.monotonic()
	server.stop()
	assert time.monotonic() - started < 5.0


def test_a_send_loop_retries_through_throttling_and_gives_up_on_undeliverable(api):
	"""How the sending worker is meant to use the rules, against a real socket."""

	def send(phone, max_attempts=5):
		for attempt in range(1, max_attempts + 1):
			status, raw = post(api.messages_url, build_text_payload(phone, "Hi"))
			result = parse_send_response(status, raw)
			if result.ok:
				return attempt, result
			if should_give_up(result.outcome, attempt, max_attempts):
				return attempt, result
			time.sleep(retry_delay(result.outcome, attempt) / 1000)  # milliseconds instead of seconds
		raise AssertionError("unreachable")

	api.fail_next(2, 400, 130429)
	attempts, result = send(ASHA)
	assert attempts == 3 and result.ok

	api.fail_for(PRIYA, 400, 131026)
	attempts, result = send(PRIYA)
	assert attempts == 1 and result.outcome.reason == "undeliverable"

	api.fail_next(10, 503, 131016)
	attempts, result = send(ASHA, max_attempts=4)
	assert attempts == 4 and not result.ok and result.outcome.reason == "server"


# --- Webhook bodies as Meta sends them ------------------------------------------------------------


def test_error_body_has_metas_shape():
	error = error_body(131047)["error"]
	assert error["message"] == "(#131047) Re-engagement message"
	assert (error["type"], error["code"], error["error_data"]["messaging_product"]) == (
		"OAuthException",
		131047,
		"whatsapp",
	)
	assert error["fbtrace_id"]


def test_status_webhooks_round_trip_through_the_parser():
	sent = status_payload("wamid.S1", "sent", ASHA, timestamp=1730435400)
	value = sent["entry"][0]["changes"][0]["value"]
	assert (
		sent["object"] == "whatsapp_business_account"
		and sent["entry"][0]["changes"][0]["field"] == "messages"
	)
	assert value["metadata"]["phone_number_id"] == "123"
	assert value["statuses"][0]["pricing"]["category"] == "marketing"
	[event] = parse_webhook(sent).statuses
	assert (event.message_id, event.status, event.recipient_id, event.timestamp.timestamp()) == (
		"wamid.S1",
		"sent",
		"919812345678",
		1730435400,
	)
	read = status_payload("wamid.S1", "read", ASHA)["entry"][0]["changes"][0]["value"]["statuses"][0]
	assert "pricing" not in read and abs(int(read["timestamp"]) - time.time()) < 5


def test_inbound_payloads_round_trip_through_the_parser():
	[text] = parse_webhook(inbound_text_payload(ASHA, "Ring ready?", name="Asha")).messages
	assert (text.from_phone, text.text, text.profile_name, text.kind) == (
		"919812345678",
		"Ring ready?",
		"Asha",
		"text",
	)
	assert text.message_id.startswith("wamid.")
	[button] = parse_webhook(inbound_button_payload(ASHA, "Yes", context_message_id="wamid.T1")).messages
	assert (button.kind, button.text, button.payload, button.context_message_id) == (
		"button",
		"Yes",
		"Yes",
		"wamid.T1",
	)


def test_signed_webhooks_verify_with_the_same_secret_only():
	payload = inbound_text_payload(ASHA, "Namaste 🙏", name="Asha")
	raw, headers = signed("app-secret", payload)
	assert headers["Content-Type"] == "application/json"
	assert json.loads(raw) == payload
	assert signature_is_valid("app-secret", raw, headers["X-Hub-Signature-256"])
	assert not signature_is_valid("other-secret", raw, headers["X-Hub-Signature-256"])


def test_classify_matches_what_the_stand_in_sends_for_each_fault(api):
	for code, reason in (
		(130429, "throughput"),
		(131056, "pair_rate"),
		(131049, "marketing_cap"),
		(131047, "window_closed"),
	):
		api.fail_next(1, 400, code)
		status, raw = post(api.messages_url, build_text_payload(ASHA, "Hi"))
		assert parse_send_response(status, raw).outcome == classify_error(400, code)
		assert classify_error(400, code).reason == reason
