"""Her access and erasure requests, from the Customer form. Managers only; each leaves a
Clienteling Privacy Log row."""

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import privacy, privacy_leads
from jewel_clienteling.services.roles import require_manager


@frappe.whitelist(methods=["POST"])
@arguments_required
def export_customer(customer: str, request_reference: str | None = None) -> dict:
	"""Everything the app holds about her, as JSON for her access request. POST: it writes the log."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	require_manager(_("Only a Clienteling Manager can export a customer's data."))
	return privacy.export(customer, _text(request_reference))


@frappe.whitelist(methods=["POST"])
@arguments_required
def erase_customer(customer: str, confirm_name: str, request_reference: str | None = None) -> dict:
	"""Erase the app's personal data about her; her invoices stay. The manager types her name to
	confirm, since nothing brings it back."""
	frappe.has_permission("Customer", "write", customer, throw=True)
	require_manager(_("Only a Clienteling Manager can erase a customer's data."))
	expected = frappe.db.get_value("Customer", customer, "customer_name") or customer
	if (confirm_name or "").strip().casefold() != expected.strip().casefold():
		frappe.throw(_("Type the customer's name, {0}, to confirm the erasure.").format(expected))
	return privacy.erase(customer, _text(request_reference))


def _text(value: str | None) -> str | None:
	return (value or "").strip()[:140] or None


@frappe.whitelist(methods=["POST"])
@arguments_required
def export_lead(lead: str, request_reference: str | None = None) -> dict:
	"""Everything held about an enquiry who is not a customer, as JSON for her access request."""
	frappe.has_permission("Lead", "read", lead, throw=True)
	require_manager(_("Only a Clienteling Manager can export a lead's data."))
	return privacy_leads.export(lead, _text(request_reference))


@frappe.whitelist(methods=["POST"])
@arguments_required
def erase_lead(lead: str, confirm_name: str, request_reference: str | None = None) -> dict:
	"""Erase her personal data as an enquiry; the manager types her name to confirm."""
	frappe.has_permission("Lead", "write", lead, throw=True)
	require_manager(_("Only a Clienteling Manager can erase a lead's data."))
	expected = frappe.db.get_value("Lead", lead, "lead_name") or lead
	if (confirm_name or "").strip().casefold() != expected.strip().casefold():
		frappe.throw(_("Type the lead's name, {0}, to confirm the erasure.").format(expected))
	return privacy_leads.erase(lead, _text(request_reference))
