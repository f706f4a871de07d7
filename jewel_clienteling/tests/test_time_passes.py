"""A store lives through five weeks, the clock frozen at each moment and the scheduler's own jobs
(planner, sweep, senders, the hourly falling-due and the daily expiry, as hooks.py names them)
running every day, while customers buy, walk in, reply, say STOP and bring repairs. Each morning the
test reads each associate's Today queue; each evening it compares every change of every message with
the store's story below, and what the local WhatsApp stand-in received with what was due to go."""

from datetime import date, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.api import campaigns as campaign_api
from jewel_clienteling.api import outreach as outreach_api
from jewel_clienteling.api import repairs as repair_api
from jewel_clienteling.api.walk_ins import record_walk_in
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.templates import seams
from jewel_clienteling.services import webhook
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.connected_whatsapp import connect_whatsapp
from jewel_clienteling.tests.test_repair_desk import take_in
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import committed_settings, live_through

ASHA = "jc-time-asha@example.com"
RAVI = "jc-time-ravi@example.com"
GROUP = "JC Time Regulars"
RING, NECKLACE = "JC-RING-GLD-22K-PLK", "JC-NECK-GLD-22K-PLK"
NUMBER_ID = "7777"  # its own pace key in Redis: no other test's sends slow this one down
TOKEN = "time-token"  # noqa: S105 - the stand-in server's token
DAYS = 35
# which reasons WhatsApp sends by itself (an approved template each); the rest wait for an associate
APPROVED = (
	outreach_rules.OCCASION,
	outreach_rules.CAMPAIGN,
	outreach_rules.REPAIR_READY,
	outreach_rules.REPAIR_UNCOLLECTED,
)
MORNING_CHANGES = ("Due", "Expired", "Skipped")  # the planner, falling due and expiry run at night
SETTINGS = {
	"outreach_enabled": 1,
	"occasion_reminders_enabled": 1,
	"occasion_lead_days": "42, 7, 0",
	"post_purchase_enabled": 1,
	"check_in_days": 14,
	"care_days": 90,
	"new_arrivals_days": 180,
	"purchase_anniversary_days": 365,
	# festival invitations follow the real calendar (Radha's purchase a year ago may be near one):
	# they are tested with their own dates in test_outreach
	"festival_campaigns_enabled": 0,
	"review_after_days": 3,
	# the referral ask lives its own days in test_feedback
	"referral_ask_after_days": 0,
	"ask_wedding_date_after_days": 2,
	"uncollected_days": 7,
	"repair_review_after_days": 3,
	"frequency_cap_days": 14,
	"quiet_hours_start": "21:00:00",
	"quiet_hours_end": "10:00:00",
	"utility_needs_opt_in": 0,
	"send_email_automatically": 0,
	"send_sms_automatically": 0,
	"store_manager": None,
	"repair_charges_item": fx.REPAIR_ITEM,
	"weight_tolerance_grams": 0.01,
	"weight_tolerance_percent": 0,
}


def story(campaign: str) -> dict[tuple[str, str, str], dict[int, str]]:
	"""Every message of the five weeks: (who, reason, step) → {day: the status it reached that day}."""
	return {
		# Kavya gets engaged (day 0): the wedding date asked on WhatsApp, a review Ravi asks for by
		# hand on day 6, and a two-week check-in nobody sends: withdrawn a fortnight late
		("kavya", outreach_rules.OCCASION, "Ask the wedding date"): {2: "Sent"},
		("kavya", outreach_rules.REVIEW_REQUEST, outreach_rules.REVIEW_REQUEST): {3: "Due", 6: "Done"},
		("kavya", outreach_rules.POST_PURCHASE, "Check-in"): {14: "Due", 29: "Expired"},
		# Meera's anniversary (day 10): reminded a week ahead, she answers; greeted on the day; the
		# campaign planned for her gives way to the reminder under the frequency cap
		("meera", outreach_rules.OCCASION, "7 days ahead"): {3: "Sent", 4: "Replied"},
		("meera", outreach_rules.OCCASION, "On the day"): {10: "Sent"},
		("meera", outreach_rules.CAMPAIGN, campaign): {1: "Planned", 3: "Skipped"},
		# Leela: the campaign goes out on its Send On; her repair is ready, waits, is collected
		("leela", outreach_rules.CAMPAIGN, campaign): {1: "Planned", 7: "Sent"},
		("leela", outreach_rules.REPAIR_READY, outreach_rules.REPAIR_READY): {8: "Sent"},
		("leela", outreach_rules.REPAIR_UNCOLLECTED, outreach_rules.REPAIR_UNCOLLECTED): {15: "Sent"},
		("leela", outreach_rules.REVIEW_REQUEST, "After a repair"): {21: "Due"},
		# Nisha walks in (day 1) over the price: followed up three days later, buys on day 8
		("nisha", outreach_rules.WALK_IN_FOLLOW_UP, "Price"): {1: "Planned", 4: "Due", 6: "Done"},
		("nisha", outreach_rules.REVIEW_REQUEST, outreach_rules.REVIEW_REQUEST): {11: "Skipped"},
		("nisha", outreach_rules.POST_PURCHASE, "Check-in"): {22: "Due"},
		# Pooja walks in (day 2) comparing, says STOP on day 3: nothing goes out on day 4
		("pooja", outreach_rules.WALK_IN_FOLLOW_UP, "Comparing"): {2: "Planned", 4: "Skipped"},
		# Sunita, SMS only: Ravi sends the reminder by hand; the greeting is left and goes stale
		("sunita", outreach_rules.OCCASION, "7 days ahead"): {5: "Due", 6: "Done"},
		("sunita", outreach_rules.OCCASION, "On the day"): {12: "Due", 13: "Expired"},
		# Radha bought a year ago: the anniversary of it waits a week in Asha's queue, then goes
		("radha", outreach_rules.POST_PURCHASE, "Purchase anniversary"): {2: "Due", 10: "Expired"},
	}


def others() -> str:
	"""A customer group for everyone the campaign is not for."""
	return frappe.db.get_value("Customer Group", {"is_group": 0, "name": ("!=", GROUP)})


class TestAStoreLivesThroughFiveWeeks(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.start = getdate(nowdate())
		self.settings("Clienteling Settings", **SETTINGS, last_planned_on=self.start - timedelta(days=1))
		self.api = CloudAPIServer(token=TOKEN, phone_number_id=NUMBER_ID).start()
		self.addCleanup(self.api.stop)
		self.connect_whatsapp()
		for user in (ASHA, RAVI):
			fx.make_user(user, "Sales User")
		if not frappe.db.exists("Customer Group", GROUP):
			frappe.get_doc(
				{
					"doctype": "Customer Group",
					"customer_group_name": GROUP,
					"parent_customer_group": "All Customer Groups",
				}
			).insert()
		self.who: dict[str, str] = {}
		self.phone: dict[str, str] = {}
		self.customer("meera", ASHA, customer_group=GROUP)
		self.customer("leela", ASHA, customer_group=GROUP)
		self.customer("radha", ASHA)
		self.customer("kavya", RAVI)
		self.customer("sunita", RAVI, jc_whatsapp_opt_in=0, jc_sms_opt_in=1)
		self.occasion("meera", "Anniversary", 10)
		self.occasion("sunita", "Birthday", 12)
		fx.make_sales_invoice(
			self.who["radha"], [(RING, 60000)], posting_date=self.start - timedelta(days=363)
		)
		frappe.db.commit()  # nosemgrep: the days to come run in their own transactions
		self.states: dict[tuple, str] = {}
		self.sent = 0

	def settings(self, doctype: str, **values) -> None:
		old = committed_settings(doctype, **values)
		self.addCleanup(committed_settings, doctype, **old)

	def connect_whatsapp(self) -> None:
		connect_whatsapp(self, self.api.base_url, NUMBER_ID, TOKEN, "jc_time", APPROVED)

	def customer(self, label: str, associate: str, **fields) -> None:
		fields.setdefault("jc_whatsapp_opt_in", 1)
		fields.setdefault("customer_group", others())
		mobile = "+91" + unique_mobile()
		name = fx.make_customer(mobile_no=mobile, jc_preferred_associate=associate, **fields)
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

	def walk_in(self, label: str, associate: str, reason: str) -> None:
		mobile = unique_mobile()
		frappe.set_user(associate)
		result = record_walk_in(
			visitor_name=f"{label.title()} Walk-in",
			mobile=mobile,
			reason_not_bought=reason,
			whatsapp_consent=True,
			budget=60000,
			wishlist=[{"item": NECKLACE}],
		)
		frappe.set_user("Administrator")
		self.who[label], self.phone[label] = result["customer"], "+91" + mobile
		frappe.db.set_value("Customer", result["customer"], "customer_group", others())  # not a regular

	def done(self, associate: str, label: str, reason: str) -> None:
		"""The associate contacts her by hand from the Today queue."""
		frappe.set_user(associate)
		[row] = [
			row for row in self.queue(associate) if row.customer == self.who[label] and row.reason == reason
		]
		outreach_api.mark_done(row.name)
		frappe.set_user("Administrator")

	def whatsapp_from(self, label: str, text: str) -> None:
		webhook.process(inbound_text_payload(self.phone[label], text, phone_number_id=NUMBER_ID))

	def queue(self, associate: str) -> list:
		frappe.set_user(associate)
		groups = outreach_api.today(limit=1000)["groups"]
		frappe.set_user("Administrator")
		ours = set(self.who.values())
		return [
			row
			for group in groups
			if group["associate"] == associate
			for row in group["outreach"]
			if row.customer in ours
		]

	# --- the store's days ------------------------------------------------------------------------

	def on_day(self, day: date) -> None:
		n = (day - self.start).days
		self.check_the_morning_queues(n)
		if n == 0:
			fx.make_sales_invoice(self.who["kavya"], [(RING, 95000)], jc_purchase_occasion="Engagement")
		elif n == 1:
			self.walk_in("nisha", ASHA, "Price")
			self.start_campaign(send_on=day + timedelta(days=6))
		elif n == 2:
			self.walk_in("pooja", RAVI, "Comparing")
		elif n == 3:
			self.whatsapp_from("pooja", "STOP")
		elif n == 4:
			self.whatsapp_from("meera", "Thank you! I will come on Saturday")
		elif n == 5:
			self.ticket = take_in(customer=self.who["leela"]).name
			for status in ("Estimated", "Approved"):
				repair_api.move(self.ticket, status, approved_via="In store")
			repair_api.move(self.ticket, "At Workshop", workshop=fx.KARIGAR)
		elif n == 6:
			self.done(RAVI, "kavya", outreach_rules.REVIEW_REQUEST)
			self.done(RAVI, "sunita", outreach_rules.OCCASION)
			self.done(ASHA, "nisha", outreach_rules.WALK_IN_FOLLOW_UP)
		elif n == 8:
			repair_api.move(self.ticket, "Ready")
			self.nisha_bought = fx.make_sales_invoice(self.who["nisha"], [(NECKLACE, 70000)]).name
		elif n == 18:
			repair_api.move(self.ticket, "Delivered", weight_out=5.25)

	def start_campaign(self, send_on: date) -> None:
		doc = frappe.get_doc(
			{
				"doctype": "Client Campaign",
				"campaign_name": f"JC Time preview {frappe.generate_hash(length=6)}",
				"send_on": send_on,
				"customer_group": GROUP,
			}
		).insert()
		campaign_api.start(doc.name)
		self.campaign = doc.name

	# --- what the test checks --------------------------------------------------------------------

	def expected(self) -> dict:
		return story(getattr(self, "campaign", "(not yet)"))

	def status_on(self, key: tuple, n: int, morning: bool) -> str | None:
		status = None
		for day, reached in sorted(self.expected()[key].items()):
			if day < n or (day == n and (not morning or reached in MORNING_CHANGES)):
				status = reached
		return status

	def check_the_morning_queues(self, n: int) -> None:
		for associate in (ASHA, RAVI):
			rows = self.queue(associate)
			label = {name: who for who, name in self.who.items()}
			found = [(label[row.customer], row.reason, row.step) for row in rows]
			expected = {
				key
				for key in self.expected()
				if self.status_on(key, n, morning=True) == "Due" and self.assigned(key) == associate
			}
			self.assertEqual(set(found), expected, f"day {n}: {associate}'s queue")
			self.assertEqual(len(found), len(expected), f"day {n}: each message once")
			lasts = [getdate(row.expires_on) for row in rows]
			self.assertEqual(lasts, sorted(lasts), f"day {n}: what goes stale soonest comes first")
			self.assertTrue(all(getdate(row.expires_on) >= self.start + timedelta(days=n) for row in rows))
		if n == 5:
			# Kavya's review waits since day 3, yet Sunita's reminder goes stale sooner (her birthday's eve)
			self.assertEqual(
				[row.customer for row in self.queue(RAVI)], [self.who["sunita"], self.who["kavya"]]
			)

	def assigned(self, key: tuple) -> str:
		return ASHA if key[0] in ("meera", "leela", "radha", "nisha") else RAVI

	def end_of_day(self, day: date) -> None:
		n = (day - self.start).days
		label = {name: who for who, name in self.who.items()}
		rows = frappe.get_all(
			"Client Outreach",
			filters={"customer": ("in", list(self.who.values()))},
			fields=["customer", "reason", "step", "status", "assigned_to", "message", "skip_reason"],
		)
		now = {(label[row.customer], row.reason, row.step): row for row in rows}
		self.assertEqual(len(now), len(rows), f"day {n}: one message per customer, reason and step")
		changes = {key: row.status for key, row in now.items() if self.states.get(key) != row.status}
		expected = {key: days[n] for key, days in self.expected().items() if n in days}
		self.assertEqual(changes, expected, f"day {n}: what changed")
		for key, row in now.items():
			self.assertEqual(row.assigned_to, self.assigned(key), key)
			if row.status in ("Skipped", "Expired"):
				self.assertTrue(row.skip_reason, f"{key} was withdrawn with its reason")
			if row.message:
				self.assertEqual(seams(row.message), [], row.message)
		self.states = {key: row.status for key, row in now.items()}
		# what the stand-in received today is exactly what was due to go on WhatsApp
		received = [
			next(
				(
					who
					for who, phone in self.phone.items()
					if phone.lstrip("+") == (request.body or {}).get("to")
				),
				None,
			)
			for request in self.api.requests[self.sent :]
		]
		self.sent = len(self.api.requests)
		self.assertEqual(
			sorted(who for who in received if who),
			sorted(key[0] for key, status in expected.items() if status == "Sent"),
			f"day {n}: sent on WhatsApp",
		)

	def test_every_message_goes_out_on_its_day_or_is_withdrawn_with_its_reason(self):
		live_through(self, DAYS, start=self.start, on_day=self.on_day, end_of_day=self.end_of_day)

		self.assertEqual(set(self.states), set(self.expected()), "every message of the story happened")
		nisha_follow_up = frappe.db.get_value(
			"Client Outreach",
			{"customer": self.who["nisha"], "reason": outreach_rules.WALK_IN_FOLLOW_UP},
			"attributed_sale",
		)
		self.assertEqual(nisha_follow_up, self.nisha_bought, "her purchase is credited to the follow-up")
		withdrawn = frappe.get_all(
			"Client Outreach",
			filters={"customer": ("in", list(self.who.values())), "status": "Expired"},
			pluck="skip_reason",
		)
		self.assertIn("Withdrawn unsent: the day it was about has come.", withdrawn)
		self.assertTrue(
			any(reason.startswith("Withdrawn unsent: worth sending only until") for reason in withdrawn)
		)
