"""What an uninstall must not leave behind. scripts/run-tests calls `leftovers()` after
uninstall-app, connected to the site directly (bench execute refuses an uninstalled app's code)."""

import frappe

from jewel_clienteling.setup.custom_fields import field_names
from jewel_clienteling.setup.install import MANAGER_ROLE

MODULE = "Jewel Clienteling"


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
