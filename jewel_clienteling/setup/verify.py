"""What an uninstall must not leave behind. scripts/run-tests calls `leftovers()` after
uninstall-app, connected to the site directly (bench execute refuses an uninstalled app's code)."""

import json
import os

import frappe
from frappe.model import no_value_fields

from jewel_clienteling.setup import data_import_access, defaults, old_gold
from jewel_clienteling.setup.custom_fields import field_names
from jewel_clienteling.setup.install import MANAGER_ROLE
from jewel_clienteling.setup.neighbours import MODULE


def leftovers() -> None:
	"""Prints, as one JSON line, every trace of the app still on the site ([] when clean)."""
	found = []
	for doctype, fieldname in field_names():
		if frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": fieldname}):
			found.append(f"Custom Field {doctype}.{fieldname}")
		if frappe.db.has_column(doctype, fieldname):
			found.append(f"column {doctype}.{fieldname}")
	found += [f"DocType {name}" for name in frappe.get_all("DocType", {"module": MODULE}, pluck="name")]
	if frappe.db.exists("Module Def", MODULE):
		found.append(f"Module Def {MODULE}")
	if frappe.db.exists("Role", MANAGER_ROLE):
		found.append(f"Role {MANAGER_ROLE}")
	for parent in frappe.get_all("Custom DocPerm", {"role": MANAGER_ROLE}, pluck="parent"):
		found.append(f"Custom DocPerm {parent} for {MANAGER_ROLE}")
	if frappe.db.get_global(data_import_access.COPIED_BY_US):
		found.append(f"Default {data_import_access.COPIED_BY_US}")
	for table in (
		"Occasion",
		"Preference",
		"Customer Note",
		"Client Outreach",
		"Outreach Template",
		"Festival",
		"Repair Ticket",
	):
		if frappe.db.table_exists(table):
			found.append(f"table tab{table}")
	for doctype in ("Page", "Report", "Print Format"):
		found += [f"{doctype} {name}" for name in frappe.get_all(doctype, {"module": MODULE}, pluck="name")]
	if frappe.db.exists("Kanban Board", {"reference_doctype": "Repair Ticket"}):
		found.append("Kanban Board for Repair Ticket")
	print(frappe.as_json(sorted(found), indent=None))


def missing_after_install() -> list[str]:
	"""Every doctype, custom field, role and default record an install must leave (none: [])."""
	missing = []
	folder = os.path.join(frappe.get_app_path("jewel_clienteling", "jewel_clienteling"), "doctype")
	for entry in sorted(os.listdir(folder)):
		definition = os.path.join(folder, entry, f"{entry}.json")
		if os.path.exists(definition):
			with open(definition) as f:
				name = json.load(f)["name"]
			if not frappe.db.exists("DocType", name):
				missing.append(f"DocType {name}")
	for doctype, fieldname in field_names():
		field = frappe.db.get_value(
			"Custom Field", {"dt": doctype, "fieldname": fieldname}, ["fieldtype", "is_virtual"], as_dict=True
		)
		if not field:
			missing.append(f"Custom Field {doctype}.{fieldname}")
		elif (
			field.fieldtype not in no_value_fields
			and not field.is_virtual  # worked out when read, never stored
			and not frappe.db.has_column(doctype, fieldname)
		):
			missing.append(f"column {doctype}.{fieldname}")
	if not frappe.db.exists("Role", MANAGER_ROLE):
		missing.append(f"Role {MANAGER_ROLE}")
	if not frappe.db.exists("Custom DocPerm", data_import_access.our_rule(MANAGER_ROLE)):
		missing.append(f"Custom DocPerm {data_import_access.DATA_IMPORT} for {MANAGER_ROLE}")
	for template in defaults.TEMPLATES:
		if not frappe.db.exists("Outreach Template", template["template_name"]):
			missing.append(f"Outreach Template {template['template_name']}")
	if not frappe.db.exists("Kanban Board", defaults.REPAIR_BOARD):
		missing.append(f"Kanban Board {defaults.REPAIR_BOARD}")
	for field in ("old_gold_item_group", "old_gold_warehouse", "old_gold_account"):
		# made once ERPNext's setup wizard has run (a site installed before it gets them on migrate)
		if old_gold.ready() and not frappe.db.get_single_value("Clienteling Settings", field):
			missing.append(f"Clienteling Settings {field}")
	print(frappe.as_json(missing, indent=None))
	return missing
