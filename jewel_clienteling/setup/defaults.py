"""What a new store starts with: a message template for every reason, and the festivals jewellers
plan around. Added on install and migrate when missing; a manager's edits are never overwritten."""

import frappe

from jewel_clienteling.domain.default_templates import TEMPLATES

# Lunar festivals move every year; these are the dates most of India keeps. Check them against your
# own calendar and add each coming year in the Festival list.
FESTIVALS = {
	"Dhanteras": ("2024-10-29", "2025-10-18", "2026-11-06", "2027-10-27"),
	"Diwali": ("2024-11-01", "2025-10-20", "2026-11-08", "2027-10-29"),
	"Akshaya Tritiya": ("2024-05-10", "2025-04-30", "2026-04-20", "2027-05-09"),
	"Karwa Chauth": ("2024-10-20", "2025-10-10", "2026-10-29", "2027-10-18"),
	"Eid al-Fitr": ("2024-04-11", "2025-03-31", "2026-03-21", "2027-03-10"),
	"Christmas": ("2024-12-25", "2025-12-25", "2026-12-25", "2027-12-25"),
}


REPAIR_SERVICES = (
	"Resize",
	"Polish",
	"Rhodium",
	"Solder",
	"Clasp",
	"Stone Setting",
	"Engraving",
	"Cleaning",
	"Other",
)
REPAIR_BOARD = "Repairs"
REPAIR_COLUMNS = ("Received", "Estimated", "Approved", "At Workshop", "Ready", "Delivered", "Cancelled")


def add_missing() -> None:
	from jewel_clienteling.services import leads
	from jewel_clienteling.setup import old_gold, segments

	segments.add_missing()
	old_gold.add_missing()
	leads.make_sources()  # where an enquiry comes from: ERPNext's own Lead Source, made when missing
	for template in TEMPLATES:
		if not frappe.db.exists("Outreach Template", template["template_name"]):
			frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)
	for name, dates in FESTIVALS.items():
		if not frappe.db.exists("Festival", name):
			frappe.get_doc(
				{
					"doctype": "Festival",
					"festival_name": name,
					"dates": [{"festival_date": when} for when in dates],
				}
			).insert(ignore_permissions=True)
	for service in REPAIR_SERVICES:
		if not frappe.db.exists("Repair Service", service):
			frappe.get_doc({"doctype": "Repair Service", "service_name": service}).insert(
				ignore_permissions=True
			)
	if not frappe.db.exists("Kanban Board", REPAIR_BOARD):
		frappe.get_doc(
			{
				"doctype": "Kanban Board",
				"kanban_board_name": REPAIR_BOARD,
				"reference_doctype": "Repair Ticket",
				"field_name": "status",
				"private": 0,
				"columns": [{"column_name": column, "status": "Active"} for column in REPAIR_COLUMNS],
			}
		).insert(ignore_permissions=True)
