"""Referrals and feedback on a real site, the clock frozen: a referral ask a few days after a sale she
kept and was happy with (and none after a return or a low score); her referrer thanked on a friend's
first sale, with the points loyalty gave, once; the one-tap feedback page answers once, a low score
is the store manager's ToDo that day, a high one is offered the store's review link, an expired,
tampered or foreign token opens nothing; the review bonus given from the record, once."""

from datetime import date, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, set_request
from frappe.website.serve import get_response_content

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.catalogue import sign as sign_share
from jewel_clienteling.domain.templates import seams
from jewel_clienteling.services import catalogue, planner
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_appointments import at
from jewel_clienteling.tests.test_walk_ins import customer, unique_mobile
from jewel_clienteling.tests.utils import committed_settings

RING = "JC-RING-GLD-22K-PLK"
Y = getdate().year + 1
SALE_DAY = date(Y, 3, 2)
REVIEW_URL = "https://g.page/r/jc-counter-review"
SETTINGS = {
	"outreach_enabled": 1,
	"post_purchase_enabled": 0,
	"occasion_reminders_enabled": 0,
	"festival_campaigns_enabled": 0,
	"lapsed_enabled": 0,
	"ask_wedding_date_after_days": 0,
	"review_after_days": 3,
	"referral_ask_after_days": 5,
	"feedback_link_days": 14,
	"frequency_cap_days": 14,
	"quiet_hours_start": None,
	"quiet_hours_end": None,
	"loyalty_enabled": 1,
	"referral_bonus_points": 500,
	"review_bonus_points": 100,
	"store_manager": fx.SECOND_ASSOCIATE,
}


def day(offset: int) -> date:
	return SALE_DAY + timedelta(days=offset)


def plan_on(offset: int) -> None:
	"""The night's planner for that day, the clock frozen on it (it commits page by page)."""
	when = day(offset)
	with at(f"{when} 06:00:00"):
		planner.plan_days(when, when, when)


def sale(who: str, offset: int = 0):
	with at(f"{day(offset)} 12:00:00"):
		return fx.make_pos_invoice(who, [(RING, 50000)])


def outreach(who: str, reason: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Client Outreach",
		filters={"customer": who, "reason": reason},
		fields=["name", "status", "message", "context", "reference_doctype", "reference_name", "due_date"],
	)


def page(token: str, offset: int, **answer) -> str:
	"""The feedback page as her phone opens it (GET) or answers it (POST), as a guest."""
	frappe.set_user("Guest")
	try:
		with at(f"{day(offset)} 19:00:00"):
			set_request(method="POST" if answer else "GET", path=f"/feedback?t={token}")
			frappe.form_dict.update({"t": token, **answer})
			return get_response_content("feedback")
	finally:
		frappe.set_user("Administrator")


def token_of(row: frappe._dict) -> str:
	return frappe.parse_json(row.context)["feedback_link"].split("t=")[1]


class TestReferralsAndFeedback(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for template in defaults.TEMPLATES:
			if not frappe.db.exists("Outreach Template", template["template_name"]):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)

	def setUp(self):
		old = committed_settings("Clienteling Settings", **SETTINGS, last_planned_on=None)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		review = frappe.db.get_value("POS Profile", fx.POS_PROFILE, "jc_review_url")
		frappe.db.set_value("POS Profile", fx.POS_PROFILE, "jc_review_url", REVIEW_URL)
		frappe.db.commit()  # nosemgrep: the planner commits; put the store back after
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.db.set_value, "POS Profile", fx.POS_PROFILE, "jc_review_url", review)

	# --- part 1: the referral ask and the thank-you ------------------------------------------------

	def test_the_ask_comes_five_days_after_a_kept_sale_and_never_after_a_return(self):
		happy = customer(mobile_no=unique_mobile())
		returned = customer(mobile_no=unique_mobile())
		sale(happy)
		bought = sale(returned)
		with at(f"{day(0)} 17:00:00"):  # she brought it back that evening
			fx.make_return(bought)
		plan_on(4)
		self.assertEqual(outreach(happy, outreach_rules.REFERRAL_ASK), [])
		plan_on(5)
		plan_on(5)  # run twice: planned once (the dedupe key is unique in the table)
		[ask] = outreach(happy, outreach_rules.REFERRAL_ASK)
		self.assertEqual((ask.status, ask.due_date), ("Due", day(5)))
		self.assertIn("mention your name", ask.message)
		self.assertEqual(seams(ask.message), [], ask.message)
		self.assertEqual(outreach(returned, outreach_rules.REFERRAL_ASK), [])

	def test_the_referrer_is_thanked_on_her_friends_first_sale_once_with_her_points(self):
		referrer = customer(mobile_no=unique_mobile())
		friend = customer(mobile_no=unique_mobile(), jc_referred_by=referrer)
		first = sale(friend)
		sale(friend, 1)
		points = frappe.get_all(
			"Loyalty Ledger",
			filters={"customer": referrer, "source": "Referral", "voucher_no": first.name},
			pluck="points",
		)
		self.assertEqual(points, [500])  # loyalty gave it on the sale; the thank-you only reads it
		for offset in (1, 1, 2, 3):
			plan_on(offset)
		[thanks] = outreach(referrer, outreach_rules.REFERRAL_THANKS)
		self.assertEqual((thanks.status, thanks.due_date), ("Due", day(1)))
		self.assertEqual((thanks.reference_doctype, thanks.reference_name), ("Customer", friend))
		self.assertIn(friend, thanks.message)
		self.assertIn("500 loyalty points are now in your account", thanks.message)
		self.assertEqual(seams(thanks.message), [], thanks.message)
		self.assertEqual(outreach(friend, outreach_rules.REFERRAL_THANKS), [])

	# --- part 2: the feedback page ------------------------------------------------------------------

	def test_a_high_score_is_recorded_once_offered_the_review_link_and_earns_the_bonus_once(self):
		her = customer(mobile_no=unique_mobile())
		bought = sale(her)
		plan_on(3)
		[request] = outreach(her, outreach_rules.REVIEW_REQUEST)
		self.assertIn("/feedback?t=", request.message)
		self.assertEqual(seams(request.message), [], request.message)
		token = token_of(request)
		asked = page(token, 4)
		self.assertIn('name="score"', asked)
		self.assertNotIn(REVIEW_URL, asked)
		thanked = page(token, 4, score="5", comment="Lovely ring, lovely people")
		self.assertIn(REVIEW_URL, thanked)
		# the same link again: one answer stands, and it shows nothing more
		for again in (page(token, 5, score="1"), page(token, 5)):
			self.assertIn("We already have your answer", again)
			self.assertNotIn(REVIEW_URL, again)
			self.assertNotIn('name="score"', again)
		[answer] = frappe.get_all(
			"Customer Feedback",
			filters={"customer": her},
			fields=["name", "score", "comment", "review_offered"],
		)
		self.assertEqual(
			(answer.score, answer.comment, answer.review_offered), (5, "Lovely ring, lovely people", 1)
		)
		key = frappe.db.get_value("Client Outreach", request.name, "dedupe_key")
		with self.assertRaises(frappe.UniqueValidationError):  # the database holds one answer per link
			frappe.get_doc(
				{"doctype": "Customer Feedback", "customer": her, "score": 4, "request_key": key}
			).insert(ignore_permissions=True)
		doc = frappe.get_doc("Customer Feedback", answer.name)
		doc.review_given = 1
		doc.save(ignore_permissions=True)
		doc.reload()
		doc.save(ignore_permissions=True)
		bonus = frappe.get_all(
			"Loyalty Ledger",
			filters={"customer": her, "source": "Review", "voucher_no": bought.name},
			pluck="name",
		)
		self.assertEqual(bonus, [doc.review_bonus])
		# and she, happy, is asked for a referral two days later
		plan_on(5)
		self.assertEqual(len(outreach(her, outreach_rules.REFERRAL_ASK)), 1)

	def test_a_low_score_is_the_managers_todo_that_day_and_no_referral_is_asked(self):
		her = customer(mobile_no=unique_mobile())
		sale(her)
		plan_on(3)
		[request] = outreach(her, outreach_rules.REVIEW_REQUEST)
		answered = page(token_of(request), 4, score="2", comment="The clasp broke")
		self.assertIn("store manager will call you today", answered)
		self.assertNotIn(REVIEW_URL, answered)
		feedback = frappe.get_all(
			"Customer Feedback", filters={"customer": her}, fields=["name", "manager_todo"]
		)
		[todo] = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Customer Feedback", "reference_name": feedback[0].name},
			fields=["name", "allocated_to", "date", "status", "description"],
		)
		self.assertEqual((todo.allocated_to, todo.date, todo.status), (fx.SECOND_ASSOCIATE, day(4), "Open"))
		self.assertEqual(feedback[0].manager_todo, todo.name)
		self.assertIn("The clasp broke", todo.description)
		plan_on(5)
		self.assertEqual(outreach(her, outreach_rules.REFERRAL_ASK), [])

	def test_an_expired_tampered_or_foreign_token_opens_nothing(self):
		her = customer(mobile_no=unique_mobile())
		sale(her)
		plan_on(3)
		[request] = outreach(her, outreach_rules.REVIEW_REQUEST)
		token = token_of(request)
		subject, expires, signature = token.split(".")
		self.assertEqual(expires, (day(3) + timedelta(days=14)).strftime("%Y%m%d"))
		forged = (
			f"{subject}.{expires}.{signature[:-2]}AA",  # tampered signature
			f"{subject}.{int(expires) + 100}.{signature}",  # a later day under the same signature
			sign_share(catalogue.secret(), subject, day(17)),  # the store's key, signed as a catalogue link
			"",
		)
		for bad in forged:
			closed = page(bad, 4, score="5")
			self.assertIn("This link has closed", closed)
			self.assertNotIn(REVIEW_URL, closed)
		self.assertIn("This link has closed", page(token, 18))
		self.assertIn("This link has closed", page(token, 18, score="5"))
		self.assertFalse(frappe.db.exists("Customer Feedback", {"customer": her}))
		self.assertIn('name="score"', page(token, 17))  # its last day, still open
