"""In a real browser (headless Chromium), against the real site: an associate records the old gold a
customer brings on a new Old Gold Exchange, sees its value worked out on save, and submits it; the
books follow. See tests/browser.py for what this needs; without it the test is skipped."""

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from jewel_clienteling.setup import old_gold as setup
from jewel_clienteling.tests import browser
from jewel_clienteling.tests import fixtures as fx

REASON = browser.why_not()
ASSOCIATE = "jc-browser-associate@example.com"


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestOldGoldAtTheDesk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		browser.make_user(ASSOCIATE, ("Sales User", "Accounts User"))
		setup.add_missing()
		cls.customer = fx.make_customer()
		frappe.db.commit()  # nosemgrep: the browser talks to another process
		cls.server = browser.Server(frappe.local.site)
		cls.addClassCleanup(cls.server.stop)

	def setUp(self):
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def test_an_associate_records_old_gold_and_submits_it(self):
		page = self.browser.login(ASSOCIATE)
		self.browser.open(page, "/app/old-gold-exchange/new")
		page.wait_for_function("() => window.cur_frm && cur_frm.doctype === 'Old Gold Exchange'")
		page.evaluate(
			"""async (values) => {
				for (const [k, v] of Object.entries(values)) await cur_frm.set_value(k, v);
			}""",
			{
				"customer": self.customer,
				"purity": "22K",
				"gross_weight": 10.456,
				"net_weight": 10.123,
				"rate": 7250.5,
				"description": "Two old bangles",
			},
		)
		self.browser.screenshot(page, "weighed")
		page.keyboard.press("Control+s")
		page.wait_for_function("() => cur_frm.doc.name && !cur_frm.doc.__islocal && cur_frm.doc.value")
		self.assertEqual(page.evaluate("() => cur_frm.doc.value"), 67227)
		self.assertIn("9.272", page.locator('[data-fieldname="fine_weight"]').first.inner_text())
		self.browser.screenshot(page, "valued")
		page.locator(".page-actions .primary-action").click()  # Submit
		page.locator(".modal.show .modal-footer .btn-primary").last.click()  # Yes
		page.wait_for_function("() => cur_frm.doc.docstatus === 1")
		self.browser.screenshot(page, "submitted")
		name = page.evaluate("() => cur_frm.doc.name")
		frappe.db.rollback()
		doc = frappe.get_doc("Old Gold Exchange", name)
		self.assertEqual((doc.docstatus, flt(doc.value)), (1, 67227))
		self.assertEqual(frappe.db.get_value("Stock Entry", doc.stock_entry, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("Journal Entry", doc.journal_entry, "docstatus"), 1)

		# her snapshot (the Customer form's, the same the POS panel shows) now tells the counter about it
		self.browser.open(page, f"/app/customer/{self.customer}")
		page.get_by_role("tab", name="Clienteling").click()
		section = page.locator(f'.jc-snapshot[data-customer="{self.customer}"] [data-section="old_gold"]')
		section.wait_for()
		text = section.inner_text()
		self.assertIn("Old Gold Exchanged", text.title())
		self.assertIn("1 exchange ·", text)
		self.assertIn("67,227", text)
		self.assertIn("Gold: 9.272 g fine", text)
		self.assertIn(f"last on {frappe.utils.formatdate(doc.posting_date)}", text)
		self.browser.screenshot(page, "on-her-snapshot")
