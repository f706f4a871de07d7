"""Custom orders on a real site, the clock frozen: an estimate (Quotation) made to order becomes a Sales
Order with its design, size, metal, sketch and photos; the advance is ERPNext's own Payment Entry;
each stage she hears about is one service message through the queue (the database refuses a
copy); the stage never goes back; the overdue report and her snapshot show what is still open, and
an associate limited to her store sees only her store's orders."""

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.selling.doctype.quotation.quotation import make_sales_order
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.jewel_clienteling.report.overdue_custom_orders import overdue_custom_orders
from jewel_clienteling.services import snapshot
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_appointments import at
from jewel_clienteling.tests.test_permissions import make_users, other_counter
from jewel_clienteling.tests.test_stores import limited_user
from jewel_clienteling.tests.test_walk_ins import customer, unique_mobile

RING = "JC-RING-GLD-22K-PLK"
SKETCH = "/files/jc-ring-sketch.png"
# next year: in the fiscal years the fixtures make, and after today
Y = getdate(nowdate()).year + 1


def updates(order: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Client Outreach",
		filters={"reference_doctype": "Sales Order", "reference_name": order},
		fields=["name", "status", "step", "purpose", "cycle", "assigned_to", "message", "reason"],
		order_by="creation asc, step asc",
	)


def estimate(her: str, promised: str, **fields) -> frappe.model.document.Document:
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"company": fx.company(),
			"quotation_to": "Customer",
			"party_name": her,
			"items": [{"item_code": RING, "qty": 1, "rate": 85000}],
			"jc_custom_order": 1,
			"jc_metal": "Gold",
			"jc_purity": "22K",
			"jc_size": "14",
			"jc_budget": 90000,
			"jc_promised_date": promised,
			"jc_sketch": SKETCH,
			"jc_design_notes": "Polki halo, her grandmother's motif on the shank",
			"jc_photos": [{"photo": "/files/jc-reference.jpg", "caption": "The motif"}],
			**fields,
		}
	)
	doc.insert()
	doc.submit()
	return doc


def order_from(quotation, delivery_date: str, stage: str | None = None):
	doc = make_sales_order(quotation.name)
	doc.delivery_date = delivery_date
	doc.jc_order_stage = stage
	for row in doc.items:
		row.delivery_date = delivery_date
	doc.insert()
	doc.submit()
	return doc


def move(order: str, stage: str):
	doc = frappe.get_doc("Sales Order", order)
	doc.jc_order_stage = stage
	doc.save()
	return doc


class TestCustomOrders(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		cls.east = other_counter()
		for template in defaults.TEMPLATES:
			if template["reason"] == "Custom order update" and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_the_estimate_carries_its_design_to_the_order_and_the_advance_is_erpnexts(self):
		her = customer(mobile_no=unique_mobile(), jc_home_store=fx.POS_PROFILE)
		frappe.set_user(fx.ASSOCIATE)
		with at(f"{Y}-03-01 12:00:00"):
			quotation = estimate(her, f"{Y}-04-10")
			order = order_from(quotation, f"{Y}-04-10")
		self.assertEqual(
			(order.jc_custom_order, order.jc_metal, order.jc_purity, order.jc_size, order.jc_sketch),
			(1, "Gold", "22K", "14", SKETCH),
		)
		self.assertEqual((order.jc_associate, order.jc_store), (fx.ASSOCIATE, fx.POS_PROFILE))
		self.assertEqual(str(order.jc_promised_date), f"{Y}-04-10")
		self.assertEqual(
			[(p.photo, p.caption) for p in order.jc_photos], [("/files/jc-reference.jpg", "The motif")]
		)
		frappe.set_user("Administrator")
		with at(f"{Y}-03-01 12:30:00"):
			payment = get_payment_entry("Sales Order", order.name, party_amount=25000)
			payment.reference_no, payment.reference_date = "ADV-1", f"{Y}-03-01"
			payment.insert()
			payment.submit()
		self.assertEqual(frappe.db.get_value("Sales Order", order.name, "advance_paid"), 25000)
		[shown] = snapshot.build(her)["orders"]
		self.assertEqual((shown.name, shown.advance_paid, shown.grand_total), (order.name, 25000, 85000))

	def test_each_stage_tells_her_once_as_a_service_message_and_never_goes_back(self):
		her = customer(consent=False, mobile_no=unique_mobile(), jc_do_not_contact=1)
		frappe.set_user(fx.ASSOCIATE)
		with at(f"{Y}-03-01 12:00:00"):
			order = order_from(estimate(her, f"{Y}-04-10"), f"{Y}-04-10", stage="Design approved")
			[approved] = updates(order.name)
			self.assertEqual(
				(approved.step, approved.purpose, approved.status, approved.assigned_to),
				("Design approved", "Utility", "Due", fx.ASSOCIATE),
			)
			self.assertIn("design of your", approved.message)
			self.assertIn(f"ready by {Y}-04-10", approved.message)
			move(order.name, "Design approved")  # saved again: nothing new
			frappe.db.set_value("Client Outreach", approved.name, "status", "Sent")
			move(order.name, "In making")
		with at(f"{Y}-03-20 12:00:00"):
			doc = move(order.name, "Ready")
			doc.jc_design_notes = "Polki halo; shank engraved"
			doc.save()
		rows = updates(order.name)
		self.assertEqual([row.step for row in rows], ["Design approved", "In making", "Ready"])
		# in making was not sent before she was ready: withdrawn, she hears only the news; what was
		# sent stays as it was
		self.assertEqual([row.status for row in rows], ["Sent", "Skipped", "Due"])
		self.assertIn("is ready!", rows[2].message)
		with self.assertRaises(frappe.ValidationError):
			move(order.name, "In making")
		copy = frappe.get_doc("Client Outreach", rows[2].name).as_dict()
		copy.update({"name": None, "__islocal": 1})
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc(copy).db_insert()

	def test_a_cancelled_order_tells_her_nothing_more(self):
		her = customer(mobile_no=unique_mobile())
		with at(f"{Y}-03-01 12:00:00"):
			order = order_from(estimate(her, f"{Y}-04-10"), f"{Y}-04-10", stage="Design approved")
			order.reload()
			order.cancel()
		self.assertEqual([row.status for row in updates(order.name)], ["Skipped"])

	def test_the_overdue_report_shows_late_undelivered_orders_of_her_store_only(self):
		north_associate = limited_user(fx.POS_PROFILE, "Sales User")
		ours = customer(mobile_no=unique_mobile(), jc_home_store=fx.POS_PROFILE)
		theirs = customer(mobile_no=unique_mobile(), jc_home_store=self.east)
		with at(f"{Y}-03-01 12:00:00"):
			late = order_from(estimate(ours, f"{Y}-04-10"), f"{Y}-04-10", stage="In making")
			delivered = order_from(estimate(ours, f"{Y}-04-05"), f"{Y}-04-05", stage="Ready")
			on_time = order_from(estimate(ours, f"{Y}-05-30"), f"{Y}-05-30")
			east_late = order_from(estimate(theirs, f"{Y}-04-01"), f"{Y}-04-01")
		move(delivered.name, "Delivered")
		with at(f"{Y}-04-15 12:00:00"):
			_columns, rows = overdue_custom_orders.execute({})
			names = [row.name for row in rows]
			self.assertIn(late.name, names)
			self.assertIn(east_late.name, names)
			self.assertNotIn(delivered.name, names)
			self.assertNotIn(on_time.name, names)
			mine = next(row for row in rows if row.name == late.name)
			self.assertEqual((mine.days_overdue, mine.jc_order_stage, mine.balance), (5, "In making", 85000))
			frappe.set_user(north_associate)
			_columns, rows = overdue_custom_orders.execute({})
			self.assertEqual(
				[row.name for row in rows if row.name in (late.name, east_late.name)], [late.name]
			)
			frappe.set_user("Administrator")
			_columns, rows = overdue_custom_orders.execute({"store": self.east})
			self.assertEqual({row.jc_store for row in rows}, {self.east})
		self.assertEqual(getdate(late.jc_promised_date), getdate(f"{Y}-04-10"))
		self.assertEqual([row.name for row in snapshot.build(ours)["orders"]], [late.name, on_time.name])
