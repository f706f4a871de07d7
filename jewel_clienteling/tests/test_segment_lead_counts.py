"""A segment's saved figures say what its preview says, on a real site with two stores: saved, it
holds its customers and its open leads (a lead of either store and one of no store yet; a lead who
bought is counted once, as the customer she became), each equal to the preview's count; a user limited
to the JC Counter (an associate, or a store manager) reads the JC Counter's saved figures, equal to
what her preview counts, and never the every-store figures; saving again counts anew; and the patch
fills the figures of a segment saved before the leads were counted."""

import json

import frappe
from frappe import client as frappe_client
from frappe.tests.utils import FrappeTestCase

from jewel_clienteling.api import segments as segments_api
from jewel_clienteling.patches.v1 import segment_leads_counts
from jewel_clienteling.services import segment_counts
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_lead_audience import item_group
from jewel_clienteling.tests.test_leads import make_lead
from jewel_clienteling.tests.test_permissions import MANAGER, make_users, other_counter
from jewel_clienteling.tests.test_segments import make_segment, rule
from jewel_clienteling.tests.test_stores import NORTH, limited_user


class TestSegmentLeadCounts(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		cls.east = other_counter()
		cls.north_associate = limited_user(NORTH, "Sales User", "Accounts User")
		cls.north_manager = limited_user(NORTH, "Sales Manager")

	def setUp(self):
		frappe.set_user("Administrator")
		self.polki = item_group(f"JC Polki {frappe.generate_hash(length=6)}")
		self.customers = {
			"north": self.customer(jc_home_store=NORTH),
			"east": self.customer(jc_home_store=self.east),
			"shared": self.customer(),  # no home store yet: every store's
		}
		self.customer(disabled=1)  # never in a segment
		self.leads = {
			"north": make_lead(jc_category=self.polki, jc_store=NORTH, jc_whatsapp_opt_in=1),
			"east": make_lead(jc_category=self.polki, jc_store=self.east),
			"nowhere": make_lead(jc_category=self.polki),
		}
		make_lead(jc_category=item_group(f"JC Temple {frappe.generate_hash(length=6)}"), jc_store=NORTH)
		# she asked as a lead and bought at the JC Counter: her lead is won, she is a customer
		self.won = make_lead(jc_category=self.polki, jc_store=NORTH)
		self.customers["won"] = self.customer(lead_name=self.won, jc_home_store=NORTH)
		self.segment = make_segment(rule("Preference", "is", self.polki, "Category"))

	def tearDown(self):
		frappe.set_user("Administrator")

	def customer(self, **fields) -> str:
		name = fx.make_customer(**fields)
		frappe.get_doc(
			{"doctype": "Preference", "customer": name, "dimension": "Category", "value": self.polki}
		).insert(ignore_permissions=True)
		return name

	def previewed(self, user: str) -> tuple[int, int]:
		frappe.set_user(user)
		try:
			found = segments_api.preview(self.segment.name)
			return found["count"], found["lead_count"]
		finally:
			frappe.set_user("Administrator")

	def saved(self, user: str) -> dict:
		frappe.set_user(user)
		try:
			return segments_api.saved_counts(json.dumps([self.segment.name]))[self.segment.name]
		finally:
			frappe.set_user("Administrator")

	def stored(self) -> tuple[int, int]:
		return tuple(
			frappe.db.get_value("Client Segment", self.segment.name, ["customer_count", "leads_count"])
		)

	def test_the_saved_figures_are_the_previews(self):
		self.assertEqual(frappe.db.get_value("Lead", self.won, "jc_stage"), "Won")
		self.assertEqual(self.stored(), (4, 3))  # the won lead once, as a customer; no disabled one
		self.assertEqual(self.stored(), self.previewed(MANAGER))
		saved = self.saved(MANAGER)
		self.assertEqual((saved["customers"], saved["leads"]), self.stored())
		self.assertEqual(saved["text"], "4 customers · 3 leads")

		# a rule about purchases asks what a lead has not got: no leads, saved or previewed
		buyers = make_segment(
			rule("Preference", "is", self.polki, "Category"), rule("Purchases", "at most", "0")
		)
		self.assertEqual(
			frappe.db.get_value("Client Segment", buyers.name, ["customer_count", "leads_count"]), (4, 0)
		)

	def test_a_user_limited_to_a_store_reads_her_stores_saved_figures(self):
		# the JC Counter's customers (and the won lead's) and those of no store; its lead and the storeless
		for user in (self.north_associate, self.north_manager):
			with self.subTest(user=user):
				self.assertEqual(self.previewed(user), (3, 2))
				saved = self.saved(user)
				self.assertEqual((saved["customers"], saved["leads"]), self.previewed(user))
				self.assertEqual(saved["text"], "3 customers · 2 leads")
				# the every-store figures saved on the segment are the managers' to read
				frappe.set_user(user)
				shown = frappe_client.get("Client Segment", self.segment.name)
				frappe.set_user("Administrator")
				for field in ("customer_count", "leads_count", "counts_by_store"):
					self.assertIn(shown.get(field), (None, 0), field)

	def test_saving_counts_anew(self):
		make_lead(jc_category=self.polki, jc_store=self.east)
		self.customer(jc_home_store=NORTH)
		self.assertEqual(self.stored(), (4, 3))  # as saved, until saved again
		self.segment.reload()
		self.segment.save()
		self.assertEqual(self.stored(), (5, 4))
		self.assertEqual(self.stored(), self.previewed(MANAGER))
		self.assertEqual(self.previewed(self.north_associate), (4, 2))
		saved = self.saved(self.north_associate)
		self.assertEqual((saved["customers"], saved["leads"]), (4, 2))

	def test_the_patch_fills_a_segment_saved_before_leads_were_counted(self):
		frappe.db.set_value(
			"Client Segment",
			self.segment.name,
			{"customer_count": 4, "leads_count": 0, "counts_by_store": None},  # as migrate leaves it
			update_modified=False,
		)
		self.assertEqual(self.saved(self.north_associate)["customers"], 0)  # nothing per store yet
		segment_leads_counts.execute()
		self.assertEqual(self.stored(), (4, 3))
		self.assertEqual(self.stored(), self.previewed(MANAGER))
		saved = self.saved(self.north_associate)
		self.assertEqual((saved["customers"], saved["leads"]), self.previewed(self.north_associate))

	def test_the_figures_read_in_the_users_words(self):
		self.assertEqual(segment_counts.text(1240, 85), "1,240 customers · 85 leads")
		self.assertEqual(segment_counts.text(1, 1), "1 customer · 1 lead")
		self.assertEqual(segment_counts.text(7, None), "7 customers")  # she may not read leads
