"""In a real browser (headless Chromium), against the real site: an associate sees her enquiries on
ERPNext's own Lead list with their age and an overdue next step in red, the lead's form with its age
and a Mark Won button, and the lead among the Today page's leads to follow up, marked overdue.
Screenshots of every step are saved. See tests/browser.py; without Chromium the tests are skipped."""

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime, nowdate

from jewel_clienteling.tests import browser
from jewel_clienteling.tests.test_walk_ins import unique_mobile

REASON = browser.why_not()
ASSOCIATE = "jc-browser-leads@example.com"
NAME = "Browser Polki Enquiry"


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestLeadsInTheDesk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		browser.make_user(ASSOCIATE, ("Sales User",))
		lead = frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": NAME,
				"mobile_no": unique_mobile(),
				"source": "WhatsApp",
				"lead_owner": ASSOCIATE,
				"jc_stage": "Contacted",
				"jc_next_action": "Send the polki catalogue",
				"jc_next_action_on": add_days(nowdate(), -1),
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"Lead", lead.name, "creation", add_days(now_datetime(), -5), update_modified=False
		)
		cls.lead = lead.name
		frappe.db.commit()  # nosemgrep: the browser talks to another process
		cls.addClassCleanup(cls.forget)
		cls.server = browser.Server(frappe.local.site)
		cls.addClassCleanup(cls.server.stop)

	@classmethod
	def forget(cls):
		frappe.delete_doc("Lead", cls.lead, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: it was committed for the browser

	def setUp(self):
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)
		print(f"\nscreenshots: {self.browser.folder}")

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def test_an_associate_sees_her_leads_age_and_overdue_step_in_the_list_form_and_today(self):
		page = self.browser.login(ASSOCIATE)
		self.browser.open(page, f"/app/lead?name={self.lead}")
		row = page.locator(".list-row-container").filter(has_text=NAME).first
		row.wait_for()
		self.assertIn("5 d", row.inner_text())
		self.assertEqual(row.locator(".text-danger").count(), 1)  # her next step was yesterday
		self.browser.screenshot(page, "lead-list")

		self.browser.open(page, f"/app/lead/{self.lead}")
		age = page.locator('.frappe-control[data-fieldname="jc_age_days"]')
		age.wait_for()
		self.assertIn("5", age.inner_text())
		page.locator(".inner-group-button").filter(has_text="Enquiry").first.wait_for()
		self.browser.screenshot(page, "lead-form")

		self.browser.open(page, "/app/clienteling-today")
		card = page.locator(".jc-leads")
		card.wait_for()
		self.assertIn(NAME, card.inner_text())
		self.assertIn("Overdue since", card.inner_text())
		self.browser.screenshot(page, "today-leads")
