"""Leads everywhere else the app looks for people, on a real site with two stores: store limits (an
associate of one store neither lists, opens, finds by mobile nor is given another store's lead, while
ERPNext's Sales User without a store sees every lead as before), the lookup by mobile, the privacy
export and erasure, and the Today queue, where a lead untouched past its next step shows as overdue
the next day."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.api import leads as leads_api
from jewel_clienteling.api import privacy as privacy_api
from jewel_clienteling.services import leads, privacy
from jewel_clienteling.services.customer_lookup import find_lead
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_leads import make_lead, message_from
from jewel_clienteling.tests.test_permissions import MANAGER, make_users, other_counter
from jewel_clienteling.tests.test_stores import limited_user
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import live_through

NORTH = fx.POS_PROFILE


class TestLeadsInStores(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		cls.east = other_counter()

	def setUp(self):
		self.north_associate = limited_user(NORTH, "Sales User")
		self.east_associate = limited_user(self.east, "Sales User")
		self.mobile = unique_mobile()
		self.theirs = make_lead(
			self.mobile,
			jc_store=self.east,
			lead_owner=self.east_associate,
			jc_next_action="Call about the polki set",
			jc_next_action_on=nowdate(),
		)
		self.ours = make_lead(
			jc_store=NORTH,
			lead_owner=self.north_associate,
			jc_next_action="Send the estimate",
			jc_next_action_on=nowdate(),
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def listed(self, user: str) -> set[str]:
		frappe.set_user(user)
		try:
			return set(
				frappe.get_list("Lead", filters={"name": ("in", [self.ours, self.theirs])}, pluck="name")
			)
		finally:
			frappe.set_user("Administrator")

	def test_an_associate_sees_her_stores_leads_only(self):
		self.assertEqual(self.listed(self.north_associate), {self.ours})
		self.assertEqual(self.listed(self.east_associate), {self.theirs})
		frappe.set_user(self.north_associate)
		self.assertFalse(frappe.has_permission("Lead", "read", doc=self.theirs))
		self.assertTrue(frappe.has_permission("Lead", "write", doc=self.ours))
		self.assertRaises(
			frappe.PermissionError, frappe.get_doc("Lead", self.theirs).check_permission, "read"
		)

	def test_erpnexts_sales_user_without_a_store_and_the_manager_see_every_lead(self):
		self.assertEqual(self.listed(fx.ASSOCIATE), {self.ours, self.theirs})
		self.assertEqual(self.listed(MANAGER), {self.ours, self.theirs})

	def test_a_lead_of_another_store_is_not_found_by_her_mobile(self):
		frappe.set_user(self.north_associate)
		self.assertIsNone(find_lead(f"+91 {self.mobile}"))
		answer = leads_api.find_by_mobile(self.mobile)
		self.assertEqual((answer["lead"], answer["lead_name"], answer["customer"]), (None, None, None))
		frappe.set_user(self.east_associate)
		self.assertEqual(leads_api.find_by_mobile(f"0{self.mobile}")["lead"], self.theirs)
		frappe.set_user("Administrator")
		self.assertEqual(find_lead(self.mobile, every_store=True), self.theirs)

	def test_a_walk_in_at_another_store_makes_her_own_lead_there(self):
		from jewel_clienteling.api.walk_ins import record_walk_in

		frappe.set_user(self.north_associate)
		result = record_walk_in(
			visitor_name="Same Number", mobile=self.mobile, keep_as_lead=True, store=NORTH
		)
		self.assertNotEqual(result["lead"], self.theirs)
		self.assertEqual(frappe.db.get_value("Lead", result["lead"], "jc_store"), NORTH)
		self.assertEqual(frappe.db.get_value("Lead", self.theirs, "jc_stage"), "New")  # untouched

	def test_a_walk_in_kept_as_a_lead_and_her_consent_stay_in_her_store(self):
		from jewel_clienteling.api.walk_ins import record_walk_in

		frappe.set_user(self.east_associate)
		visit = record_walk_in(
			visitor_name="East Visitor", mobile=unique_mobile(), whatsapp_consent=True, keep_as_lead=True
		)
		consent = frappe.db.get_value("Consent Change", {"lead": visit["lead"]}, "name")
		self.assertTrue(frappe.has_permission("Walk-in Visit", "read", doc=visit["visit"]))
		for user, sees in ((self.north_associate, False), (self.east_associate, True), (MANAGER, True)):
			frappe.set_user(user)
			for doctype, name in (("Walk-in Visit", visit["visit"]), ("Consent Change", consent)):
				with self.subTest(user=user, doctype=doctype):
					self.assertEqual(bool(frappe.get_list(doctype, filters={"name": name})), sees)
					self.assertEqual(bool(frappe.has_permission(doctype, "read", doc=name)), sees)

	def test_an_associate_cannot_file_a_lead_in_another_store(self):
		frappe.set_user(self.north_associate)
		doc = frappe.get_doc("Lead", self.ours)
		doc.jc_store = self.east
		self.assertRaises(frappe.PermissionError, doc.save)

	def test_today_lists_her_due_leads_in_her_store(self):
		frappe.set_user(self.north_associate)
		self.assertEqual([row.name for row in leads_api.due()], [self.ours])
		frappe.set_user(self.east_associate)
		self.assertEqual([row.name for row in leads_api.due()], [self.theirs])
		frappe.set_user(MANAGER)
		everyone = {row.name for row in leads_api.due()}
		self.assertLessEqual({self.ours, self.theirs}, everyone)
		self.assertEqual([row.name for row in leads_api.due(self.east_associate)], [self.theirs])


class TestLeadPrivacy(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()

	def tearDown(self):
		frappe.set_user("Administrator")

	def lead_with_a_past(self) -> tuple[str, str, str]:
		from jewel_clienteling.api.walk_ins import record_walk_in

		mobile = unique_mobile()
		frappe.set_user(fx.ASSOCIATE)
		visit = record_walk_in(
			visitor_name="Priya Private",
			mobile=mobile,
			wishlist=[{"description": "Kundan earrings"}],
			whatsapp_consent=True,
			keep_as_lead=True,
		)
		frappe.set_user("Administrator")
		message = message_from(f"+91{mobile}", "Please send the earring photos")
		return visit["lead"], visit["visit"], message

	def test_her_export_holds_her_lead_visits_consent_and_messages(self):
		lead, visit, _message = self.lead_with_a_past()
		frappe.set_user(MANAGER)
		data = privacy_api.export_lead(lead, "REQ-1")
		self.assertEqual(data["lead"]["lead_name"], "Priya Private")
		self.assertEqual([row["name"] for row in data["walk_in_visits"]], [visit])
		self.assertEqual(data["walk_in_visits"][0]["wishlist"][0]["description"], "Kundan earrings")
		self.assertEqual([row["opted_in"] for row in data["consent_changes"]], [1])
		self.assertEqual(
			[row["text"] for row in data["whatsapp_messages"]], ["Please send the earring photos"]
		)
		self.assertTrue(frappe.db.exists(privacy.LOG, {"lead": lead, "action": "Export"}))

	def test_erasure_empties_her_lead_and_removes_what_she_told_us(self):
		lead, visit, message = self.lead_with_a_past()
		frappe.set_user(MANAGER)
		self.assertRaises(frappe.ValidationError, privacy_api.erase_lead, lead, "Someone Else")
		summary = privacy_api.erase_lead(lead, "priya private")
		self.assertEqual((summary["walk_in_visits_deleted"], summary["whatsapp_messages_deleted"]), (1, 1))
		frappe.set_user("Administrator")
		row = frappe.db.get_value(
			"Lead",
			lead,
			["lead_name", "first_name", "mobile_no", "jc_mobile_e164", "jc_looking_for", "jc_stage"],
			as_dict=True,
		)
		self.assertEqual(
			row,
			{
				"lead_name": privacy.ERASED,
				"first_name": None,
				"mobile_no": None,
				"jc_mobile_e164": None,
				"jc_looking_for": None,
				"jc_stage": "Visited",
			},
		)
		self.assertFalse(frappe.db.exists("Walk-in Visit", visit))
		self.assertFalse(frappe.db.exists("Clienteling WhatsApp Message", message))
		consent = frappe.get_all(
			"Consent Change",
			filters={"subject": privacy.pseudonym(lead)},
			fields=["lead", "evidence", "opted_in"],
		)
		self.assertEqual(consent, [{"lead": None, "evidence": "", "opted_in": 1}])
		self.assertTrue(frappe.db.exists(privacy.LOG, {"lead": lead, "action": "Erasure"}))

	def test_a_customers_erasure_empties_the_lead_she_was(self):
		lead = make_lead(first_name="Kavya Before")
		her = fx.make_customer(lead_name=lead)
		privacy.erase(her)
		self.assertEqual(
			frappe.db.get_value("Lead", lead, ["lead_name", "mobile_no"]), (privacy.ERASED, None)
		)
		self.assertEqual(privacy.export(her)["leads"][0]["lead_name"], privacy.ERASED)


class TestALeadLeftUntouched(FrappeTestCase):
	def test_a_lead_untouched_past_its_next_step_is_overdue_the_next_day(self):
		start = getdate(nowdate())
		lead = make_lead(
			lead_owner=fx.ASSOCIATE, jc_next_action="Call back about the bangles", jc_next_action_on=start
		)
		frappe.db.commit()  # nosemgrep: live_through commits each day; the lead must be there on day one
		self.addCleanup(self.forget, lead)
		seen = {}

		def on_day(day):
			frappe.set_user(fx.ASSOCIATE)
			try:
				seen[day] = {row.name: row for row in leads_api.due()}.get(lead)
			finally:
				frappe.set_user("Administrator")

		live_through(self, 3, start=start, on_day=on_day)
		first, second, third = (seen[add_days(start, offset)] for offset in range(3))
		self.assertFalse(first.overdue)  # due today: in the queue, not yet late
		self.assertTrue(second.overdue)
		self.assertEqual((second.age_days, third.age_days), (1, 2))
		self.assertTrue(third.overdue)
		self.assertIn(lead, leads.overdue_names(add_days(start, 1)))
		self.assertNotIn(lead, leads.overdue_names(start))

	def forget(self, lead: str) -> None:
		frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the test committed it
