"""Words a customer or an associate sees no longer assume the customer is a woman. Labels and
descriptions come with the migrate; what a store already holds under the old words is renamed here:
the catalogue share's selection, the walk-in follow-up's default template and the default birthday
segment's description (only while it is still the app's own text)."""

import frappe

from jewel_clienteling.domain.catalogue import NEW_ARRIVALS
from jewel_clienteling.setup.segments import SEGMENTS

# the old words, frozen here: this patch knows them, nothing else
OLD_NEW_ARRIVALS = "New arrivals in her category"
OLD_TEMPLATE, NEW_TEMPLATE = "After her visit", "After the visit"
BIRTHDAYS = "Birthdays this month"
OLD_BIRTHDAYS = "Customers with a birthday on file this month: hers or a loved one's, a reason to visit."


def execute():
	share = frappe.qb.DocType("Catalogue Share")
	(
		frappe.qb.update(share)
		.set(share.selection, NEW_ARRIVALS)
		.where(share.selection == OLD_NEW_ARRIVALS)
		.run()
	)
	if frappe.db.exists("Outreach Template", OLD_TEMPLATE) and not frappe.db.exists(
		"Outreach Template", NEW_TEMPLATE
	):
		frappe.rename_doc("Outreach Template", OLD_TEMPLATE, NEW_TEMPLATE, force=True)
	if frappe.db.get_value("Client Segment", BIRTHDAYS, "description") == OLD_BIRTHDAYS:
		frappe.db.set_value("Client Segment", BIRTHDAYS, "description", SEGMENTS[BIRTHDAYS][0])
