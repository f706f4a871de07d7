"""Headless Chromium against the real site, for the browser tests: the site served by Frappe's own
development server on a free port of 127.0.0.1, pages driven by Playwright, a screenshot per step.

Needs the `playwright` package in the bench's Python (scripts/run-tests installs it; no browser is
downloaded) and Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Without them the
browser tests are skipped, and say why."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import frappe
from frappe.utils.password import update_password

PASSWORD = "jc-Browser-Test-2026!"  # noqa: S105 (test users on the test site only)
CHROMIUM_FLAGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-dev-shm-usage",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--disable-quic",
]
TIMEOUT_MS = 60_000


def chromium() -> str | None:
	return os.environ.get("JC_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def why_not() -> str | None:
	"""Why the browser tests cannot run here, or None when they can."""
	try:
		import playwright.sync_api  # noqa: F401
	except ImportError:
		return "the bench's Python has no playwright (pip install playwright; scripts/run-tests does)"
	if not chromium():
		return "no Chromium on this machine (apt-get install chromium; .ci/run does)"
	return None


def screenshot_folder(test_name: str) -> Path:
	"""Where a test's screenshots go: $JC_SCREENSHOTS/<test>, else the bench's logs folder."""
	base = os.environ.get("JC_SCREENSHOTS") or os.path.join(
		frappe.utils.get_bench_path(), "logs", "jewel_clienteling-screenshots"
	)
	folder = Path(base) / test_name
	shutil.rmtree(folder, ignore_errors=True)
	folder.mkdir(parents=True, exist_ok=True)
	return folder


def make_user(email: str, roles: tuple[str, ...]) -> str:
	"""A desk user with a password the browser can log in with (committed: the server is another
	process)."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	update_password(email, PASSWORD)
	return email


class Server:
	"""`bench serve` for this site, on a free port, until stopped."""

	def __init__(self, site: str):
		self.site = site
		with socket.socket() as probe:
			probe.bind(("127.0.0.1", 0))
			self.port = probe.getsockname()[1]
		self.url = f"http://127.0.0.1:{self.port}"
		self.log = open(os.path.join(frappe.utils.get_bench_path(), "logs", "jc-browser-server.log"), "w")
		self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				site,
				"serve",
				"--port",
				str(self.port),
				"--noreload",
			],
			cwd=os.path.abspath(frappe.local.sites_path),
			stdout=self.log,
			stderr=subprocess.STDOUT,
		)
		self._wait()

	def _wait(self, seconds: float = 60):
		deadline = time.monotonic() + seconds
		while time.monotonic() < deadline:
			if self.process.poll() is not None:
				raise RuntimeError(f"the web server stopped; see {self.log.name}")
			try:
				ping = f"{self.url}/api/method/ping"  # http on 127.0.0.1, built above
				with urllib.request.urlopen(ping, timeout=5) as response:  # noqa: S310
					if response.status == 200:
						return
			except OSError:
				time.sleep(0.3)
		raise RuntimeError(f"the web server did not answer in {seconds} s; see {self.log.name}")

	def stop(self):
		self.process.terminate()
		try:
			self.process.wait(timeout=10)
		except subprocess.TimeoutExpired:
			self.process.kill()
		self.log.close()


class Browser:
	"""One headless Chromium; a page per user, logged in through the login form."""

	def __init__(self, server: Server, folder: Path):
		from playwright.sync_api import sync_playwright

		self.server = server
		self.folder = folder
		self.shots = 0
		self.errors: list[str] = []
		self._playwright = sync_playwright().start()
		self._browser = self._playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)

	def login(self, user: str, width: int = 1440, height: int = 900):
		context = self._browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
		context.set_default_timeout(TIMEOUT_MS)
		page = context.new_page()
		# uncaught exceptions in the desk's JavaScript (ours included) fail the test
		page.on("pageerror", lambda error: self.errors.append(str(error)))
		page.goto(f"{self.server.url}/login")
		page.fill("#login_email", user)
		page.fill("#login_password", PASSWORD)
		page.click(".btn-login")
		page.wait_for_url("**/app**")
		return page

	def guest(self, width: int = 390, height: int = 844):
		"""A page with no login, as on her phone (a link she opened from a message)."""
		context = self._browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
		context.set_default_timeout(TIMEOUT_MS)
		page = context.new_page()
		page.on("pageerror", lambda error: self.errors.append(str(error)))
		return page

	def open(self, page, path: str):
		page.goto(f"{self.server.url}{path}")

	def fill_dialog(self, page, values: dict):
		"""Fill the open dialog as a user would pick each value, then press its primary button."""
		page.wait_for_function("() => window.cur_dialog && cur_dialog.display")
		page.evaluate(
			"async (values) => { for (const [k, v] of Object.entries(values)) await cur_dialog.set_value(k, v); }",
			values,
		)

	def press_primary(self, page):
		page.locator(".modal.show .modal-footer .btn-primary").last.click()

	def screenshot(self, page, step: str) -> Path:
		self.shots += 1
		path = self.folder / f"{self.shots:02d}-{step}.png"
		page.screenshot(path=str(path))
		return path

	def close(self):
		self._browser.close()
		self._playwright.stop()
