"""In a real browser (headless Chromium), against the real site: a manager reads a segment's saved
figures in the segment list and on its form as "2 customers · 2 leads" (both stores'), and an
associate limited to the JC Counter reads her store's, "1 customer · 1 lead", as her preview counts.
Screenshots of every step are saved. See tests/browser.py; without Chromium the tests are skipped."""

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase

from jewel_clienteling.tests import browser
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_lead_audience import item_group
from jewel_clienteling.tests.test_leads import make_lead
from jewel_clienteling.tests.test_permissions import other_counter
from jewel_clienteling.tests.test_segments import make_segment, rule

REASON = browser.why_not()
MANAGER = "jc-browser-segments-manager@example.com"
ASSOCIATE = "jc-browser-segments-north@example.com"
NORTH = fx.POS_PROFILE


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestSegmentFiguresInTheDesk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.made = []  # (doctype, name), deleted afterwards, last first
		cls.addClassCleanup(cls.forget)
		browser.make_user(MANAGER, ("Sales Manager", "Clienteling Manager"))
		browser.make_user(ASSOCIATE, ("Sales User",))
		if not frappe.db.exists("User Permission", {"user": ASSOCIATE, "allow": "POS Profile"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": ASSOCIATE, "allow": "POS Profile", "for_value": NORTH}
			).insert(ignore_permissions=True)
		east_was_there = frappe.db.exists("POS Profile", "JC Counter East")
		east = other_counter()
		if not east_was_there:
			cls.made.append(("POS Profile", east))
		polki = item_group(f"JC Polki {frappe.generate_hash(length=6)}")
		cls.made.append(("Item Group", polki))
		for store in (NORTH, east):
			customer = fx.make_customer(jc_home_store=store)
			cls.made.append(("Customer", customer))
			preference = frappe.get_doc(
				{"doctype": "Preference", "customer": customer, "dimension": "Category", "value": polki}
			).insert(ignore_permissions=True)
			cls.made.append(("Preference", preference.name))
			cls.made.append(("Lead", make_lead(jc_category=polki, jc_store=store)))
		cls.segment = make_segment(rule("Preference", "is", polki, "Category")).name
		cls.made.append(("Client Segment", cls.segment))
		frappe.db.commit()  # nosemgrep: the browser talks to another process
		cls.server = browser.Server(frappe.local.site)
		cls.addClassCleanup(cls.server.stop)

	@classmethod
	def forget(cls):
		frappe.set_user("Administrator")
		for doctype, name in reversed(cls.made):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: it was committed for the browser

	def setUp(self):
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)
		print(f"\nscreenshots: {self.browser.folder}")

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def read_figures(self, user: str, expected: str) -> None:
		page = self.browser.login(user)
		self.browser.open(page, f"/app/client-segment?name={self.segment}")
		row = page.locator(".list-row-container").filter(has_text=self.segment).first
		row.locator(".jc-segment-figures").wait_for()
		self.assertIn(expected, row.inner_text())
		self.browser.screenshot(page, "segment-list")

		self.browser.open(page, f"/app/client-segment/{self.segment}")
		headline = page.locator(".form-message").filter(has_text=expected)
		headline.first.wait_for()
		self.browser.screenshot(page, "segment-form")

	def test_a_manager_reads_every_stores_customers_and_leads(self):
		self.read_figures(MANAGER, "2 customers · 2 leads")

	def test_an_associate_limited_to_a_store_reads_hers(self):
		self.read_figures(ASSOCIATE, "1 customer · 1 lead")
