"""In a real browser (headless Chromium), against the real site: a stranger's WhatsApp, POSTed signed
to the app's webhook, is a lead whose owner opens it in the desk, reads the conversation on the Lead
form and answers from there; Meta's stand-in receives the answer. See tests/browser.py for what this
needs; without it the test is skipped."""

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase

from jewel_clienteling.tests import browser
from jewel_clienteling.tests.test_inbox import ASSOCIATE_B, ASSOCIATES_A, MANAGER_A, InboxStory, new_number

REASON = browser.why_not()


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestInboxAtTheDesk(InboxStory, FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.server = browser.Server(frappe.local.site)
		cls.addClassCleanup(cls.server.stop)

	def setUp(self):
		super().setUp()
		for user in (*ASSOCIATES_A, ASSOCIATE_B, MANAGER_A):
			browser.make_user(user, ())
		frappe.db.commit()  # nosemgrep: the browser talks to another process
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def test_the_owner_reads_the_enquiry_on_the_lead_and_answers_from_the_desk(self):
		phone = new_number()
		self.she_writes(phone, "do you have polki sets under 2 lakh?")
		lead, owner = frappe.db.get_value("Lead", {"jc_mobile_e164": phone}, ["name", "lead_owner"])
		page = self.browser.login(owner)
		self.browser.open(page, f"/app/lead/{lead}")
		panel = page.locator(".jc-conversation")
		panel.wait_for()
		self.assertIn("do you have polki sets under 2 lakh?", panel.inner_text())
		self.browser.screenshot(page, "her-enquiry")
		page.locator("button:visible", has_text="Reply on WhatsApp").first.click()
		answer = "Yes, from 1.6 lakh. Would you like to see them on Saturday?"
		self.browser.fill_dialog(page, {"text": answer})
		self.browser.press_primary(page)
		page.locator(".jc-conversation", has_text=answer).wait_for()
		self.browser.screenshot(page, "answered")
		sent = self.api.sent_to(phone)
		self.assertEqual([body["text"]["body"] for body in sent], [answer])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_stage"), "Contacted")
