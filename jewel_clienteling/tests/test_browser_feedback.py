"""The one-tap feedback page in headless Chromium, on a phone-sized screen, against the real site
(its own web server): a good score is thanked and offered the store's review link; the same link
again shows only that it was answered; a forged token opens nothing; a bad score tells her the
manager will call and is the manager's ToDo. Screenshots of every step are saved. See
tests/browser.py for what this needs; without it the test is skipped."""

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import feedback
from jewel_clienteling.services.outreach import Queue
from jewel_clienteling.tests import browser
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import customer, unique_mobile
from jewel_clienteling.tests.utils import committed_settings

REASON = browser.why_not()
REVIEW_URL = "https://g.page/r/jc-browser-review"
RING = "JC-RING-GLD-22K-PLK"


def review_request(who: str) -> str:
	"""Her review request after a sale, with its signed link, queued as the planner queues it;
	returns the link's path."""
	sale = fx.make_pos_invoice(who, [(RING, 40000)])
	today = getdate(nowdate())
	candidate = outreach_rules.Candidate(
		customer=who,
		reason=outreach_rules.REVIEW_REQUEST,
		reference_doctype="POS Invoice",
		reference_name=sale.name,
		cycle="review",
		due_date=today,
		step=outreach_rules.REVIEW_REQUEST,
	)
	[[candidate]] = list(feedback.with_links(iter([[candidate]])))
	Queue(today=today).add([candidate])
	return "/feedback?t=" + candidate.context["feedback_link"].split("t=")[1]


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestTheFeedbackPageOnHerPhone(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		old = committed_settings(
			"Clienteling Settings",
			feedback_link_days=14,
			review_url=REVIEW_URL,
			store_manager=fx.SECOND_ASSOCIATE,
		)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		self.happy = customer(mobile_no=unique_mobile())
		self.unhappy = customer(mobile_no=unique_mobile())
		self.good_link = review_request(self.happy)
		self.bad_link = review_request(self.unhappy)
		frappe.db.commit()  # nosemgrep: the web server is another process
		self.server = browser.Server(frappe.local.site)
		self.addCleanup(self.server.stop)
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)
		print(f"\nscreenshots: {self.browser.folder}")

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def test_a_good_a_bad_a_replayed_and_a_forged_token(self):
		page = self.browser.guest()
		# good: she taps 5, is thanked and offered the store's review link
		self.browser.open(page, self.good_link)
		page.locator(".jc-score-5").wait_for()
		self.browser.screenshot(page, "asked")
		page.fill("#jc-comment", "Lovely ring")
		page.locator(".jc-score-5").click()
		page.locator(".jc-review-link").wait_for()
		self.assertEqual(page.locator(".jc-review-link").get_attribute("href"), REVIEW_URL)
		self.browser.screenshot(page, "thanked")
		# replayed: the same link shows that it was answered, and nothing else
		self.browser.open(page, self.good_link)
		self.assertIn("We already have your answer", page.locator(".jc-feedback").inner_text())
		self.assertEqual(page.locator("button[name=score]").count(), 0)
		self.assertEqual(page.locator(".jc-review-link").count(), 0)
		self.browser.screenshot(page, "replayed")
		# forged: a signature changed by one character opens nothing
		subject, expires, signature = self.good_link.split("t=")[1].split(".")
		forged = f"/feedback?t={subject}.{expires}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
		self.browser.open(page, forged)
		self.assertIn("This link has closed", page.locator(".jc-feedback").inner_text())
		self.assertEqual(page.locator("button[name=score]").count(), 0)
		self.browser.screenshot(page, "forged")
		# bad: she taps 1; the manager will call, and has it in her ToDo today
		self.browser.open(page, self.bad_link)
		page.fill("#jc-comment", "The clasp broke")
		page.locator(".jc-score-1").click()
		page.get_by_text("store manager will call you today").wait_for()
		self.assertEqual(page.locator(".jc-review-link").count(), 0)
		self.browser.screenshot(page, "sorry")

		frappe.db.rollback()  # read what the web server committed
		scores = {
			row.customer: row
			for row in frappe.get_all(
				"Customer Feedback",
				filters={"customer": ("in", [self.happy, self.unhappy])},
				fields=["customer", "score", "comment", "manager_todo", "review_offered"],
			)
		}
		self.assertEqual(
			(scores[self.happy].score, scores[self.happy].comment, scores[self.happy].review_offered),
			(5, "Lovely ring", 1),
		)
		self.assertEqual(scores[self.unhappy].score, 1)
		todo = frappe.db.get_value(
			"ToDo", scores[self.unhappy].manager_todo, ["allocated_to", "date", "status"], as_dict=True
		)
		self.assertEqual(
			(todo.allocated_to, todo.date, todo.status), (fx.SECOND_ASSOCIATE, getdate(nowdate()), "Open")
		)
