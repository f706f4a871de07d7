"""A local stand-in for Meta's WhatsApp Cloud API: a real HTTP server on 127.0.0.1 that answers
POST /{version}/{phone_number_id}/messages the way Meta does, records every request, and can be told
to fail or to be slow. Also builds the webhook bodies Meta sends back (statuses, her replies), signed
with the app secret.

	with CloudAPIServer(token="t", phone_number_id="123") as api:
		send(api.base_url, ...)  # the code under test
		assert api.sent_to("+919812345678")

Checks run in Meta's order: the path, the access token, the phone number id, the body; then the
faults you queued (so a malformed request never uses one up); then success.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler

from jewel_clienteling.domain.incoming import sign
from jewel_clienteling.testing.local_server import LocalHTTPServer, serve

TITLES = {
	100: "Invalid parameter",
	130429: "Rate limit hit",
	131000: "Something went wrong",
	131016: "Service unavailable",
	131026: "Message undeliverable",
	131047: "Re-engagement message",
	131048: "Spam rate limit hit",
	131049: "This message was not delivered to maintain healthy ecosystem engagement.",
	131056: "(Business Account, Consumer Account) pair rate limit hit",
}
MESSAGE_TYPES = ("text", "template")
DISPLAY_PHONE_NUMBER = "15550001234"
BUSINESS_ACCOUNT_ID = "102290129340398"


def error_body(code: int, message: str | None = None, details: str | None = None) -> dict:
	"""Meta's error object: {"error": {"message": "(#code) title", "type", "code", "error_data", ...}}."""
	title = message or TITLES.get(code, "Error")
	return {
		"error": {
			"message": f"(#{code}) {title}",
			"type": "OAuthException",
			"code": code,
			"error_data": {"messaging_product": "whatsapp", "details": details or title},
			"fbtrace_id": "A" + uuid.uuid4().hex[:22],
		}
	}


def _digits(phone: object) -> str:
	return re.sub(r"[^0-9]", "", phone) if isinstance(phone, str) else ""


@dataclass
class RecordedRequest:
	"""One request as it arrived. `status` is what the stand-in answered (None while it is still
	being answered, e.g. during a delay)."""

	at: float  # time.monotonic() on arrival
	method: str
	path: str
	headers: dict[str, str]
	raw: bytes
	body: object  # the parsed JSON, or None when the body was not JSON
	status: int | None = None


@dataclass
class _Fault:
	http_status: int
	code: int | None
	message: str | None = None
	details: str | None = None
	body: str | None = None  # sent as it is, as an HTML page, instead of Meta's JSON
	times: int | None = None  # None: for ever

	def response(self) -> tuple[int, bytes, str]:
		if self.body is not None:
			return self.http_status, self.body.encode("utf-8"), "text/html; charset=utf-8"
		payload = error_body(self.code, self.message, self.details) if self.code is not None else {}
		return self.http_status, json.dumps(payload).encode("utf-8"), "application/json"


def _body_problem(body: object) -> str | None:
	"""What is wrong with a send request's body, as Meta would name it; None when it is fine."""
	if not isinstance(body, dict):
		return "The request body is not a JSON object"
	if body.get("messaging_product") != "whatsapp":
		return "messaging_product is required and must be whatsapp"
	if not _digits(body.get("to")) or not re.fullmatch(r"\+?[0-9]+", str(body.get("to"))):
		return "to is required and must be a phone number"
	if body.get("recipient_type", "individual") != "individual":
		return "recipient_type must be individual"
	kind = body.get("type")
	if kind not in MESSAGE_TYPES:
		return f"type must be one of {', '.join(MESSAGE_TYPES)}"
	part = body.get(kind)
	if not isinstance(part, dict):
		return f"{kind} is required for type {kind}"
	if kind == "text":
		text = part.get("body")
		if not isinstance(text, str) or not text.strip():
			return "text.body is required"
		if len(text) > 4096:
			return "text.body is longer than 4096 characters"
		return None
	if not isinstance(part.get("name"), str) or not part["name"]:
		return "template.name is required"
	language = part.get("language")
	if not isinstance(language, dict) or not isinstance(language.get("code"), str) or not language["code"]:
		return "template.language.code is required"
	components = part.get("components", [])
	if not isinstance(components, list):
		return "template.components must be a list"
	for component in components:
		parameters = component.get("parameters", []) if isinstance(component, dict) else None
		if not isinstance(parameters, list) or not all(isinstance(p, dict) for p in parameters):
			return "template.components must be components with a list of parameters"
		for parameter in parameters:
			text = parameter.get("text")
			if parameter.get("type") == "text" and not (isinstance(text, str) and text.strip()):
				return "template.components text parameters need a text"
	return None


class CloudAPIServer:
	"""The stand-in itself; use it as a context manager, or start() and stop()."""

	def __init__(
		self,
		token: str,
		phone_number_id: str = "123",
		version: str = "v21.0",
		host: str = "127.0.0.1",
		port: int = 0,
	):
		self.token = token
		self.phone_number_id = phone_number_id
		self.version = version
		self._address = (host, port)
		self._lock = threading.Lock()
		self._stopping = threading.Event()
		self._requests: list[RecordedRequest] = []
		self._next_faults: deque[_Fault] = deque()
		self._phone_faults: dict[str, _Fault] = {}
		self._delays: deque[float] = deque()
		self.errors: list[str] = []  # tracebacks of anything that went wrong inside the stand-in
		self._server: _Server | None = None
		self._thread: threading.Thread | None = None

	# -- running ----------------------------------------------------------------------------------

	def start(self) -> CloudAPIServer:
		self._server = _Server(self._address, _Handler)
		self._server.api = self
		self._thread = serve(self._server)
		return self

	def stop(self) -> None:
		self._stopping.set()  # wakes requests sleeping in a delay
		if self._server is not None:
			self._server.shutdown()
			self._server.server_close()
			self._thread.join(timeout=5)
			self._server = None

	def __enter__(self) -> CloudAPIServer:
		return self.start()

	def __exit__(self, *exc_info) -> None:
		self.stop()

	@property
	def base_url(self) -> str:
		host, port = self._server.server_address[:2]
		return f"http://{host}:{port}"

	@property
	def messages_url(self) -> str:
		return f"{self.base_url}/{self.version}/{self.phone_number_id}/messages"

	# -- what happened ----------------------------------------------------------------------------

	@property
	def requests(self) -> list[RecordedRequest]:
		"""Every request so far, in order of arrival (a copy of the list)."""
		with self._lock:
			return list(self._requests)

	def sent_to(self, phone: str) -> list[dict]:
		"""The bodies of the messages accepted (answered 200) for this number, '+' or not."""
		wanted = _digits(phone)
		return [
			r.body
			for r in self.requests
			if r.status == 200 and isinstance(r.body, dict) and _digits(r.body.get("to")) == wanted
		]

	# -- faults -----------------------------------------------------------------------------------

	def fail_next(
		self,
		n: int,
		http_status: int,
		code: int | None = None,
		message: str | None = None,
		*,
		details: str | None = None,
		body: str | None = None,
	) -> None:
		"""The next `n` well-formed sends get this error instead of going. `body` replaces Meta's JSON
		with a page of your own (a proxy's HTML 502)."""
		with self._lock:
			self._next_faults.extend(_Fault(http_status, code, message, details, body) for _ in range(n))

	def fail_for(
		self,
		phone: str,
		http_status: int,
		code: int | None,
		times: int | None = None,
		message: str | None = None,
	) -> None:
		"""Sends to this number fail with this error, `times` times or (None) for ever."""
		with self._lock:
			self._phone_faults[_digits(phone)] = _Fault(http_status, code, message, times=times)

	def delay_next(self, n: int, seconds: float) -> None:
		"""The next `n` requests (of any kind) are answered only after `seconds`: for client timeouts."""
		with self._lock:
			self._delays.extend(seconds for _ in range(n))

	# -- answering (called from the handler threads) ----------------------------------------------

	def _arrived(self, request: RecordedRequest) -> float:
		with self._lock:
			self._requests.append(request)
			return self._delays.popleft() if self._delays else 0.0

	def _fault_for(self, to: str) -> _Fault | None:
		with self._lock:
			if self._next_faults:
				return self._next_faults.popleft()
			fault = self._phone_faults.get(to)
			if fault is None:
				return None
			if fault.times is not None:
				fault.times -= 1
				if fault.times <= 0:
					del self._phone_faults[to]
			return fault

	def _answer(self, request: RecordedRequest) -> tuple[int, bytes, str]:
		match = re.fullmatch(r"/([^/]+)/([^/]+)/messages", request.path.split("?", 1)[0])
		if request.method != "POST" or not match or match.group(1) != self.version:
			return _json(
				404, {"error": {"message": "Unknown path", "type": "GraphMethodException", "code": 100}}
			)
		if request.headers.get("authorization", "") != f"Bearer {self.token}":
			message = "Invalid OAuth access token - Cannot parse access token"
			return _json(401, {"error": {"message": message, "type": "OAuthException", "code": 190}})
		if match.group(2) != self.phone_number_id:
			unknown = f"Unsupported post request. Object with ID '{match.group(2)}' does not exist"
			return _json(400, error_body(100, "Invalid parameter", unknown))
		problem = _body_problem(request.body)
		if problem:
			return _json(400, error_body(100, "Invalid parameter", problem))
		to = _digits(request.body["to"])
		fault = self._fault_for(to)
		if fault is not None:
			return fault.response()
		message = {"id": "wamid.HBgM" + uuid.uuid4().hex.upper()}
		if request.body["type"] == "template":
			message["message_status"] = "accepted"
		contacts = [{"input": request.body["to"], "wa_id": to}]
		return _json(200, {"messaging_product": "whatsapp", "contacts": contacts, "messages": [message]})


def _json(status: int, payload: dict) -> tuple[int, bytes, str]:
	return status, json.dumps(payload).encode("utf-8"), "application/json"


class _Server(LocalHTTPServer):
	api: CloudAPIServer

	def handle_error(self, request, client_address) -> None:
		self.api.errors.append(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
	server: _Server

	def _handle(self) -> None:
		api = self.server.api
		length = int(self.headers.get("Content-Length") or 0)
		raw = self.rfile.read(length) if length > 0 else b""
		try:
			body = json.loads(raw) if raw else None
		except (ValueError, RecursionError):
			body = None
		headers = {key.lower(): value for key, value in self.headers.items()}
		request = RecordedRequest(time.monotonic(), self.command, self.path, headers, raw, body)
		delay = api._arrived(request)
		if delay:
			api._stopping.wait(delay)
		status, payload, content_type = api._answer(request)
		request.status = status
		try:
			self.send_response(status)
			self.send_header("Content-Type", content_type)
			self.send_header("Content-Length", str(len(payload)))
			self.end_headers()
			self.wfile.write(payload)
		except OSError:
			pass  # the client gave up waiting (a timeout test): nobody to answer

	do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

	def log_message(self, format, *args) -> None:
		"""Quiet: the tests read api.requests instead."""


# ---------------------------------------------------------------------------------------------------
# Webhook bodies as Meta sends them


def _unix(timestamp: datetime | float | None) -> str:
	if timestamp is None:
		return str(int(time.time()))
	if isinstance(timestamp, datetime):
		return str(int(timestamp.timestamp()))
	return str(int(timestamp))


def _envelope(value: dict, phone_number_id: str) -> dict:
	metadata = {"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": phone_number_id}
	return {
		"object": "whatsapp_business_account",
		"entry": [
			{
				"id": BUSINESS_ACCOUNT_ID,
				"changes": [
					{
						"value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
						"field": "messages",
					}
				],
			}
		],
	}


def status_payload(
	message_id: str,
	status: str,
	recipient: str,
	timestamp: datetime | float | None = None,
	error: tuple[int, str] | None = None,
	phone_number_id: str = "123",
	category: str = "marketing",
) -> dict:
	"""Meta telling us a message we sent was sent, delivered, read or failed (`error` = (code, title))."""
	event: dict = {
		"id": message_id,
		"status": status,
		"timestamp": _unix(timestamp),
		"recipient_id": _digits(recipient),
	}
	if status in ("sent", "delivered"):
		event["conversation"] = {"id": uuid.uuid4().hex, "origin": {"type": category}}
		event["pricing"] = {"billable": True, "pricing_model": "CBP", "category": category}
	if error is not None:
		code, title = error
		event["errors"] = [{"code": code, "title": title, "message": title, "error_data": {"details": title}}]
	return _envelope({"statuses": [event]}, phone_number_id)


def _inbound(
	from_phone: str, message: dict, message_id: str | None, name: str, timestamp, phone_number_id: str
) -> dict:
	sender = _digits(from_phone)
	message = {
		"from": sender,
		"id": message_id or "wamid.HBgM" + uuid.uuid4().hex.upper(),
		"timestamp": _unix(timestamp),
		**message,
	}
	contacts = [{"profile": {"name": name}, "wa_id": sender}]
	return _envelope({"contacts": contacts, "messages": [message]}, phone_number_id)


def inbound_text_payload(
	from_phone: str,
	text: str,
	message_id: str | None = None,
	name: str = "",
	timestamp: datetime | float | None = None,
	phone_number_id: str = "123",
) -> dict:
	"""She typed a message to the shop."""
	message = {"type": "text", "text": {"body": text}}
	return _inbound(from_phone, message, message_id, name, timestamp, phone_number_id)


def inbound_button_payload(
	from_phone: str,
	text: str,
	payload: str | None = None,
	context_message_id: str | None = None,
	message_id: str | None = None,
	name: str = "",
	timestamp: datetime | float | None = None,
	phone_number_id: str = "123",
) -> dict:
	"""She tapped a quick-reply button on one of our templates (`context_message_id`)."""
	message: dict = {"type": "button", "button": {"text": text, "payload": payload or text}}
	if context_message_id:
		message["context"] = {"from": DISPLAY_PHONE_NUMBER, "id": context_message_id}
	return _inbound(from_phone, message, message_id, name, timestamp, phone_number_id)


def signed(app_secret: str, payload: dict) -> tuple[bytes, dict[str, str]]:
	"""The raw body and headers of Meta's POST to our webhook. Meta sends compact JSON with non-ASCII
	escaped (\\u0915), and signs exactly those bytes."""
	raw = json.dumps(payload, separators=(",", ":")).encode("ascii")
	return raw, {"X-Hub-Signature-256": sign(app_secret, raw), "Content-Type": "application/json"}
