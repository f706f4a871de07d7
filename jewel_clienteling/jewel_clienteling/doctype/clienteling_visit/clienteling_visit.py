# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

# The Clienteling Impact report reads visits by date, and never needs the table itself: every column
# it uses is in this index (see services/impact.py)
REPORT_INDEX = (
	"visit_date",
	"first_visit",
	"store",
	"associate",
	"referred",
	"next_visit",
	"amount",
	"customer",
)


class ClientelingVisit(Document):
	pass


def on_doctype_update():
	frappe.db.add_index("Clienteling Visit", list(REPORT_INDEX), index_name="jc_impact_report")
