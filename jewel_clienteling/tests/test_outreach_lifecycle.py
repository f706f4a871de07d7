"""Outreach through the days on a real site: what is planned for later falls due on its day (her
consent asked again) and reaches the associate's queue; what goes stale is withdrawn as Expired with
the reason, once, and no sender takes it; a planner catching up records what went stale meanwhile;
the Today queue puts what goes stale soonest first; upgraded sites get the new fields and texts."""

from datetime import datetime, time, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, formatdate, get_time, getdate, now_datetime, nowdate

from jewel_clienteling.api import outreach as api
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.jewel_clienteling.report.outreach_results import outreach_results
from jewel_clienteling.patches.v1 import default_templates_read_well, outreach_worth_sending_until
from jewel_clienteling.services import claims, outreach_lifecycle, planner
from jewel_clienteling.services.outreach import Queue
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import RING, customer, occasion

OUTREACH = "Client Outreach"


def today():
	return getdate(nowdate())


def plan(name: str, reason: str, due, step: str = "", event=None, context: dict | None = None) -> str:
	"""One outreach for her through the queue, as a producer hands it over; its name."""
	candidate = outreach_rules.Candidate(
		customer=name,
		reason=reason,
		reference_doctype="Customer",
		reference_name=name,
		cycle=f"{due}/{frappe.generate_hash(length=6)}",
		due_date=getdate(due),
		step=step,
		event_date=event,
		context=context or {},
	)
	Queue().add([candidate])
	return frappe.db.get_value(OUTREACH, {"dedupe_key": candidate.key})


def row(name: str) -> frappe._dict:
	return frappe.db.get_value(
		OUTREACH,
		name,
		["status", "channel", "skip_reason", "expires_on", "send_after", "due_date"],
		as_dict=True,
	)


def queue_names(user: str = fx.ASSOCIATE) -> list[str]:
	frappe.set_user(user)
	try:
		return [item.name for group in api.today(limit=1000)["groups"] for item in group["outreach"]]
	finally:
		frappe.set_user("Administrator")


class TestFallingDue(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def test_a_follow_up_planned_for_later_is_due_on_its_day_and_reaches_her_associates_queue(self):
		her = customer()
		later = today() + timedelta(days=3)
		name = plan(her, outreach_rules.WALK_IN_FOLLOW_UP, later, step="Price")
		self.assertEqual(row(name).status, "Planned")
		self.assertNotIn(name, queue_names())
		outreach_lifecycle.make_due()
		self.assertEqual(row(name).status, "Planned", "not before its day")

		with self.freeze_time(datetime.combine(later, time(0, 5))):
			self.assertGreaterEqual(outreach_lifecycle.make_due()["due"], 1)
			due = row(name)
			self.assertEqual((due.status, due.channel), ("Due", outreach_rules.WHATSAPP))
			quiet_end = frappe.db.get_single_value("Clienteling Settings", "quiet_hours_end")
			if quiet_end:  # it waits out the night
				self.assertEqual(due.send_after, datetime.combine(later, get_time(quiet_end)))
			self.assertIn(name, queue_names())
			self.assertEqual(outreach_lifecycle.make_due(), {"due": 0, "skipped": 0}, "once")

	def test_her_consent_is_asked_again_on_the_day(self):
		moved, stopped = customer(jc_sms_opt_in=1), customer()
		later = today() + timedelta(days=2)
		to_sms = plan(moved, outreach_rules.WALK_IN_FOLLOW_UP, later, step="Comparing")
		withdrawn = plan(stopped, outreach_rules.WALK_IN_FOLLOW_UP, later, step="Comparing")
		for name in (moved, stopped):
			frappe.db.set_value("Customer", name, "jc_whatsapp_opt_in", 0)  # she wrote STOP
		with self.freeze_time(datetime.combine(later, time(11))):
			outreach_lifecycle.make_due()
		self.assertEqual((row(to_sms).status, row(to_sms).channel), ("Due", outreach_rules.SMS))
		skipped = row(withdrawn)
		self.assertEqual(skipped.status, "Skipped")
		self.assertEqual(skipped.skip_reason, "No consent to marketing messages on any channel.")


class TestGoingStale(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def test_stale_outreach_is_expired_with_its_reason_once_and_no_sender_takes_it(self):
		her = customer()
		stale = plan(her, outreach_rules.POST_PURCHASE, today() - timedelta(days=20), step="Check-in")
		fresh = plan(customer(), outreach_rules.POST_PURCHASE, today() - timedelta(days=5), step="Check-in")
		self.assertEqual(row(stale).status, "Expired", "planned already stale, it is recorded as such")
		frappe.db.set_value(OUTREACH, stale, {"status": "Due", "skip_reason": None})  # as before the upgrade
		being_sent = plan(customer(), outreach_rules.LAPSED, today() - timedelta(days=40))
		frappe.db.set_value(
			OUTREACH, being_sent, {"status": "Due", "claimed_until": add_to_date(now_datetime(), minutes=3)}
		)
		frappe.db.commit()  # nosemgrep: a claim commits; the sender is another transaction

		claimed = claims.claim(
			"jc-stale", now_datetime(), outreach_rules.WHATSAPP, [outreach_rules.POST_PURCHASE], 1000
		)
		frappe.db.set_value(OUTREACH, {"claim": "jc-stale"}, {"claim": None, "claimed_until": None})
		self.assertNotIn(stale, [r.name for r in claimed], "no sender takes it, even before the expiry")
		self.assertNotIn(stale, queue_names())
		self.assertGreaterEqual(outreach_lifecycle.expire(), 1)
		expired = row(stale)
		self.assertEqual(expired.status, "Expired")
		until = formatdate(today() - timedelta(days=6))
		self.assertEqual(expired.skip_reason, f"Withdrawn unsent: worth sending only until {until}.")
		self.assertEqual(row(fresh).status, "Due")
		self.assertEqual(row(being_sent).status, "Due", "left to the sender sending it this minute")
		self.assertEqual(outreach_lifecycle.expire(), 0, "a second run changes nothing")

	def test_a_planner_catching_up_records_what_went_stale_meanwhile_and_sends_none(self):
		bought, celebrated = customer(), customer()
		fx.make_sales_invoice(bought, [(RING, 40000)], posting_date=today() - timedelta(days=30))
		occasion(celebrated, -3)  # her birthday was three days ago
		frappe.db.set_value(
			"Occasion", {"customer": celebrated}, "next_occurrence", today() - timedelta(days=3)
		)
		planner.plan_days(today() - timedelta(days=19), today(), today())

		[check_in] = frappe.get_all(
			OUTREACH, filters={"customer": bought, "step": "Check-in"}, fields=["status", "skip_reason"]
		)
		self.assertEqual(check_in.status, "Expired")
		[greeting] = frappe.get_all(
			OUTREACH, filters={"customer": celebrated, "step": "On the day"}, fields=["status", "skip_reason"]
		)
		self.assertEqual(
			(greeting.status, greeting.skip_reason),
			("Expired", "Withdrawn unsent: the day it was about has come."),
		)
		week_ahead = frappe.get_all(
			OUTREACH, filters={"customer": celebrated, "step": "7 days ahead"}, pluck="status"
		)
		self.assertEqual(week_ahead, ["Expired"])

		period = {"from_date": today() - timedelta(days=20), "to_date": today(), "group_by": "Reason"}
		_columns, data = outreach_results.execute(period)
		[post_purchase] = [line for line in data if line.group == "Post-purchase"]
		self.assertGreaterEqual(post_purchase.expired, 1, "Outreach Results shows what expired unsent")

	def test_the_today_queue_puts_what_goes_stale_soonest_first(self):
		her, other = customer(), customer()
		review = plan(
			her,
			outreach_rules.REVIEW_REQUEST,
			today() - timedelta(days=5),
			step=outreach_rules.REVIEW_REQUEST,
		)
		greeting = plan(other, outreach_rules.OCCASION, today(), step="On the day", event=today())
		in_queue = [name for name in queue_names() if name in (review, greeting)]
		self.assertEqual(
			in_queue, [greeting, review], "the greeting lives only today; the review a week more"
		)


class TestUpgrade(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def test_default_templates_the_store_did_not_edit_get_the_new_text(self):
		from jewel_clienteling.domain.default_templates import TEMPLATES

		new = {template["template_name"]: template["message"] for template in TEMPLATES}
		old = default_templates_read_well.OLD
		now_called = {first: name for name, first in default_templates_read_well.FIRST_CALLED.items()}
		self.assertLessEqual(
			{now_called.get(name, name) for name in old},
			set(new),
			"every default of the first release is known",
		)
		frappe.db.set_value("Outreach Template", "Repair ready", "message", old["Repair ready"] + "\n")
		edited = "Dear {{ first_name }}, your piece is ready. Come by! — Kanak"
		frappe.db.set_value("Outreach Template", "We miss you", "message", edited)
		default_templates_read_well.execute()
		self.assertEqual(
			frappe.db.get_value("Outreach Template", "Repair ready", "message"), new["Repair ready"]
		)
		self.assertEqual(frappe.db.get_value("Outreach Template", "We miss you", "message"), edited)

	def test_outreach_waiting_before_the_upgrade_gets_its_last_day_worth_sending(self):
		her = customer()
		reminder = plan(
			her, outreach_rules.OCCASION, today(), step="7 days ahead", context={"days_ahead": 7}, event=None
		)
		points = plan(her, outreach_rules.POINTS_EXPIRING, today(), step=outreach_rules.POINTS_EXPIRING)
		frappe.db.set_value(OUTREACH, points, "cycle", str(today() + timedelta(days=3)))
		for name in (reminder, points):
			frappe.db.set_value(OUTREACH, name, "expires_on", None)
		outreach_worth_sending_until.execute()
		self.assertEqual(getdate(row(reminder).expires_on), today() + timedelta(days=6), "the eve of it")
		self.assertEqual(getdate(row(points).expires_on), today() + timedelta(days=2))

	def test_an_outreach_added_by_hand_lives_as_long_as_its_reason_allows(self):
		doc = frappe.get_doc(
			{
				"doctype": OUTREACH,
				"customer": customer(),
				"reason": outreach_rules.LAPSED,
				"status": "Due",
				"due_date": today(),
				"channel": outreach_rules.MANUAL,
			}
		).insert()
		self.assertEqual(getdate(doc.expires_on), today() + timedelta(days=30))
