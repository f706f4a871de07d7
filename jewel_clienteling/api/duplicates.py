"""A manager's answer to a Possible Duplicate Customer: merge the two records, or not the same person."""

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import duplicates
from jewel_clienteling.services.roles import require_manager


@frappe.whitelist(methods=["POST"])
@arguments_required
def merge(name: str) -> str:
	"""Merge the customer recorded at the second store into the other store's customer (ERPNext's
	rename with merge; the user needs write and delete on Customer). Returns the customer kept."""
	require_manager(_("Only a Clienteling Manager can merge customers of two stores."))
	frappe.has_permission(duplicates.DUPLICATE, "write", name, throw=True)
	return duplicates.merge(name)


@frappe.whitelist(methods=["POST"])
@arguments_required
def not_the_same(name: str) -> None:
	"""Two people sharing a phone: both records stay."""
	require_manager(_("Only a Clienteling Manager can settle a possible duplicate."))
	frappe.has_permission(duplicates.DUPLICATE, "write", name, throw=True)
	duplicates.not_the_same(name)
