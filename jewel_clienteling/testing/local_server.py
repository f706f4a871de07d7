"""The HTTP server every stand-in runs on: a real server on 127.0.0.1, one daemon thread per request,
and a listen backlog deep enough for the bursts the tests send.

The standard library's servers listen with a backlog of 5: when more clients connect at once than the
accept loop has taken, Linux answers the surplus with a reset and the test loses requests by chance.
BACKLOG is the most connections that may wait to be accepted; a test sends at most that many at once.
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

BACKLOG = 128  # Linux caps it at net.core.somaxconn (4096 on current kernels, 128 on old ones)


class LocalHTTPServer(ThreadingHTTPServer):
	"""Threads are daemons, so a request a test left hanging never keeps the process alive, and
	stopping never waits for one."""

	daemon_threads = True
	request_queue_size = BACKLOG


def serve(server: LocalHTTPServer) -> threading.Thread:
	"""Run `server` in a daemon thread; shut it down with `server.shutdown(); server.server_close()`."""
	thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
	thread.start()
	return thread
