# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ClientelingImpactMonth(Document):
	pass


def on_doctype_update():
	# a month's rows are replaced together, and the report reads a range of months
	frappe.db.add_index("Clienteling Impact Month", ["month", "source"])
