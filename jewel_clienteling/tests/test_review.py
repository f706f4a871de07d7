"""The manager's weekly review on a real site: an associate's follow-ups (due, on time, overdue,
skipped with the reason), her leads by stage and age, those past their next step, conversion, and
what her outreach and her leads brought in; and the weekly email to the store's managers through
Frappe's own Auto Email Report, made once and never changed afterwards."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime, nowdate

from jewel_clienteling.jewel_clienteling.report.weekly_clienteling_review import weekly_clienteling_review
from jewel_clienteling.services import review
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_inbox import make_store, make_store_user

STORE = "JC Review Store"
ASSOCIATE = "jc-review-associate@example.com"
MANAGER = "jc-review-manager@example.com"
RING = "JC-RING-GLD-22K-PLK"


def outreach(customer: str, due, status: str, **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Client Outreach",
				"customer": customer,
				"reason": "Walk-in follow-up",
				"status": status,
				"due_date": due,
				"channel": "Manual",
				"assigned_to": ASSOCIATE,
				"cycle": frappe.generate_hash(length=6),
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def lead(stage: str, days_old: int = 0, **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": f"JC Review {frappe.generate_hash(length=6)}",
			"jc_stage": stage,
			"jc_store": STORE,
			"lead_owner": ASSOCIATE,
			**fields,
		}
	).insert(ignore_permissions=True)
	if days_old:
		frappe.db.set_value("Lead", doc.name, "creation", add_days(now_datetime(), -days_old))
	return doc.name


class TestWeeklyReview(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()  # each test counts only its own records (nothing here is committed)
		make_store(STORE)
		make_store_user(ASSOCIATE, STORE, "Sales User")
		make_store_user(MANAGER, STORE, "Clienteling Manager", "Sales User")

	def row(self) -> dict:
		columns, rows = weekly_clienteling_review.execute({"store": STORE, "associate": ASSOCIATE})
		self.assertIn("skip_reasons", [column["fieldname"] for column in columns])
		self.assertEqual(len(rows), 1)
		return rows[0]

	def test_an_associates_week(self):
		today = getdate(nowdate())
		her = fx.make_customer(jc_home_store=STORE)
		outreach(
			her, add_days(today, -3), "Sent", sent_on=add_days(now_datetime(), -3), attributed_amount=50000
		)
		outreach(her, add_days(today, -4), "Done", sent_on=add_days(now_datetime(), -1))  # late
		outreach(her, add_days(today, -2), "Due")  # overdue
		outreach(her, add_days(today, -1), "Skipped", skip_reason="No answer")
		outreach(her, add_days(today, -30), "Due")  # not this week's
		lead("New", days_old=3)
		lead(
			"Visited",
			days_old=5,
			jc_next_action="Call about the polki set",
			jc_next_action_on=add_days(today, -1),
		)
		won = lead("Estimate Sent")
		lead("Lost", jc_lost_reason="Bought elsewhere")
		# she buys: her customer is made from the lead, which is then Won (services/lead_conversion.py)
		buyer = fx.make_customer(jc_home_store=STORE, lead_name=won)
		fx.make_sales_invoice(buyer, [(RING, 150000)])
		self.assertEqual(frappe.db.get_value("Lead", won, "jc_stage"), "Won")

		row = self.row()
		self.assertEqual(row["store"], STORE)
		self.assertEqual(
			(row["follow_ups_due"], row["done_on_time"], row["overdue"], row["skipped"]), (4, 1, 1, 1)
		)
		self.assertEqual(row["skip_reasons"], "No answer (1)")
		self.assertEqual((row["stage_new"], row["stage_visited"], row["open_leads"]), (1, 1, 2))
		self.assertEqual(row["average_lead_age"], 4.0)
		self.assertEqual(row["leads_overdue"], 1)
		self.assertEqual((row["won"], row["lost"], row["conversion"]), (1, 1, 50.0))
		self.assertEqual(row["new_leads"], 4)
		self.assertEqual(row["outreach_revenue"], 50000)
		self.assertEqual(row["lead_revenue"], 150000)

	def test_another_stores_leads_are_not_counted(self):
		lead("New")
		frappe.db.set_value("Lead", lead("Contacted"), "jc_store", fx.POS_PROFILE)
		self.assertEqual(self.row()["open_leads"], 1)

	def test_the_weekly_email_goes_to_the_stores_managers_and_is_never_changed_after(self):
		frappe.db.delete("Auto Email Report", {"report": review.REPORT})
		lead("New")
		made = review.make_weekly_emails()
		mine = [
			name
			for name in made
			if frappe.parse_json(frappe.db.get_value("Auto Email Report", name, "filters"))["store"] == STORE
		]
		self.assertEqual(len(mine), 1)
		email = frappe.get_doc("Auto Email Report", mine[0])
		self.assertEqual((email.enabled, email.frequency, email.email_to), (1, "Weekly", MANAGER))
		# Frappe's own sender can build it
		self.assertIn(ASSOCIATE, email.get_report_content() or "")
		# the store changes it: the next migrate leaves it as the store made it
		email = frappe.get_doc("Auto Email Report", mine[0])
		email.email_to = "owner@example.com"
		email.enabled = 0
		email.save()
		self.assertNotIn(email.name, review.make_weekly_emails())
		self.assertEqual(
			frappe.db.get_value("Auto Email Report", email.name, ["enabled", "email_to"]),
			(0, "owner@example.com"),
		)
