"""The server under every stand-in holds a full backlog of clients that connect before it accepts any of
them, and answers each one; with the standard library's default backlog of 5 most of them would be
reset or left hanging."""

import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlencode

from jewel_clienteling.testing.local_server import BACKLOG, LocalHTTPServer, serve
from jewel_clienteling.testing.sms_gateway import SMSGateway


class Echo(BaseHTTPRequestHandler):
	def do_GET(self):
		body = self.path.encode()
		self.send_response(200)
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		self.wfile.write(body)

	def log_message(self, *args):
		pass


def read_all(sock: socket.socket) -> bytes:
	chunks = []
	while chunk := sock.recv(4096):
		chunks.append(chunk)
	return b"".join(chunks)


def test_a_full_backlog_waits_to_be_accepted_and_every_client_is_answered():
	"""The worst case, made certain: every client connects and sends while the server is listening but
	not yet accepting, so all of them wait in the kernel's queue at the same time."""
	waiting = 100
	assert waiting <= BACKLOG
	server = LocalHTTPServer(("127.0.0.1", 0), Echo)  # bound and listening, not serving
	clients: list[socket.socket] = []
	try:
		for n in range(waiting):
			sock = socket.create_connection(server.server_address[:2], timeout=2.0)
			clients.append(sock)
			sock.sendall(f"GET /{n} HTTP/1.0\r\n\r\n".encode())
		thread = serve(server)
		answers = [read_all(sock) for sock in clients]
		server.shutdown()
	finally:
		for sock in clients:
			sock.close()
		server.server_close()
	assert thread.daemon and server.daemon_threads
	assert len(answers) == waiting
	for n, raw in enumerate(answers):
		assert raw.startswith(b"HTTP/1.0 200") and raw.endswith(f"/{n}".encode())


def test_the_sms_gateway_takes_a_burst_of_messages_sent_at_once():
	clients = 100
	assert clients <= BACKLOG
	barrier = threading.Barrier(clients)
	statuses, lock = [], threading.Lock()

	with SMSGateway() as gateway:

		def send(n):
			data = urlencode({"to": f"+91980000{n:04d}", "text": f"Hello {n}"}).encode()
			request = urllib.request.Request(gateway.url, data=data, method="POST")  # noqa: S310 - local
			barrier.wait()
			try:
				with urllib.request.urlopen(request, timeout=30.0) as response:  # noqa: S310 - local
					status = response.status
			except OSError as error:
				status = repr(error)
			with lock:
				statuses.append(status)

		threads = [threading.Thread(target=send, args=(n,)) for n in range(clients)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()
		assert statuses == [200] * clients
		assert sorted(fields["to"] for fields in gateway.received) == [
			f"+91980000{n:04d}" for n in range(clients)
		]
