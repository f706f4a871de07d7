"""Sharing a catalogue of pieces with her from the counter or the Customer form."""

import json

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import catalogue, store_access


@frappe.whitelist(methods=["POST"])
@arguments_required
def share(
	customer: str, selection: str, items: str | list | None = None, item_group: str | None = None
) -> dict:
	"""Record a share of pieces (item codes), an item group, or new arrivals in her category, and queue
	the WhatsApp message with its link (her marketing consent needed)."""
	frappe.has_permission("Catalogue Share", "create", throw=True)
	frappe.has_permission("Customer", "read", doc=customer, throw=True)
	if not store_access.may_see_customer(customer):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	if isinstance(items, str):
		items = json.loads(items) if items.strip().startswith("[") else items.splitlines()
	if items is not None and not (isinstance(items, list) and all(isinstance(code, str) for code in items)):
		frappe.throw(_("Choose the pieces by their item codes."), title=_("Catalogue"))
	return catalogue.share(customer, selection, items, item_group)
