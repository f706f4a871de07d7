"""Two records of one person in two stores, merged by a manager with ERPNext's own rename-merge: her
visits and history follow, her consent is her latest word on either record, and the keys of her
preferences, occasions and outreach follow her ID (also after a plain rename). See test_stores."""

import json

import frappe

from jewel_clienteling.services.duplicates import DUPLICATE
from jewel_clienteling.tests.test_permissions import MANAGER
from jewel_clienteling.tests.test_stores import StoresTestCase, answer


class TestMergingADuplicate(StoresTestCase):
	def test_a_manager_merges_the_new_record_into_the_other_stores_customer_with_her_latest_consent(self):
		# the East store knows she likes gold too: after the merge she likes it once
		frappe.get_doc(
			{"doctype": "Preference", "customer": self.theirs, "dimension": "Metal", "value": "Gold"}
		).insert(ignore_permissions=True)
		result, _body = self.walk_in(self.north_associate)
		made = result["customer"]
		(flag,) = self.flags(made)
		refused = None
		try:
			answer(self.north_associate, "POST", "duplicates.merge", name=flag.name)
		except frappe.PermissionError as error:
			refused = error
		self.assertIsInstance(refused, frappe.PermissionError)
		self.assertTrue(frappe.db.exists("Customer", made))

		body = answer(MANAGER, "POST", "duplicates.merge", name=flag.name)
		self.assertEqual(json.loads(body)["message"], self.theirs)
		self.assertFalse(frappe.db.exists("Customer", made))
		self.assertEqual(frappe.db.get_value("Walk-in Visit", result["visit"], "customer"), self.theirs)
		# she said yes to WhatsApp at the JC Counter, after anything she said at the East store
		consent = frappe.db.get_value(
			"Customer",
			self.theirs,
			["jc_whatsapp_opt_in", "jc_whatsapp_opt_in_via", "jc_home_store"],
			as_dict=True,
		)
		self.assertEqual((consent.jc_whatsapp_opt_in, consent.jc_whatsapp_opt_in_via), (1, "In store"))
		self.assertEqual(consent.jc_home_store, self.east, "the older record keeps her home store")
		self.assertTrue(
			frappe.db.exists("Consent Change", {"customer": self.theirs, "evidence": result["visit"]})
		)
		preferences = frappe.get_all(
			"Preference", filters={"customer": self.theirs}, fields=["dimension", "value", "preference_key"]
		)
		self.assertEqual(
			sorted((row.dimension, row.value) for row in preferences if row.dimension == "Metal"),
			[("Metal", "Gold"), ("Metal", "Platinum")],
		)
		self.assertGreater(len(preferences), 2, "the ring she liked at the JC Counter came with her")
		self.assertTrue(all(row.preference_key.startswith(f"{self.theirs}|") for row in preferences))
		merged = frappe.db.get_value(
			DUPLICATE, flag.name, ["status", "merged_from", "resolved_by"], as_dict=True
		)
		self.assertEqual((merged.status, merged.merged_from, merged.resolved_by), ("Merged", made, MANAGER))
		with self.assertRaises(frappe.ValidationError):
			answer(MANAGER, "POST", "duplicates.merge", name=flag.name)

	def test_a_renamed_customers_preferences_and_occasions_are_keyed_by_her_new_id(self):
		frappe.get_doc(
			{
				"doctype": "Occasion",
				"customer": self.theirs,
				"occasion_type": "Birthday",
				"day": 3,
				"month": "4",
			}
		).insert(ignore_permissions=True)
		new = f"{self.theirs} Renamed"
		frappe.rename_doc("Customer", self.theirs, new, show_alert=False)
		for doctype, key in (("Preference", "preference_key"), ("Occasion", "occasion_key")):
			keys = frappe.get_all(doctype, filters={"customer": new}, pluck=key)
			self.assertTrue(keys and all(value.startswith(f"{new}|") for value in keys), (doctype, keys))
		# what she already likes is not recorded a second time under her new ID
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc(
				{"doctype": "Preference", "customer": new, "dimension": "Metal", "value": "Platinum"}
			).insert(ignore_permissions=True)

	def test_two_people_sharing_a_phone_are_marked_not_the_same_and_both_stay(self):
		result, _body = self.walk_in(self.north_associate)
		(flag,) = self.flags(result["customer"])
		answer(MANAGER, "POST", "duplicates.not_the_same", name=flag.name)
		self.assertEqual(frappe.db.get_value(DUPLICATE, flag.name, "status"), "Not the Same")
		self.assertTrue(frappe.db.exists("Customer", result["customer"]))
		self.assertTrue(frappe.db.exists("Customer", self.theirs))
