"""After install-app: our fields, columns, role and default settings are in place."""

import frappe
from frappe.model import no_value_fields
from frappe.tests.utils import FrappeTestCase

from jewel_clienteling.domain.preferences import DEFAULT_SOURCES
from jewel_clienteling.setup.custom_fields import field_names
from jewel_clienteling.setup.install import MANAGER_ROLE


class TestInstall(FrappeTestCase):
	def test_every_custom_field_and_column_exists(self):
		for doctype, fieldname in field_names():
			with self.subTest(doctype=doctype, fieldname=fieldname):
				self.assertTrue(frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": fieldname}))
				field = frappe.get_meta(doctype).get_field(fieldname)
				# a virtual field (a lead's age) is worked out when read: it has no column
				if field.fieldtype not in no_value_fields and not field.is_virtual:
					self.assertTrue(frappe.db.has_column(doctype, fieldname))

	def test_role_and_default_preference_sources(self):
		self.assertTrue(frappe.db.exists("Role", MANAGER_ROLE))
		settings = frappe.get_single("Clienteling Settings")
		rows = {
			(row.dimension, row.source_type, row.source_name or "") for row in settings.preference_sources
		}
		self.assertTrue({(s.dimension, s.source_type, s.source_name) for s in DEFAULT_SOURCES} <= rows)

	def test_a_new_store_starts_with_quiet_hours_templates_festivals_and_a_repairs_board(self):
		settings = frappe.get_single("Clienteling Settings")
		self.assertEqual(
			(str(settings.quiet_hours_start), str(settings.quiet_hours_end)), ("21:00:00", "10:00:00")
		)
		self.assertEqual(settings.occasion_lead_days, "42, 7, 0")
		for reason in ("Occasion", "Post-purchase", "Lapsed", "Repair ready", "Campaign"):
			self.assertTrue(frappe.db.exists("Outreach Template", {"reason": reason, "enabled": 1}), reason)
		diwali = frappe.get_doc("Festival", "Diwali")
		self.assertGreaterEqual(len(diwali.dates), 3, "a lunar festival needs its date in each year")
		self.assertTrue(frappe.db.exists("Kanban Board", {"reference_doctype": "Repair Ticket"}))
		self.assertTrue(frappe.db.exists("Repair Service", "Resize"))

	def test_indexes_that_keep_daily_jobs_cheap(self):
		for doctype, column in (
			("Occasion", "next_occurrence"),
			("Occasion", "customer"),
			("Preference", "customer"),
			("Customer", "jc_profile_due_on"),
			("Customer", "jc_last_purchase_date"),
			("Client Outreach", "dedupe_key"),
			("Client Outreach", "assigned_to"),
			("Occasion", "lead_days"),
		):
			with self.subTest(doctype=doctype, column=column):
				self.assertTrue(frappe.db.has_index(f"tab{doctype}", column) or _indexed(doctype, column))

	def test_appointment_email_is_optional_until_uninstall_gives_erpnext_its_rule_back(self):
		from jewel_clienteling.setup import install

		self.assertFalse(frappe.get_meta("Appointment").get_field("customer_email").reqd)
		install.remove_property_setters()
		self.assertTrue(frappe.get_meta("Appointment").get_field("customer_email").reqd)
		install.make_custom_fields()
		install.make_custom_fields()  # again, as every migrate does: still one
		self.assertEqual(
			frappe.db.count("Property Setter", {"doc_type": "Appointment", "field_name": "customer_email"}), 1
		)
		self.assertFalse(frappe.get_meta("Appointment").get_field("customer_email").reqd)

	def test_the_planners_read_of_a_days_occasions_has_its_covering_index(self):
		from jewel_clienteling.services.planner_occasions import PLANNER_INDEX

		self.assertTrue(frappe.db.has_index("tabOccasion", PLANNER_INDEX))


def _indexed(doctype, column) -> bool:
	return bool(
		frappe.db.sql(
			"SHOW INDEX FROM `tab" + doctype + "` WHERE Column_name = %s",
			column,
		)
	)
