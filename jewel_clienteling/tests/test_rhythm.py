"""Her rhythm over five weeks, the clock frozen at each moment and the scheduler's own jobs running
every day (tests/utils.live_through), WhatsApp answered by the local stand-in:

- Asha (the store's cap of 14 days): buys on day 0, is asked for feedback on day 3 and answers 5 on
  the page, is asked for a referral on day 5, her friend buys on day 18 and she is thanked on day 19
  with her points; after 14 days of silence (the test's setting) a warm stay-in-touch note on day 33,
  and the sale she makes two days later is credited to it.
- Meera ("Monthly", evenings), a repeat customer not seen for two months: the stay-in-touch note on
  day 0, at her evening hour; then she buys on day 2 and nothing else reaches her; on day 20 she
  replies "LESS" and is "Every two months" from then: her birthday on day 33 is not greeted either.
- Kiran ("Weekly"): more often than the store's cap allows: the review request on day 3 and, seven
  days later, her anniversary reminder, which the store's cap would have held back.

Every evening the test counts what reached each customer on WhatsApp in every window of her rhythm."""

from datetime import date, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, getdate, nowdate, set_request
from frappe.website.serve import get_response_content

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.jewel_clienteling.report.outreach_results import outreach_results
from jewel_clienteling.services import rhythm_reply, sync, webhook
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.setup import defaults
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.connected_whatsapp import connect_whatsapp
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import (
	committed_settings,
	live_through,
)

RING = "JC-RING-GLD-22K-PLK"
NUMBER_ID = "7878"  # its own pace key in Redis
TOKEN = "rhythm-token"  # noqa: S105 - the stand-in server's token
DAYS = 37
APPROVED = (
	outreach_rules.REVIEW_REQUEST,
	outreach_rules.REFERRAL_ASK,
	outreach_rules.REFERRAL_THANKS,
	outreach_rules.STAY_IN_TOUCH,
	outreach_rules.OCCASION,
)
SETTINGS = {
	"outreach_enabled": 1,
	"occasion_reminders_enabled": 1,
	"occasion_lead_days": "7, 0",
	"post_purchase_enabled": 0,
	"festival_campaigns_enabled": 0,
	"lapsed_enabled": 0,
	"ask_wedding_date_after_days": 0,
	"uncollected_days": 0,
	"repair_review_after_days": 0,
	"review_after_days": 3,
	"referral_ask_after_days": 5,
	"feedback_link_days": 14,
	# switched on when the story starts (setUp), at 14 days: Meera has been silent longer than that
	# already, so she is caught up on day 0
	"stay_in_touch_days": 0,
	"lapsed_backlog_per_associate": 5,
	"frequency_cap_days": 14,
	"quiet_hours_start": "21:00:00",
	"quiet_hours_end": "10:00:00",
	"utility_needs_opt_in": 0,
	"send_email_automatically": 0,
	"send_sms_automatically": 0,
	"loyalty_enabled": 1,
	"referral_bonus_points": 500,
	"store_manager": fx.SECOND_ASSOCIATE,
}
GAP = {"meera": 30, "kiran": 7}  # her rhythm in days (Meera's is longer still from day 20)


def most_in_window(days: list[date], window: int) -> int:
	"""The most of these days that fall within any `window` consecutive days."""
	days = sorted(days)
	return max(
		(sum(1 for other in days[i:] if (other - day).days < window) for i, day in enumerate(days)), default=0
	)


class TestHerRhythmOverFiveWeeks(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		for template in defaults.TEMPLATES:
			if not frappe.db.exists("Outreach Template", template["template_name"]):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)
		self.start = getdate(nowdate())
		old = committed_settings(
			"Clienteling Settings",
			**SETTINGS,
			last_planned_on=self.start - timedelta(days=1),
			stay_in_touch_backlog_since=None,
		)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		settings = frappe.get_single("Clienteling Settings")
		settings.stay_in_touch_days = 14
		settings.save()
		self.assertEqual(
			clienteling_settings.stored_date("stay_in_touch_backlog_since"),
			self.start,
			"catching up from today",
		)
		self.api = CloudAPIServer(token=TOKEN, phone_number_id=NUMBER_ID).start()
		self.addCleanup(self.api.stop)
		self.connect_whatsapp()
		self.who: dict[str, str] = {}
		self.phone: dict[str, str] = {}
		self.customer("asha")
		self.customer("meera", jc_contact_rhythm=rhythm.MONTHLY, jc_preferred_time=rhythm.EVENING)
		self.customer("kiran", jc_contact_rhythm=rhythm.WEEKLY)
		self.customer("friend", jc_referred_by=self.who["asha"])
		for label, days_ago in (("asha", 10), ("asha", 8), ("meera", 70), ("meera", 65)):
			fx.make_sales_invoice(
				self.who[label], [(RING, 40000)], posting_date=self.start - timedelta(days=days_ago)
			)
		for label in ("asha", "meera"):
			sync.run_refresh(self.who[label])  # she is a repeat customer when the weeks begin
		self.occasion("meera", "Birthday", 33)
		self.occasion("kiran", "Anniversary", 17)
		frappe.db.commit()  # nosemgrep: the days to come run in their own transactions
		self.reached: dict[str, list[date]] = {label: [] for label in self.who}
		self.confirmed: dict[str, list[date]] = {label: [] for label in self.who}
		self.confirmation_texts = {rhythm_reply.confirmation_text(chosen) for chosen in rhythm.RHYTHMS}
		self.seen = 0

	def connect_whatsapp(self) -> None:
		connect_whatsapp(self, self.api.base_url, NUMBER_ID, TOKEN, "jc_rhythm", APPROVED)

	def customer(self, label: str, **fields) -> None:
		mobile = "+91" + unique_mobile()
		name = fx.make_customer(
			mobile_no=mobile, jc_whatsapp_opt_in=1, jc_preferred_associate=fx.ASSOCIATE, **fields
		)
		self.who[label], self.phone[label] = name, mobile

	def occasion(self, label: str, occasion_type: str, days_ahead: int) -> None:
		when = self.start + timedelta(days=days_ahead)
		frappe.get_doc(
			{
				"doctype": "Occasion",
				"customer": self.who[label],
				"occasion_type": occasion_type,
				"day": when.day,
				"month": str(when.month),
			}
		).insert()

	def rows(self, label: str, reason: str | None = None) -> list:
		filters = {"customer": self.who[label]}
		if reason:
			filters["reason"] = reason
		return frappe.get_all(
			"Client Outreach",
			filters=filters,
			fields=[
				"name",
				"reason",
				"step",
				"status",
				"due_date",
				"send_after",
				"sent_on",
				"skip_reason",
				"context",
			],
			order_by="due_date, creation",
		)

	def feedback_page(self, token: str, score: str) -> str:
		"""Her phone answers the one-tap page, as a guest."""
		frappe.set_user("Guest")
		try:
			set_request(method="POST", path=f"/feedback?t={token}")
			frappe.form_dict.update({"t": token, "score": score})
			return get_response_content("feedback")
		finally:
			frappe.set_user("Administrator")

	# --- the store's days ----------------------------------------------------------------------------

	def on_day(self, day: date) -> None:
		n = (day - self.start).days
		if n == 0:
			self.sale = fx.make_pos_invoice(self.who["asha"], [(RING, 50000)])
			fx.make_pos_invoice(self.who["kiran"], [(RING, 30000)])
		elif n == 2:
			fx.make_pos_invoice(self.who["meera"], [(RING, 45000)])
		elif n == 4:
			[request] = self.rows("asha", outreach_rules.REVIEW_REQUEST)
			token = frappe.parse_json(request.context)["feedback_link"].split("t=")[1]
			self.assertIn("Thank you", self.feedback_page(token, "5"))
		elif n == 18:
			self.friend_sale = fx.make_pos_invoice(self.who["friend"], [(RING, 60000)])
		elif n == 20:
			webhook.process(inbound_text_payload(self.phone["meera"], "LESS", phone_number_id=NUMBER_ID))
			self.assertEqual(
				frappe.db.get_value("Customer", self.who["meera"], "jc_contact_rhythm"), rhythm.TWO_MONTHS
			)
		elif n == 35:
			self.second_sale = fx.make_pos_invoice(self.who["asha"], [(RING, 70000)])

	def end_of_day(self, day: date) -> None:
		"""What reached each of them today on WhatsApp, and her rhythm over every window so far."""
		n = (day - self.start).days
		by_phone = {phone.lstrip("+"): label for label, phone in self.phone.items()}
		for request in self.api.requests[self.seen :]:
			body = request.body or {}
			label = by_phone.get(body.get("to"))
			if label and body.get("type") == "text" and body["text"]["body"] in self.confirmation_texts:
				self.confirmed[label].append(day)  # a word back to her reply: not marketing
			elif label:
				self.reached[label].append(day)
		self.seen = len(self.api.requests)
		for label, gap in GAP.items():
			self.assertLessEqual(
				most_in_window(self.reached[label], gap),
				1,
				f"day {n}: {label} heard from us within {gap} days",
			)
			counted = [
				getdate(row.due_date)
				for row in self.rows(label)
				if row.status not in lifecycle.NOT_COUNTED
				and outreach_rules.PURPOSE[row.reason] == outreach_rules.MARKETING
			]
			self.assertLessEqual(
				most_in_window(counted, gap), 1, f"day {n}: {label}'s queue within {gap} days"
			)

	# --- the weeks ------------------------------------------------------------------------------------

	def test_referrals_feedback_and_stay_in_touch_each_within_her_rhythm(self):
		live_through(self, DAYS, start=self.start, on_day=self.on_day, end_of_day=self.end_of_day)

		def story(label):
			return [
				((getdate(row.due_date) - self.start).days, row.reason, row.status)
				for row in self.rows(label)
				if row.status not in lifecycle.NOT_COUNTED
				and outreach_rules.PURPOSE[row.reason] == outreach_rules.MARKETING
			]

		reached = set(lifecycle.REACHED)
		# Asha, at the store's cap: feedback, its thanks, the referral ask, the thank-you, a warm note
		asha = story("asha")
		self.assertEqual(
			[(day, reason) for day, reason, _status in asha],
			[
				(3, outreach_rules.REVIEW_REQUEST),
				(5, outreach_rules.REFERRAL_ASK),
				(19, outreach_rules.REFERRAL_THANKS),
				(33, outreach_rules.STAY_IN_TOUCH),
			],
		)
		self.assertTrue(all(status in reached for _day, _reason, status in asha), asha)
		self.assertEqual(self.reached["asha"], [self.start + timedelta(days=d) for d in (3, 5, 19, 33)])
		[answer] = frappe.get_all("Customer Feedback", filters={"customer": self.who["asha"]}, pluck="score")
		self.assertEqual(answer, 5)
		[thanks] = self.rows("asha", outreach_rules.REFERRAL_THANKS)
		self.assertEqual(frappe.parse_json(thanks.context)["points"], 500)
		[note] = self.rows("asha", outreach_rules.STAY_IN_TOUCH)
		self.assertIn(note.step, rhythm.TOUCHES)
		# the sale two days after the warm note is credited to it
		self.assertEqual(
			frappe.db.get_value("Client Outreach", note.name, "attributed_sale"), self.second_sale.name
		)

		# Meera, monthly and then every two months: one message in five weeks, at her evening hour
		meera = story("meera")
		self.assertEqual(meera, [(0, outreach_rules.STAY_IN_TOUCH, meera[0][2])])
		self.assertIn(meera[0][2], reached)
		[note] = self.rows("meera", outreach_rules.STAY_IN_TOUCH)
		self.assertEqual(get_datetime(note.send_after).time(), rhythm.TIMES_OF_DAY[rhythm.EVENING][0])
		self.assertGreaterEqual(get_datetime(note.sent_on), get_datetime(note.send_after))
		self.assertEqual(len(self.reached["meera"]), 1)
		# her "LESS" on day 20 was answered that day, once, and nobody else was answered anything
		self.assertEqual(
			{label: days for label, days in self.confirmed.items() if days},
			{"meera": [self.start + timedelta(days=20)]},
		)
		[word_back] = self.rows("meera", outreach_rules.RHYTHM_CONFIRMED)
		self.assertEqual(word_back.status, lifecycle.SENT)
		held = {
			(row.reason, row.step)
			for row in self.rows("meera")
			if row.status == lifecycle.SKIPPED and "frequency cap" in (row.skip_reason or "")
		}
		self.assertEqual(
			held,
			{
				(outreach_rules.REVIEW_REQUEST, outreach_rules.REVIEW_REQUEST),
				(outreach_rules.REFERRAL_ASK, outreach_rules.REFERRAL_ASK),
				(outreach_rules.OCCASION, "7 days ahead"),
				(outreach_rules.OCCASION, "On the day"),
			},
		)

		# Kiran, weekly: her anniversary reminder seven days after the review request goes, which the
		# store's cap of 14 days would have held; the referral ask two days after the review does not
		kiran = story("kiran")
		self.assertEqual(
			[(day, reason) for day, reason, _status in kiran],
			[
				(3, outreach_rules.REVIEW_REQUEST),
				(10, outreach_rules.OCCASION),
				(17, outreach_rules.OCCASION),
			],
		)
		self.assertEqual(self.reached["kiran"], [self.start + timedelta(days=d) for d in (3, 10, 17)])

		# every new reason has its line in Outreach Results
		_columns, data = outreach_results.execute(
			{"from_date": self.start, "to_date": self.start + timedelta(days=DAYS)}
		)
		lines = {row.group: row for row in data}
		for reason in (
			outreach_rules.REVIEW_REQUEST,
			outreach_rules.REFERRAL_ASK,
			outreach_rules.REFERRAL_THANKS,
			outreach_rules.STAY_IN_TOUCH,
		):
			self.assertGreaterEqual(lines[reason].sent, 1, reason)
		self.assertGreaterEqual(lines[outreach_rules.STAY_IN_TOUCH].converted, 1)
