"""The daily planner on a real site: the right customers, for the right reasons, with consent, once."""

import os
import time

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, nowdate
from freezegun import freeze_time

from jewel_clienteling.services import planner
from jewel_clienteling.tests import fixtures as fx

RING = "JC-RING-GLD-22K-PLK"
DIAMOND_RING = "JC-RING-PLT-950-DIA"
MOBILE = "+91 98765 43210"


def customer(consent: bool = True, **fields) -> str:
	"""A customer with a mobile number who (by default) agreed to WhatsApp messages in store."""
	fields.setdefault("jc_preferred_associate", fx.ASSOCIATE)
	return fx.make_customer(mobile_no=MOBILE, jc_whatsapp_opt_in=1 if consent else 0, **fields)


def occasion(name: str, days_ahead: int, occasion_type: str = "Birthday", **fields) -> str:
	when = getdate(add_days(nowdate(), days_ahead))
	doc = frappe.get_doc(
		{
			"doctype": "Occasion",
			"customer": name,
			"occasion_type": occasion_type,
			"day": when.day,
			"month": str(when.month),
			**fields,
		}
	).insert(ignore_permissions=True)
	return doc.name


def outreach(name: str, **filters) -> list[frappe._dict]:
	return frappe.get_all(
		"Client Outreach",
		filters={"customer": name, **filters},
		fields=["*"],
		order_by="due_date asc, reason asc",
	)


def plan_today():
	today = getdate(nowdate())
	return planner.plan_days(today, today, today)


class TestPlanner(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")  # whatever user an earlier module left

	def test_reminders_weeks_ahead_a_week_ahead_and_greetings_on_the_day(self):
		couple = customer()
		married = getdate(add_days(nowdate(), 42)).year - 9  # nine years on the day we remind of
		occasion(couple, 42, "Anniversary", year=married)
		soon = customer()
		occasion(soon, 7)
		today = customer()
		occasion(today, 0)
		not_yet = customer()
		occasion(not_yet, 41)

		plan_today()

		[ahead] = outreach(couple)
		self.assertEqual((ahead.reason, ahead.step, ahead.status), ("Occasion", "42 days ahead", "Due"))
		self.assertEqual((ahead.channel, ahead.assigned_to), ("WhatsApp", fx.ASSOCIATE))
		self.assertEqual(ahead.phone, "+919876543210")
		first_name = frappe.db.get_value("Customer", couple, "customer_name").split()[0]
		self.assertIn(f"Dear {first_name}", ahead.message)
		self.assertIn("anniversary (9 years!)", ahead.message)
		self.assertEqual([row.step for row in outreach(soon)], ["7 days ahead"])
		[greeting] = outreach(today)
		self.assertEqual(greeting.step, "On the day")
		self.assertIn("warm wishes on your birthday today", greeting.message)
		self.assertEqual(outreach(not_yet), [])

	def test_no_consent_or_do_not_contact_is_recorded_as_skipped_never_drafted(self):
		silent = customer(consent=False)
		occasion(silent, 0)
		private = customer(jc_do_not_contact=1)
		occasion(private, 0)

		plan_today()

		[skipped] = outreach(silent)
		self.assertEqual(skipped.status, "Skipped")
		self.assertIn("No consent", skipped.skip_reason)
		self.assertFalse(skipped.message)
		[skipped] = outreach(private)
		self.assertEqual(skipped.status, "Skipped")
		self.assertIn("not to be contacted", skipped.skip_reason)

	def test_planning_the_same_day_again_plans_nothing_new(self):
		name = customer()
		occasion(name, 7)
		occasion(name, 0, "Anniversary")
		plan_today()
		before = {(row.name, row.dedupe_key, str(row.modified)) for row in outreach(name)}

		plan_today()

		self.assertEqual(len(before), 2)
		self.assertEqual({(row.name, row.dedupe_key, str(row.modified)) for row in outreach(name)}, before)

	def test_an_occasion_wins_the_frequency_cap_over_a_lapsed_reminder(self):
		today = getdate(nowdate())
		lapsed_days = frappe.db.get_single_value("Clienteling Settings", "lapsed_days")
		# lapsed yesterday: the win-back message was planned yesterday, not sent yet
		drifting = customer()
		frappe.db.set_value("Customer", drifting, "jc_last_purchase_date", add_days(today, -lapsed_days - 1))
		planner.plan_days(add_days(today, -1), add_days(today, -1), today)
		[win_back] = outreach(drifting)
		self.assertEqual((win_back.reason, win_back.status), ("Lapsed", "Due"))
		# today her birthday is six weeks away: the greeting wins, the win-back is withdrawn
		occasion(drifting, 42)
		plan_today()
		rows = {row.reason: row for row in outreach(drifting)}
		self.assertEqual(rows["Occasion"].status, "Due")
		self.assertEqual(rows["Lapsed"].status, "Skipped")
		self.assertIn("more important", rows["Lapsed"].skip_reason)
		# lapsing on the same day as an occasion reminder: the lapsed reminder is never sent
		both = customer()
		frappe.db.set_value("Customer", both, "jc_last_purchase_date", add_days(today, -lapsed_days))
		occasion(both, 7)
		plan_today()
		rows = {row.reason: row for row in outreach(both)}
		self.assertEqual(rows["Occasion"].status, "Due")
		self.assertEqual(rows["Lapsed"].status, "Skipped")
		self.assertIn("frequency cap", rows["Lapsed"].skip_reason)

	def test_after_a_purchase_check_in_care_and_review_by_what_she_bought(self):
		check_in = customer()
		sale = fx.make_sales_invoice(check_in, [(RING, 50000)], posting_date=fx.days_ago(14))
		care = customer()
		fx.make_sales_invoice(care, [(DIAMOND_RING, 150000)], posting_date=fx.days_ago(90))
		review = customer()
		fx.make_sales_invoice(review, [(RING, 40000)], posting_date=fx.days_ago(3))
		returned = customer()
		fx.make_return(fx.make_sales_invoice(returned, [(RING, 45000)], posting_date=fx.days_ago(14)))

		plan_today()

		[row] = outreach(check_in)
		self.assertEqual((row.reason, row.step), ("Post-purchase", "Check-in"))
		self.assertEqual((row.reference_doctype, row.reference_name), ("Sales Invoice", sale.name))
		self.assertIn(RING, row.message)
		[row] = outreach(care)
		self.assertEqual(row.step, "Care")
		self.assertIn("diamonds sparkling", row.message)
		[row] = outreach(review)
		self.assertEqual(row.reason, "Review request")
		self.assertEqual(outreach(returned), [], "a piece she returned needs no follow-up")

	def test_an_engagement_sale_prompts_asking_the_wedding_date_unless_known(self):
		engaged = customer()
		fx.make_sales_invoice(
			engaged, [(DIAMOND_RING, 200000)], posting_date=fx.days_ago(2), jc_purchase_occasion="Engagement"
		)
		known = customer()
		occasion(known, 100, "Wedding", year=getdate(nowdate()).year + 1)
		fx.make_sales_invoice(
			known, [(DIAMOND_RING, 200000)], posting_date=fx.days_ago(2), jc_purchase_occasion="Engagement"
		)

		plan_today()

		[ask] = outreach(engaged)
		self.assertEqual(ask.step, "Ask the wedding date")
		self.assertIn("When is the big day?", ask.message)
		self.assertEqual([row.step for row in outreach(known)], [])

	def test_a_festival_invites_those_who_bought_around_it_last_year(self):
		today = getdate(nowdate())
		this_year = add_days(today, 14)
		last_year = add_days(this_year, -357)
		festival = frappe.get_doc(
			{
				"doctype": "Festival",
				"festival_name": f"JC Test Festival {frappe.generate_hash(length=6)}",
				"invite_days_before": 14,
				"bought_days_before": 30,
				"bought_days_after": 3,
				"dates": [{"festival_date": this_year}, {"festival_date": last_year}],
			}
		).insert(ignore_permissions=True)
		# the planner commits page by page, so this festival would outlive the test's rollback
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.delete_doc, "Festival", festival.name, force=True, ignore_permissions=True)
		festive = customer()
		fx.make_sales_invoice(festive, [(RING, 60000)], posting_date=add_days(last_year, -10))
		other_time = customer()
		fx.make_sales_invoice(other_time, [(RING, 60000)], posting_date=add_days(last_year, -60))

		plan_today()

		[invite] = outreach(festive, reason="Campaign", reference_name=festival.name)
		self.assertEqual((invite.cycle, invite.status), (str(this_year), "Due"))
		self.assertIn(festival.name, invite.message)
		self.assertEqual(outreach(other_time, reason="Campaign", reference_name=festival.name), [])

	def test_missed_days_are_caught_up_and_past_occasions_move_on(self):
		today = getdate(nowdate())
		frappe.db.set_single_value("Clienteling Settings", "last_planned_on", add_days(today, -3))
		week_ahead_was_missed = customer()
		occasion(week_ahead_was_missed, 5)
		greeting_was_missed = customer()
		missed = occasion(greeting_was_missed, -1)
		# as if it had been created before: its occurrence yesterday is still the next one on file
		frappe.db.set_value("Occasion", missed, "next_occurrence", add_days(today, -1))

		planner.plan(today)

		[reminder] = outreach(week_ahead_was_missed)
		self.assertEqual((reminder.step, getdate(reminder.due_date)), ("7 days ahead", add_days(today, -2)))
		[greeting] = outreach(greeting_was_missed)
		self.assertEqual((greeting.step, getdate(greeting.due_date)), ("On the day", add_days(today, -1)))
		self.assertEqual(
			getdate(frappe.db.get_value("Occasion", missed, "next_occurrence")).year, today.year + 1
		)
		self.assertEqual(
			getdate(frappe.db.get_single_value("Clienteling Settings", "last_planned_on")), today
		)
		planner.plan(today)
		self.assertEqual(len(outreach(week_ahead_was_missed)) + len(outreach(greeting_was_missed)), 2)

	def test_the_site_time_zone_decides_what_today_is(self):
		os.environ["TZ"] = "UTC"
		time.tzset()
		today = getdate(nowdate())
		tomorrow = add_days(today, 1)
		name = customer()
		# 20:00 on the server in UTC is already 01:30 tomorrow in Kolkata
		with change_settings("System Settings", {"time_zone": "Asia/Kolkata"}):
			with freeze_time(f"{today} 20:00:00"):
				self.assertEqual(getdate(nowdate()), getdate(tomorrow))
				occasion(name, 0)
				frappe.db.set_single_value("Clienteling Settings", "last_planned_on", today)
				planner.plan()
				[greeting] = outreach(name)
				self.assertEqual(getdate(greeting.due_date), getdate(tomorrow))
				self.assertEqual(
					getdate(frappe.db.get_single_value("Clienteling Settings", "last_planned_on")),
					getdate(tomorrow),
				)
