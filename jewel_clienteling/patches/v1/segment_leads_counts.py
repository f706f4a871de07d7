"""A segment's saved figures count its open leads beside its customers, and per store (so a user
limited to a store reads hers): this fills them for the segments saved before, by the rules they
were saved with, a grouped query for the customers and one for the leads per segment (never one
per lead or per customer). A segment whose rules no longer make sense keeps its figures until it
is next saved."""

import frappe

from jewel_clienteling.services import segment_counts

FIELDS = ("customer_count", "leads_count", "counts_by_store", "counted_on")


def execute():
	filled = 0
	for name in frappe.get_all(segment_counts.SEGMENT, pluck="name", order_by="name"):
		doc = frappe.get_doc(segment_counts.SEGMENT, name)
		try:
			segment_counts.recount(doc)
		except frappe.ValidationError:
			frappe.clear_messages()
			continue
		frappe.db.set_value(
			segment_counts.SEGMENT, name, {field: doc.get(field) for field in FIELDS}, update_modified=False
		)
		filled += 1
	print(f"Segments counted with their leads: {filled}")
