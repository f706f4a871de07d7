"""Leads in segments and campaigns, on a real site: a segment's preview counts the open leads that
answer its rules (and none for a rule about purchases); a campaign that includes leads gives each
lead of its audience who recorded WhatsApp consent to its owner as a ToDo, once, and leaves out a
lead without consent, a won lead and another segment's."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.api.segments import preview
from jewel_clienteling.services import campaigns, lead_audience
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_leads import make_lead
from jewel_clienteling.tests.test_segments import make_segment, rule


def item_group(name: str) -> str:
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": name, "parent_item_group": "All Item Groups"}
		).insert(ignore_permissions=True)
	return name


class TestLeadsInSegmentsAndCampaigns(FrappeTestCase):
	def setUp(self):
		self.polki = item_group(f"JC Polki {frappe.generate_hash(length=6)}")
		self.temple = item_group(f"JC Temple {frappe.generate_hash(length=6)}")
		self.asked = make_lead(lead_owner=fx.ASSOCIATE, jc_category=self.polki, jc_whatsapp_opt_in=1)
		self.silent = make_lead(lead_owner=fx.ASSOCIATE, jc_category=self.polki)
		self.other = make_lead(lead_owner=fx.ASSOCIATE, jc_category=self.temple, jc_whatsapp_opt_in=1)
		self.won = make_lead(lead_owner=fx.ASSOCIATE, jc_category=self.polki, jc_whatsapp_opt_in=1)
		fx.make_customer(lead_name=self.won)  # she bought: her lead is won
		self.segment = make_segment(rule("Preference", "is", self.polki, "Category"))

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_segments_preview_counts_the_open_leads_its_rules_hold(self):
		consenting = make_segment(
			rule("Preference", "is", self.polki, "Category"), rule("WhatsApp opt-in", "is", "Yes")
		)
		# a rule about purchases asks what a lead has not got
		buyers = make_segment(
			rule("Preference", "is", self.polki, "Category"), rule("Purchases", "at least", "1")
		)
		frappe.set_user(fx.ASSOCIATE)
		found = preview(self.segment.name)
		self.assertEqual(found["lead_count"], 2)
		self.assertEqual({row.name for row in found["lead_rows"]}, {self.asked, self.silent})
		self.assertEqual([row.name for row in preview(consenting.name)["lead_rows"]], [self.asked])
		self.assertEqual(preview(buyers.name)["lead_count"], 0)

	def campaign(self, **fields):
		doc = frappe.get_doc(
			{
				"doctype": "Client Campaign",
				"campaign_name": f"JC Polki Preview {frappe.generate_hash(length=6)}",
				"send_on": add_days(nowdate(), 1),
				"segment": self.segment.name,
				**fields,
			}
		).insert()
		return doc

	def todos(self, doc) -> dict[str, frappe._dict]:
		return {
			row.reference_name: row
			for row in frappe.get_all(
				"ToDo",
				filters={"reference_type": "Lead", "description": lead_audience.todo_text(doc)},
				fields=["reference_name", "allocated_to", "date", "status"],
			)
		}

	def test_a_campaign_with_leads_gives_each_consenting_lead_to_its_owner_once(self):
		doc = self.campaign(include_leads=1)
		self.assertEqual(lead_audience.plan_campaign(doc), {"leads_planned": 1, "leads_skipped": 1})
		todos = self.todos(doc)
		self.assertEqual(set(todos), {self.asked})  # no consent recorded, won, or another category: none
		self.assertEqual(todos[self.asked].allocated_to, fx.ASSOCIATE)
		self.assertEqual(getdate(todos[self.asked].date), getdate(doc.send_on))
		# the lead had no next step: the campaign is it, so the Today queue shows it on the day
		self.assertEqual(
			frappe.db.get_value("Lead", self.asked, ["jc_next_action", "jc_next_action_on"]),
			(lead_audience.todo_text(doc), getdate(doc.send_on)),
		)
		self.assertEqual(lead_audience.plan_campaign(doc)["leads_planned"], 0)  # once
		self.assertEqual(len(self.todos(doc)), 1)
		self.assertEqual(lead_audience.withdraw(doc), 1)
		self.assertEqual(self.todos(doc)[self.asked].status, "Cancelled")

	def test_a_campaign_without_leads_or_filtering_on_customers_gives_none(self):
		self.assertEqual(lead_audience.campaign_leads(self.campaign()), [])
		group = frappe.db.get_value("Customer Group", {"is_group": 0})
		self.assertEqual(
			lead_audience.campaign_leads(self.campaign(include_leads=1, customer_group=group)), []
		)

	def test_the_campaign_job_plans_the_leads_when_its_customers_are_done(self):
		doc = self.campaign(include_leads=1)
		doc.db_set("status", "Running")
		self.addCleanup(self.forget, doc)
		campaigns.run(doc.name)  # a background job: it commits
		self.assertEqual(
			frappe.db.get_value("Client Campaign", doc.name, ["status", "leads_planned"]), ("Completed", 1)
		)
		self.assertEqual(set(self.todos(doc)), {self.asked})

	def forget(self, doc) -> None:
		frappe.db.delete("ToDo", {"reference_type": "Lead", "description": lead_audience.todo_text(doc)})
		frappe.delete_doc("Client Campaign", doc.name, force=True, ignore_permissions=True)
		for lead in (self.asked, self.silent, self.other):
			frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the campaign job committed them
