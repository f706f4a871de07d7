"""The demo loader on a real site that already holds other data: a small store (six customers, four
months) is loaded, its profiles and queue come from its own invoices, a second load adds nothing,
and removing it takes out exactly its records."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max, Sum
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling import demo
from jewel_clienteling.domain import dashboard as figures
from jewel_clienteling.services import dashboard
from jewel_clienteling.tests import fixtures as fx

PREFIX = "JCDT"
SIZE = {"customers": 6, "seed": 11, "months": 4, "prefix": PREFIX, "echo": None}
LINKED = ("Sales Invoice", "Occasion", "Preference", "Customer Note", "Client Outreach", "Repair Ticket")


def demo_customers() -> list[str]:
	return frappe.get_all("Customer", filters={"name": ("like", f"{PREFIX}-CUST-%")}, pluck="name")


def counts() -> dict[str, int]:
	customers = demo_customers() or [""]
	found = {doctype: frappe.db.count(doctype, {"customer": ("in", customers)}) for doctype in LINKED}
	found["Customer"] = len(demo_customers())
	found["Item"] = frappe.db.count("Item", {"name": ("like", f"{PREFIX}-%")})
	found["Loyalty Ledger"] = frappe.db.count("Loyalty Ledger", {"customer": ("in", customers)})
	return found


class TestDemo(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.remove(prefix=PREFIX, echo=None)  # what an interrupted run may have left
		cls.loaded = demo.load(**SIZE)

	@classmethod
	def tearDownClass(cls):
		demo.remove(prefix=PREFIX, echo=None)
		super().tearDownClass()

	def test_a_profiles_are_learnt_from_the_demo_invoices(self):
		invoice = DocType("Sales Invoice")
		sales = {
			customer: (total, last)
			for customer, total, last in frappe.qb.from_(invoice)
			.select(invoice.customer, Sum(invoice.base_grand_total), Max(invoice.posting_date))
			.where(invoice.customer.isin(demo_customers()) & (invoice.docstatus == 1))
			.groupby(invoice.customer)
			.run()
		}
		self.assertGreaterEqual(len(sales), 3, "most demo customers have bought something")
		self.assertEqual(self.loaded["customers"], 6)
		for customer, (total, last) in sales.items():
			profile = frappe.db.get_value(
				"Customer",
				customer,
				[
					"jc_visits",
					"jc_lifetime_value",
					"jc_last_purchase_date",
					"jc_lifecycle_stage",
					"jc_home_store",
				],
				as_dict=True,
			)
			self.assertGreaterEqual(profile.jc_visits, 1)
			self.assertAlmostEqual(profile.jc_lifetime_value, total, places=2)
			self.assertEqual(getdate(profile.jc_last_purchase_date), getdate(last))
			self.assertTrue(profile.jc_lifecycle_stage)
			self.assertTrue(profile.jc_home_store.startswith(PREFIX))
		oldest = min(frappe.get_all("Sales Invoice", {"customer": ("in", list(sales))}, pluck="posting_date"))
		self.assertLess(getdate(oldest), add_days(getdate(nowdate()), -30), "sales go back months")
		inferred = frappe.get_all(
			"Preference", {"customer": ("in", list(sales)), "source": "Inferred"}, pluck="dimension"
		)
		self.assertTrue({"Metal", "Purity", "Stone", "Category"} <= set(inferred))

	def test_b_occasions_come_up_and_todays_queue_is_filled(self):
		today = getdate(nowdate())
		upcoming = frappe.get_all(
			"Occasion",
			filters={
				"customer": ("in", demo_customers()),
				"next_occurrence": ("between", [today, add_days(today, 30)]),
			},
			pluck="name",
		)
		self.assertGreaterEqual(len(upcoming), 2)
		due = frappe.get_all(
			"Client Outreach",
			filters={"customer": ("in", demo_customers()), "status": "Due"},
			pluck="reason",
		)
		self.assertTrue(due, "the planner put demo customers in today's queue")

	def test_c_repairs_are_at_every_stage_of_the_desk(self):
		statuses = set(
			frappe.get_all(
				"Repair Ticket", {"customer": ("in", demo_customers()), "docstatus": 1}, pluck="status"
			)
		)
		self.assertTrue({"Received", "At Workshop", "Ready", "Delivered"} <= statuses, statuses)

	def test_c_past_messages_fill_the_funnel_and_credit_the_sales_they_brought(self):
		today = getdate(nowdate())
		sent = frappe.get_all(
			"Client Outreach",
			filters={"customer": ("in", demo_customers()), "sent_on": ("is", "set")},
			fields=["name", "customer", "due_date", "sent_on", "attributed_sale", "attributed_amount"],
		)
		self.assertEqual(len(sent), self.loaded["messages"])
		window = frappe.db.get_single_value("Clienteling Settings", "attribution_days") or 30
		invoices = frappe.get_all(
			"Sales Invoice",
			filters={"customer": ("in", demo_customers()), "docstatus": 1},
			fields=["name", "customer", "posting_date", "grand_total"],
		)
		credited = {row.attributed_sale for row in sent if row.attributed_sale}
		for row in sent:
			self.assertLess(getdate(row.sent_on), today)
			followed = [
				invoice
				for invoice in invoices
				if invoice.customer == row.customer
				and 0 <= (invoice.posting_date - getdate(row.sent_on)).days <= window
			]
			if row.attributed_sale:
				self.assertIn(row.attributed_sale, {invoice.name for invoice in followed})
			else:  # a sale that followed it was credited to a later message instead
				self.assertTrue({invoice.name for invoice in followed} <= credited, row.name)
		stages = dashboard.outreach_funnel()["datasets"]
		sent_by_month = stages[figures.FUNNEL.index("Sent")]["values"]
		month_starts = figures.months(today, len(sent_by_month))
		for month, count in zip(month_starts, sent_by_month, strict=True):
			ours = sum(1 for row in sent if getdate(row.due_date).replace(day=1) == month)
			self.assertGreaterEqual(count, ours, f"the funnel counts the demo's messages of {month}")

	def test_d_loading_twice_adds_nothing(self):
		before = counts()
		again = demo.load(**SIZE)
		self.assertEqual(counts(), before)
		self.assertEqual(
			(
				again["customers"],
				again["invoices"],
				again["repairs"],
				again["occasions"],
				again["items"],
				again["messages"],
			),
			(0, 0, 0, 0, 0, 0),
		)

	def test_e_remove_takes_out_exactly_the_demo(self):
		outsider = fx.make_customer()
		note = frappe.get_doc(
			{"doctype": "Customer Note", "customer": outsider, "note": "Not a demo"}
		).insert()
		others_invoices = frappe.db.count("Sales Invoice", {"customer": ("not like", f"{PREFIX}-%")})
		try:
			result = demo.remove(prefix=PREFIX, echo=None)
			self.assertFalse(result["kept"])
			self.assertEqual(set(counts().values()), {0})
			self.assertFalse(frappe.db.exists("POS Profile", {"name": ("like", f"{PREFIX} %")}))
			self.assertFalse(frappe.db.exists("User", {"name": ("like", f"{PREFIX.lower()}.%")}))
			self.assertTrue(frappe.db.exists("Customer Note", note.name))
			self.assertEqual(
				frappe.db.count("Sales Invoice", {"customer": ("not like", f"{PREFIX}-%")}), others_invoices
			)
		finally:
			frappe.delete_doc("Customer Note", note.name, force=True)
			frappe.delete_doc("Customer", outsider, force=True)
			frappe.db.commit()  # nosemgrep: remove() committed the outsider; take it out again
