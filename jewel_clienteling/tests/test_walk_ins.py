"""Walk-ins and referrals on a real site: she is found by her mobile however it is typed, or made a
customer with who referred her; her consent is recorded; the associate who served her gets one
follow-up on the right day; bad input saves nothing; the counter sees her wishlist; and the
Referrals report counts what referred customers bought."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime, nowdate

from jewel_clienteling.api.walk_ins import record_walk_in
from jewel_clienteling.services import walk_ins
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import MOBILE

RING = "JC-RING-GLD-22K-PLK"
NECKLACE = "JC-NECK-GLD-22K-PLK"


def customer(consent: bool = True, mobile_no: str | None = MOBILE, **fields) -> str:
	"""A customer (by default with WhatsApp consent given in store) whose associate is fx.ASSOCIATE."""
	fields.setdefault("jc_preferred_associate", fx.ASSOCIATE)
	return fx.make_customer(mobile_no=mobile_no, jc_whatsapp_opt_in=1 if consent else 0, **fields)


def unique_mobile() -> str:
	"""A valid Indian mobile nobody on the site has: 9 then nine random digits."""
	while True:
		digits = "9" + str(int(frappe.generate_hash(length=10), 16))[-9:].rjust(9, "1")
		if not frappe.db.exists("Customer", {"mobile_no": ("like", f"%{digits[-8:]}")}):
			return digits


def visits(customer_name: str) -> list[str]:
	return frappe.get_all("Walk-in Visit", filters={"customer": customer_name}, pluck="name")


def follow_ups(customer_name: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Client Outreach",
		filters={"customer": customer_name, "reason": "Walk-in follow-up"},
		fields=[
			"name",
			"status",
			"due_date",
			"assigned_to",
			"skip_reason",
			"message",
			"reference_name",
			"step",
		],
	)


class TestWalkIn(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# the default template, as install and migrate add it, for the drafted message
		for template in defaults.TEMPLATES:
			if template["reason"] == "Walk-in follow-up" and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)

	def setUp(self):
		frappe.set_user(fx.ASSOCIATE)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_known_mobile_typed_another_way_finds_her(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=False, mobile_no=f"+91 {mobile[:5]} {mobile[5:]}")
		frappe.set_user(fx.ASSOCIATE)
		for typed in (mobile, f"0{mobile[:5]}-{mobile[5:]}", f"+91{mobile}"):
			with self.subTest(typed=typed):
				result = record_walk_in(
					visitor_name="Someone Else", mobile=typed, reason_not_bought="Comparing"
				)
				self.assertEqual(result["customer"], her)
				self.assertFalse(result["new_customer"])
		self.assertEqual(len(visits(her)), 3)

	def test_she_is_found_by_a_phone_on_her_contact(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=False, mobile_no=None)
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Contact of",
				"phone_nos": [{"phone": f"+91-{mobile[:5]}-{mobile[5:]}", "is_primary_mobile_no": 1}],
				"links": [{"link_doctype": "Customer", "link_name": her}],
			}
		).insert(ignore_permissions=True)
		self.assertTrue(contact.name)
		frappe.set_user(fx.ASSOCIATE)
		self.assertEqual(record_walk_in(visitor_name="Her", mobile=mobile)["customer"], her)

	def test_an_unknown_mobile_makes_a_customer_referred_by_her_friend(self):
		frappe.set_user("Administrator")
		friend = customer()
		frappe.set_user(fx.ASSOCIATE)
		mobile = unique_mobile()
		result = record_walk_in(
			visitor_name="  Meera   Iyer ",
			mobile=mobile,
			referred_by=friend,
			budget=80000,
			reason_not_bought="Price",
			whatsapp_consent=True,
		)
		self.assertTrue(result["new_customer"])
		made = frappe.db.get_value(
			"Customer",
			result["customer"],
			[
				"customer_name",
				"mobile_no",
				"jc_referred_by",
				"jc_preferred_associate",
				"customer_group",
				"territory",
			],
			as_dict=True,
		)
		self.assertEqual(made.customer_name, "Meera Iyer")
		self.assertEqual(made.mobile_no, f"+91{mobile}")
		self.assertEqual(made.jc_referred_by, friend)
		self.assertEqual(made.jc_preferred_associate, fx.ASSOCIATE)
		self.assertTrue(made.customer_group and made.territory)

	def test_referred_by_is_not_written_on_a_customer_we_already_knew(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(mobile_no=mobile)
		friend = customer()
		frappe.set_user(fx.ASSOCIATE)
		record_walk_in(visitor_name="Her", mobile=mobile, referred_by=friend)
		self.assertFalse(frappe.db.get_value("Customer", her, "jc_referred_by"))

	def test_consent_given_now_is_recorded_once_with_an_audit_row(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=False, mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		first = record_walk_in(visitor_name="Her", mobile=mobile, whatsapp_consent=True)
		second = record_walk_in(visitor_name="Her", mobile=mobile, whatsapp_consent=True)
		self.assertTrue(first["consent_recorded"])
		self.assertFalse(second["consent_recorded"])
		consent = frappe.db.get_value(
			"Customer",
			her,
			["jc_whatsapp_opt_in", "jc_whatsapp_opt_in_on", "jc_whatsapp_opt_in_via"],
			as_dict=True,
		)
		self.assertEqual((consent.jc_whatsapp_opt_in, consent.jc_whatsapp_opt_in_via), (1, "In store"))
		self.assertTrue(consent.jc_whatsapp_opt_in_on)
		audit = frappe.get_all(
			"Consent Change", filters={"customer": her}, fields=["channel", "opted_in", "evidence"]
		)
		self.assertEqual(
			[(row.channel, row.opted_in, row.evidence) for row in audit], [("WhatsApp", 1, first["visit"])]
		)

	def test_an_unticked_box_withdraws_nothing(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=True, mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		record_walk_in(visitor_name="Her", mobile=mobile, whatsapp_consent=False)
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_whatsapp_opt_in"), 1)

	def test_the_associate_who_served_her_gets_one_follow_up_on_the_day_her_reason_says(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		# her own associate is someone else: the follow-up still goes to who met her today
		her = customer(consent=True, mobile_no=mobile, jc_preferred_associate=fx.SECOND_ASSOCIATE)
		frappe.set_user(fx.ASSOCIATE)
		result = record_walk_in(
			visitor_name="Her",
			mobile=mobile,
			reason_not_bought="Price",
			budget=150000,
			wishlist=json.dumps([{"item": NECKLACE}]),
		)
		self.assertTrue(result["outreach_planned"])
		rows = follow_ups(her)
		self.assertEqual(len(rows), 1)
		row = rows[0]
		self.assertEqual(row.name, result["outreach"])
		self.assertEqual(getdate(row.due_date), getdate(add_days(nowdate(), 3)))  # price: three days
		self.assertEqual(row.status, "Planned")
		self.assertEqual(row.assigned_to, fx.ASSOCIATE)
		self.assertEqual(row.step, "Price")
		self.assertIn("1,50,000", row.message)
		self.assertIn(frappe.db.get_value("Item", NECKLACE, "item_name"), row.message)

		frappe.set_user("Administrator")
		visit = frappe.get_doc("Walk-in Visit", result["visit"])
		again = walk_ins.record(visit)
		self.assertEqual(again["outreach"], result["outreach"])
		self.assertEqual(len(follow_ups(her)), 1)
		self.assertEqual(getdate(visit.follow_up_on), getdate(row.due_date))

	def test_a_later_visit_replaces_the_waiting_follow_up_of_an_earlier_one(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=True, mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		first = record_walk_in(visitor_name="Her", mobile=mobile, reason_not_bought="Just browsing")
		second = record_walk_in(visitor_name="Her", mobile=mobile, reason_not_bought="Comparing")
		status = {row.reference_name: row.status for row in follow_ups(her)}
		self.assertEqual(status, {first["visit"]: "Skipped", second["visit"]: "Planned"})

	def test_without_consent_no_follow_up_is_planned_and_the_counter_is_told_why(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=False, mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		result = record_walk_in(visitor_name="Her", mobile=mobile, reason_not_bought="Price")
		self.assertFalse(result["outreach_planned"])
		rows = follow_ups(her)
		self.assertEqual([row.status for row in rows], ["Skipped"])
		self.assertFalse(rows[0].message)
		self.assertIn(rows[0].skip_reason, result["follow_up_status"])

	def test_an_occasion_brings_the_follow_up_forward(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(consent=True, mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		record_walk_in(
			visitor_name="Her",
			mobile=mobile,
			reason_not_bought="Just browsing",
			occasion="Anniversary gift",
			occasion_date=add_days(nowdate(), 12),
		)
		self.assertEqual(getdate(follow_ups(her)[0].due_date), getdate(add_days(nowdate(), 5)))

	def test_a_catalogue_piece_and_its_size_become_her_stated_preferences_once(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		wishlist = [{"item": RING, "size": "12"}, {"description": "jhumkas like her sister's"}]
		record_walk_in(visitor_name="Her", mobile=mobile, wishlist=wishlist)
		record_walk_in(visitor_name="Her", mobile=mobile, wishlist=wishlist)
		found = frappe.get_all(
			"Preference", filters={"customer": her}, fields=["dimension", "value", "source"]
		)
		self.assertEqual(
			sorted((row.dimension, row.value, row.source) for row in found),
			[
				("Category", "Rings", "Stated"),
				("Metal", "Gold", "Stated"),
				("Purity", "22K", "Stated"),
				("Ring Size", "12", "Stated"),
				("Stone", "Polki", "Stated"),
			],
		)

	def test_bad_input_is_refused_in_words_and_nothing_is_saved(self):
		mobile = unique_mobile()
		cases = {
			"no phone": {"visitor_name": "Asha", "mobile": ""},
			"invalid phone": {"visitor_name": "Asha", "mobile": "12345"},
			"negative budget": {"visitor_name": "Asha", "mobile": mobile, "budget": -5000},
			"empty wishlist row": {"visitor_name": "Asha", "mobile": mobile, "wishlist": [{"size": "12"}]},
			"wishlist not a list": {"visitor_name": "Asha", "mobile": mobile, "wishlist": "ring"},
			"follow-up before visit": {
				"visitor_name": "Asha",
				"mobile": mobile,
				"follow_up_on": add_days(nowdate(), -1),
			},
		}
		customers_before = frappe.db.count("Customer")
		visits_before = frappe.db.count("Walk-in Visit")
		for case, arguments in cases.items():
			with self.subTest(case=case):
				frappe.local.message_log = []
				with self.assertRaises(frappe.ValidationError):
					record_walk_in(**arguments)
				self.assertTrue(frappe.local.message_log, "the associate is told what is wrong")
		self.assertEqual(frappe.db.count("Customer"), customers_before)
		self.assertEqual(frappe.db.count("Walk-in Visit"), visits_before)

	def test_a_customer_cannot_refer_herself(self):
		frappe.set_user("Administrator")
		her = customer()
		doc = frappe.get_doc("Customer", her)
		doc.jc_referred_by = her
		self.assertRaises(frappe.ValidationError, doc.save)

	def test_a_visit_entered_in_the_desk_does_the_same(self):
		mobile = unique_mobile()
		visit = frappe.get_doc(
			{
				"doctype": "Walk-in Visit",
				"visitor_name": "Desk Entry",
				"mobile": f"+91 {mobile}",
				"reason_not_bought": "Size not available",
				"whatsapp_consent": 1,
				"wishlist": [{"item": RING, "size": "14"}, {}],
			}
		).insert()
		self.assertTrue(visit.customer and visit.new_customer)
		self.assertEqual(visit.associate, fx.ASSOCIATE)
		self.assertEqual(len(visit.wishlist), 1)
		self.assertEqual(visit.wishlist[0].item_name, frappe.db.get_value("Item", RING, "item_name"))
		self.assertEqual(frappe.db.get_value("Customer", visit.customer, "jc_whatsapp_opt_in"), 1)
		rows = follow_ups(visit.customer)
		self.assertEqual(
			[(row.status, getdate(row.due_date)) for row in rows],
			[("Planned", getdate(add_days(nowdate(), 7)))],
		)

	def test_the_counter_sees_her_recent_wishlist_newest_first(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = customer(mobile_no=mobile)
		old = frappe.get_doc(
			{
				"doctype": "Walk-in Visit",
				"customer": her,
				"mobile": mobile,
				"visited_on": add_days(now_datetime(), -200),
				"follow_up_on": add_days(nowdate(), -199),
				"wishlist": [{"description": "long forgotten bangle"}],
			}
		).insert()
		frappe.set_user(fx.ASSOCIATE)
		earlier = record_walk_in(
			visitor_name="Her", mobile=mobile, wishlist=[{"description": "pearl studs"}], budget=20000
		)
		latest = record_walk_in(
			visitor_name="Her",
			mobile=mobile,
			wishlist=[{"item": RING, "size": "12", "notes": "loved the polki"}],
			budget=60000,
			occasion="Anniversary gift",
			occasion_date=add_days(nowdate(), 30),
			reason_not_bought="Price",
		)
		shown = walk_ins.for_snapshot(her)
		self.assertEqual([row["visit"] for row in shown], [latest["visit"], earlier["visit"]])
		self.assertNotIn(old.name, [row["visit"] for row in shown])
		newest = shown[0]
		self.assertEqual(newest["budget"], 60000)
		self.assertEqual(newest["occasion"], "Anniversary gift")
		self.assertEqual(newest["occasion_date"], str(getdate(add_days(nowdate(), 30))))
		self.assertEqual(newest["reason_not_bought"], "Price")
		self.assertEqual(newest["associate"], fx.ASSOCIATE)
		self.assertEqual(
			newest["items"],
			[
				{
					"item": RING,
					"item_name": frappe.db.get_value("Item", RING, "item_name"),
					"description": None,
					"size": "12",
					"notes": "loved the polki",
				}
			],
		)
		self.assertEqual(shown[1]["items"][0]["description"], "pearl studs")
