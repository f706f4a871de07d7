"""In a real browser (headless Chromium), against the real site: on the Today page an associate
presses "Open WhatsApp and Mark Done". For a customer nothing has reached lately, WhatsApp opens with
the message written and the outreach is Done. For a customer a message reached three days ago, inside
the store's frequency cap, WhatsApp is not opened: the associate reads why and the outreach is Skipped.
(wa.me is answered by the browser itself: no request leaves the machine.) See tests/browser.py;
without Chromium the tests are skipped."""

import unittest
from urllib.parse import parse_qs, quote, urlparse

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.tests import browser
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import committed_settings

REASON = browser.why_not()
ASSOCIATE = "jc-browser-today-send@example.com"
MESSAGE = "Dear {0}, the emerald studs you liked are back. Shall we keep them for you?"


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestSendingFromToday(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		browser.make_user(ASSOCIATE, ("Sales User",))
		old = committed_settings("Clienteling Settings", frequency_cap_days=14, enabled=1, outreach_enabled=1)
		cls.addClassCleanup(committed_settings, "Clienteling Settings", **old)
		cls.quiet, cls.quiet_phone = cls.customer()
		cls.crowded, _phone = cls.customer()
		cls.goes = cls.outreach(cls.quiet, lifecycle.DUE, MESSAGE.format("Quiet"))
		cls.held = cls.outreach(cls.crowded, lifecycle.DUE, MESSAGE.format("Crowded"))
		# a festival greeting reached her three days ago
		cls.outreach(
			cls.crowded,
			lifecycle.DELIVERED,
			"Happy Diwali!",
			sent_on=add_to_date(now_datetime(), days=-3),
			reference_doctype="Festival",
			reference_name="Diwali",
		)
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: the browser talks to another process
		cls.addClassCleanup(cls.forget)
		cls.server = browser.Server(frappe.local.site)
		cls.addClassCleanup(cls.server.stop)

	@classmethod
	def forget(cls):
		for customer in (cls.quiet, cls.crowded):
			frappe.db.delete("Client Outreach", {"customer": customer})
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: it was committed for the browser

	@classmethod
	def customer(cls) -> tuple[str, str]:
		mobile = "+91" + unique_mobile()
		name = fx.make_customer(mobile_no=mobile, jc_whatsapp_opt_in=1, jc_preferred_associate=ASSOCIATE)
		return name, mobile

	@classmethod
	def outreach(cls, customer: str, status: str, message: str, **values) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "Client Outreach",
					"customer": customer,
					"reason": outreach_rules.CAMPAIGN,
					"step": "Browser",
					"purpose": outreach_rules.MARKETING,
					"status": status,
					"due_date": nowdate(),
					"assigned_to": ASSOCIATE,
					"channel": "WhatsApp",
					"message": message,
					"cycle": frappe.generate_hash(length=8),
					"reference_doctype": "Customer",
					"reference_name": customer,
					**values,
				}
			)
			.insert(ignore_permissions=True, ignore_links=True)
			.name
		)

	def setUp(self):
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)
		print(f"\nscreenshots: {self.browser.folder}")

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def card(self, page, customer: str):
		"""Her card on the Today page (its first link is to her)."""
		return page.locator(f'.frappe-card:has(a[href="/app/customer/{quote(customer)}"])')

	def status(self, name: str) -> str:
		frappe.db.rollback()  # see what the site's requests committed
		return frappe.db.get_value("Client Outreach", name, "status")

	def test_whatsapp_opens_only_for_a_message_her_rhythm_still_allows(self):
		page = self.browser.login(ASSOCIATE)
		page.context.route(
			"https://wa.me/**", lambda route: route.fulfill(body="WhatsApp", content_type="text/plain")
		)
		self.browser.open(page, "/app/clienteling-today")
		quiet = self.card(page, self.quiet)
		quiet.first.wait_for()
		self.browser.screenshot(page, "today")

		with page.expect_popup() as opened:
			quiet.first.locator(".jc-send").click()
		whatsapp = opened.value
		whatsapp.wait_for_url("https://wa.me/**")
		link = urlparse(whatsapp.url)
		self.assertEqual(link.path.strip("/"), self.quiet_phone.lstrip("+"))
		self.assertEqual(parse_qs(link.query)["text"], [MESSAGE.format("Quiet")])
		whatsapp.close()
		quiet.first.wait_for(state="hidden")
		self.assertEqual(self.status(self.goes), lifecycle.DONE)

		crowded = self.card(page, self.crowded)
		with page.expect_popup() as opened:
			crowded.first.locator(".jc-send").click()
		opened.value.wait_for_event("close")
		dialog = page.locator(".modal.show").filter(has_text="Held back")
		dialog.wait_for()
		self.assertIn("Not sent:", dialog.inner_text())
		self.assertIn("14 days", dialog.inner_text())
		self.browser.screenshot(page, "held-back")
		self.assertEqual(self.status(self.held), lifecycle.SKIPPED)
