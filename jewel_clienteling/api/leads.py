"""Enquiries (ERPNext's Lead) from the desk and the counter: the leads whose next step is due for the
Today page, marking one won, and finding her by mobile as a customer or a lead."""

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.domain.leads import WON_EXPLICITLY
from jewel_clienteling.services import leads
from jewel_clienteling.services.customer_lookup import find_customer, find_lead


@frappe.whitelist(methods=["GET", "POST"])
def due(associate: str | None = None) -> list[dict]:
	"""Open leads whose next step is today or overdue: mine, or (for a manager) one associate's or
	everyone's, in the user's stores."""
	frappe.has_permission("Lead", "read", throw=True)
	return leads.due(associate or None)


@frappe.whitelist(methods=["POST"])
@arguments_required
def mark_won(lead: str) -> dict:
	"""Say the lead is won without a sale in the app (she bought elsewhere in the group, say)."""
	frappe.has_permission("Lead", "write", doc=lead, throw=True)
	leads.mark_won(lead, WON_EXPLICITLY)
	return {"lead": lead, "stage": frappe.db.get_value("Lead", lead, "jc_stage")}


@frappe.whitelist(methods=["GET", "POST"])
@arguments_required
def find_by_mobile(mobile: str) -> dict:
	"""Who has this mobile among those the user may see: her customer, else her open lead."""
	frappe.has_permission("Lead", "read", throw=True)
	customer = find_customer(mobile).customer if frappe.has_permission("Customer", "read") else None
	lead = None if customer else find_lead(mobile)
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name") if customer else None,
		"lead": lead,
		"lead_name": frappe.db.get_value("Lead", lead, "lead_name") if lead else None,
		"message": "" if customer or lead else _("Nobody with this mobile yet."),
	}
