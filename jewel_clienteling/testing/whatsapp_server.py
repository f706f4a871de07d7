"""A local stand-in for Meta's WhatsApp Cloud API: a real HTTP server on 127.0.0.1 that answers
POST /{version}/{phone_number_id}/messages the way Meta does, records every request, and can be told
to fail or to be slow. What Meta checks and answers is in whatsapp_cloud_api.py; the webhook bodies
Meta sends back (statuses, her replies), signed with the app secret, are in whatsapp_webhooks.py.

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
from http.server import BaseHTTPRequestHandler

from jewel_clienteling.testing.local_server import LocalHTTPServer, serve
from jewel_clienteling.testing.whatsapp_cloud_api import Fault, body_problem, digits, error_body, json_answer


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
		self._next_faults: deque[Fault] = deque()
		self._phone_faults: dict[str, Fault] = {}
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
		wanted = digits(phone)
		return [
			r.body
			for r in self.requests
			if r.status == 200 and isinstance(r.body, dict) and digits(r.body.get("to")) == wanted
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
			self._next_faults.extend(Fault(http_status, code, message, details, body) for _ in range(n))

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
			self._phone_faults[digits(phone)] = Fault(http_status, code, message, times=times)

	def delay_next(self, n: int, seconds: float) -> None:
		"""The next `n` requests (of any kind) are answered only after `seconds`: for client timeouts."""
		with self._lock:
			self._delays.extend(seconds for _ in range(n))

	# -- answering (called from the handler threads) ----------------------------------------------

	def _arrived(self, request: RecordedRequest) -> float:
		with self._lock:
			self._requests.append(request)
			return self._delays.popleft() if self._delays else 0.0

	def _fault_for(self, to: str) -> Fault | None:
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
			return json_answer(
				404, {"error": {"message": "Unknown path", "type": "GraphMethodException", "code": 100}}
			)
		if request.headers.get("authorization", "") != f"Bearer {self.token}":
			message = "Invalid OAuth access token - Cannot parse access token"
			return json_answer(401, {"error": {"message": message, "type": "OAuthException", "code": 190}})
		if match.group(2) != self.phone_number_id:
			unknown = f"Unsupported post request. Object with ID '{match.group(2)}' does not exist"
			return json_answer(400, error_body(100, "Invalid parameter", unknown))
		problem = body_problem(request.body)
		if problem:
			return json_answer(400, error_body(100, "Invalid parameter", problem))
		to = digits(request.body["to"])
		fault = self._fault_for(to)
		if fault is not None:
			return fault.response()
		message = {"id": "wamid.HBgM" + uuid.uuid4().hex.upper()}
		if request.body["type"] == "template":
			message["message_status"] = "accepted"
		contacts = [{"input": request.body["to"], "wa_id": to}]
		return json_answer(
			200, {"messaging_product": "whatsapp", "contacts": contacts, "messages": [message]}
		)


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
