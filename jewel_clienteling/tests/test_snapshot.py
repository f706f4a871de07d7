"""The counter's snapshot API: content, permission refusal, and a bounded number of queries."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.api.customer import add_note, get_snapshot, make_occasion_from_note
from jewel_clienteling.api.walk_ins import record_walk_in
from jewel_clienteling.services import sync
from jewel_clienteling.tests import fixtures as fx

RING = "JC-RING-GLD-22K-PLK"


def occasion(customer, occasion_type, when, person=""):
	when = getdate(when)
	return frappe.get_doc(
		{
			"doctype": "Occasion",
			"customer": customer,
			"occasion_type": occasion_type,
			"person_name": person,
			"day": when.day,
			"month": str(when.month),
		}
	).insert()


class TestSnapshot(FrappeTestCase):
	def setUp(self):
		self.customer = fx.make_customer()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_snapshot_shows_what_the_counter_needs(self):
		for rate in (10000, 20000, 30000, 40000, 50000, 60000):
			fx.make_pos_invoice(self.customer, [(RING, rate, 1, "12")])
		sync.run_refresh(self.customer)
		occasion(self.customer, "Birthday", add_days(nowdate(), 12))
		occasion(self.customer, "Anniversary", add_days(nowdate(), 200), person="Rahul")
		add_note(self.customer, "Prefers to visit on Saturdays with her mother")

		snap = get_snapshot(self.customer)
		self.assertEqual(snap["profile"]["jc_purchases"], 6)
		self.assertEqual([o.occasion_type for o in snap["occasions"]], ["Birthday"], "only the next 90 days")
		self.assertEqual(len(snap["purchases"]), 5)
		self.assertEqual([p["items"][0].item_code for p in snap["purchases"]], [RING] * 5)
		self.assertEqual(snap["purchases"][0]["items"][0].jc_size, "12")
		self.assertIn(("Stone", "Polki"), {(p.dimension, p.value) for p in snap["preferences"]})
		self.assertEqual(snap["notes"][0].note, "Prefers to visit on Saturdays with her mother")

	def test_the_pieces_she_liked_on_a_visit_show_at_the_counter(self):
		her = frappe.get_doc("Customer", self.customer)  # saved as the desk does, so her number is keyed
		her.mobile_no = "+91 98450 77661"
		her.save(ignore_permissions=True)
		name = frappe.db.get_value("Customer", self.customer, "customer_name")
		record_walk_in(
			visitor_name=name,
			mobile="98450 77661",
			wishlist='[{"description": "Temple necklace", "size": "18 in"}]',
			budget=150000,
			reason_not_bought="Price",
		)
		visits = get_snapshot(self.customer)["wishlist"]
		self.assertEqual(len(visits), 1)
		self.assertEqual((visits[0]["budget"], visits[0]["reason_not_bought"]), (150000, "Price"))
		self.assertEqual(
			[(i["description"], i["size"]) for i in visits[0]["items"]], [("Temple necklace", "18 in")]
		)

	def test_snapshot_is_refused_to_a_user_who_cannot_read_the_customer(self):
		frappe.set_user(fx.STRANGER)
		with self.assertRaises(frappe.PermissionError):
			get_snapshot(self.customer)

	def test_associate_can_read_the_snapshot_and_add_notes(self):
		frappe.set_user(fx.ASSOCIATE)
		self.assertEqual(get_snapshot(self.customer)["profile"]["name"], self.customer)
		name = add_note(
			self.customer,
			"Daughter Anaya got engaged",
			"Life Event",
			"Engagement",
			"2027-02-14",
			"Anaya",
			"Daughter",
		)
		self.assertEqual(frappe.db.get_value("Customer Note", name, "owner"), fx.ASSOCIATE)

	def test_stranger_cannot_add_notes(self):
		frappe.set_user(fx.STRANGER)
		with self.assertRaises(frappe.PermissionError):
			add_note(self.customer, "should not be saved")

	def test_snapshot_uses_at_most_eleven_queries(self):
		# one a section (two for the purchases and their lines), however much she has of each; her old
		# gold is one grouped query (test_snapshot_old_gold.py)
		fx.make_pos_invoice(self.customer, [(RING, 10000)])
		fx.make_sales_invoice(self.customer, [(RING, 20000)])
		occasion(self.customer, "Birthday", add_days(nowdate(), 3))
		add_note(self.customer, "Likes temple jewellery")
		get_snapshot(self.customer)  # warm the metadata caches, as on a running counter
		with self.assertQueryCount(11):
			get_snapshot(self.customer)

	def test_dated_life_event_becomes_an_occasion_once(self):
		note = add_note(
			self.customer,
			"Her daughter Anaya is getting married",
			"Life Event",
			"Wedding",
			"2027-01-20",
			"Anaya",
			"Daughter",
		)
		first = make_occasion_from_note(note)
		self.assertEqual(make_occasion_from_note(note), first)
		made = frappe.get_doc("Occasion", first)
		self.assertEqual(
			(made.occasion_type, made.person_name, made.relation, made.day, int(made.month), made.year),
			("Wedding", "Anaya", "Daughter", 20, 1, 2027),
		)
		self.assertEqual(frappe.db.get_value("Customer Note", note, "occasion"), first)

	def test_life_event_without_date_cannot_become_an_occasion(self):
		note = add_note(self.customer, "Moving to Pune", "Life Event", "Moved City")
		with self.assertRaises(frappe.ValidationError):
			make_occasion_from_note(note)
