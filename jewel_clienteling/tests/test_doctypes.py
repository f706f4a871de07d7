"""Occasion, Preference and Clienteling Settings refuse bad input with a clear message."""

from datetime import date

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.services.occasions import advance_past_occurrences
from jewel_clienteling.tests import fixtures as fx


def new_occasion(customer, day, month, year=None, occasion_type="Birthday", person=""):
	return frappe.get_doc(
		{
			"doctype": "Occasion",
			"customer": customer,
			"occasion_type": occasion_type,
			"person_name": person,
			"day": day,
			"month": str(month),
			"year": year,
		}
	)


class TestOccasion(FrappeTestCase):
	def setUp(self):
		self.customer = fx.make_customer()

	def test_impossible_dates_are_refused(self):
		for day, month, year in ((31, 2, None), (30, 2, None), (31, 4, None), (29, 2, 2023), (0, 5, None)):
			with self.subTest(day=day, month=month, year=year):
				with self.assertRaises(frappe.ValidationError):
					new_occasion(self.customer, day, month, year).insert()

	def test_leap_day_is_kept_and_celebrated_per_policy(self):
		today = getdate(nowdate())
		leap_birthday = new_occasion(self.customer, 29, 2).insert()
		nxt = getdate(leap_birthday.next_occurrence)
		self.assertGreaterEqual(nxt, today)
		self.assertIn((nxt.month, nxt.day), ((2, 29), (2, 28)))
		with change_settings("Clienteling Settings", feb29_policy="1 March"):
			frappe.clear_document_cache("Clienteling Settings", "Clienteling Settings")
			other = new_occasion(self.customer, 29, 2, person="Tara").insert()
			nxt = getdate(other.next_occurrence)
			self.assertIn((nxt.month, nxt.day), ((2, 29), (3, 1)))

	def test_the_same_occasion_is_not_recorded_twice(self):
		new_occasion(self.customer, 14, 2, person="Rahul", occasion_type="Anniversary").insert()
		with self.assertRaises(frappe.DuplicateEntryError):
			new_occasion(self.customer, 14, 2, person="  rahul ", occasion_type="Anniversary").insert()

	def test_next_occurrence_is_within_a_year(self):
		tomorrow = getdate(add_days(nowdate(), 1))
		yesterday = getdate(add_days(nowdate(), -1))
		soon = new_occasion(self.customer, tomorrow.day, tomorrow.month).insert()
		past = new_occasion(self.customer, yesterday.day, yesterday.month, person="Mother").insert()
		self.assertEqual(getdate(soon.next_occurrence), tomorrow)
		self.assertEqual(getdate(past.next_occurrence).year, yesterday.year + 1)

	def test_daily_job_moves_past_occasions_forward(self):
		occ = new_occasion(self.customer, 5, 3).insert()
		frappe.db.set_value("Occasion", occ.name, "next_occurrence", "2020-03-05")
		moved = advance_past_occurrences()
		self.assertGreaterEqual(moved, 1)
		nxt = getdate(frappe.db.get_value("Occasion", occ.name, "next_occurrence"))
		self.assertEqual((nxt.month, nxt.day), (3, 5))
		self.assertGreaterEqual(nxt, getdate(nowdate()))
		self.assertLess(nxt, date(getdate(nowdate()).year + 2, 1, 1))


class TestPreference(FrappeTestCase):
	def setUp(self):
		self.customer = fx.make_customer()

	def pref(self, dimension, value, qualifier=None):
		return frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": self.customer,
				"dimension": dimension,
				"value": value,
				"qualifier": qualifier,
			}
		)

	def test_two_metals_are_fine_but_not_the_same_twice(self):
		self.pref("Metal", "Gold").insert()
		self.pref("Metal", "Platinum").insert()
		with self.assertRaises(frappe.DuplicateEntryError):
			self.pref("Metal", " gold ").insert()

	def test_one_ring_size_per_finger(self):
		self.pref("Ring Size", "12", "Right ring finger").insert()
		self.pref("Ring Size", "10", "Left little finger").insert()
		with self.assertRaises(frappe.DuplicateEntryError):
			self.pref("Ring Size", "13", "right ring  finger").insert()

	def test_empty_value_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.pref("Style", "   ").insert()


class TestSettings(FrappeTestCase):
	def test_bad_bands_are_refused(self):
		settings = frappe.get_single("Clienteling Settings")
		settings.rfm_recency_days = "90, 30, 180, 365"
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_lapsed_must_come_after_at_risk(self):
		settings = frappe.get_single("Clienteling Settings")
		settings.at_risk_days, settings.lapsed_days = 200, 100
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_unknown_item_field_is_refused(self):
		settings = frappe.get_single("Clienteling Settings")
		settings.append(
			"preference_sources",
			{"dimension": "Style", "source_type": "Item Field", "source_name": "no_such_field"},
		)
		with self.assertRaises(frappe.ValidationError):
			settings.save()


class TestConsent(FrappeTestCase):
	def test_opting_in_records_when_and_how_and_opting_out_forgets(self):
		customer = frappe.get_doc("Customer", fx.make_customer())
		customer.jc_whatsapp_opt_in = 1
		customer.save()
		self.assertTrue(customer.jc_whatsapp_opt_in_on)
		self.assertEqual(customer.jc_whatsapp_opt_in_via, "In store")
		self.assertFalse(customer.jc_sms_opt_in_on)

		customer.jc_whatsapp_opt_in = 0
		customer.save()
		self.assertFalse(customer.jc_whatsapp_opt_in_on)
		self.assertFalse(customer.jc_whatsapp_opt_in_via)
