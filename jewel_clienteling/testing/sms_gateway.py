"""A local stand-in for an SMS gateway of the kind ERPNext's SMS Settings talks to: a real HTTP server
on 127.0.0.1 that takes `POST /send` with form fields (the receiver and message parameters you set
in SMS Settings), records each one, and answers 200 — or the status you tell it to fail with.

	with SMSGateway() as gateway:
		# SMS Settings: gateway URL gateway.url, receiver parameter "to", message parameter "text"
		...
		assert gateway.sent_to("+919812345678")
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from jewel_clienteling.testing.local_server import LocalHTTPServer, serve


class SMSGateway:
	def __init__(self):
		self.received: list[dict] = []
		self.failures: dict[str, list[int]] = {}
		self._lock = threading.Lock()
		self._server: LocalHTTPServer | None = None

	@property
	def url(self) -> str:
		host, port = self._server.server_address[:2]
		return f"http://{host}:{port}/send"

	def fail_for(self, to: str, times: int, status: int = 503) -> None:
		"""The next `times` messages to `to` are answered with `status` (and not delivered)."""
		with self._lock:
			self.failures.setdefault(to, []).extend([status] * times)

	def sent_to(self, to: str) -> list[dict]:
		with self._lock:
			return [fields for fields in self.received if fields.get("to") == to]

	def start(self) -> SMSGateway:
		gateway = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				length = int(self.headers.get("Content-Length") or 0)
				fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
				with gateway._lock:
					pending = gateway.failures.get(fields.get("to", ""), [])
					status = pending.pop(0) if pending else 200
					if status == 200:
						gateway.received.append(fields)
				body = b"OK" if status == 200 else b"gateway busy"
				self.send_response(status)
				self.send_header("Content-Type", "text/plain")
				self.send_header("Content-Length", str(len(body)))
				self.end_headers()
				self.wfile.write(body)

			def log_message(self, *args):
				pass

		self._server = LocalHTTPServer(("127.0.0.1", 0), Handler)
		serve(self._server)
		return self

	def stop(self) -> None:
		if self._server:
			self._server.shutdown()
			self._server.server_close()
			self._server = None

	def __enter__(self) -> SMSGateway:
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()
