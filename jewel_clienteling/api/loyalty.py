"""Points at the counter and in the desk: her balance, a manager's adjustment, a review bonus, and
bringing balances over from ERPNext's own Loyalty Program."""

import frappe
from frappe import _
from frappe.utils import cint, flt

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import loyalty
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.loyalty.bonuses import REVIEWED_DOCTYPES
from jewel_clienteling.services.roles import require_manager


@frappe.whitelist(methods=["GET"])
@arguments_required
def balance(customer: str) -> dict:
	"""What she can spend now and what it is worth, her tier, and when points next lapse."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	settings = clienteling_settings.get_settings()
	points = loyalty.balance(customer)
	row = frappe.db.get_value(
		"Customer", customer, ["jc_loyalty_tier", "jc_points_next_expiry", "jc_points_expiring"], as_dict=True
	)
	return {
		"enabled": clienteling_settings.loyalty_enabled(settings),
		"points": points,
		"value": flt(points * flt(settings.value_per_point)),
		"value_per_point": flt(settings.value_per_point),
		"tier": row.jc_loyalty_tier or "",
		"next_expiry": row.jc_points_next_expiry,
		"expiring_points": cint(row.jc_points_expiring),
	}


@frappe.whitelist(methods=["POST"])
@arguments_required
def adjust(customer: str, points: int, reason: str) -> str:
	"""A manager's correction: positive gives points, negative takes them (never below nothing)."""
	require_manager(_("Only a Clienteling Manager can adjust points."))
	frappe.has_permission("Customer", "read", customer, throw=True)
	row = frappe.get_doc(
		{
			"doctype": loyalty.LEDGER,
			"customer": customer,
			"entry_type": "Adjust",
			"points": cint(points),
			"reason": reason,
		}
	)
	row.insert()
	return row.name


@frappe.whitelist(methods=["POST"])
@arguments_required
def award_review_bonus(customer: str, invoice_type: str, invoice: str) -> str:
	"""She reviewed her purchase: the review bonus, once per invoice. Asking again (a double click, a
	second tab) gives nothing more and says so; the bonus row is returned either way."""
	frappe.has_permission("Customer", "write", customer, throw=True)
	if invoice_type not in REVIEWED_DOCTYPES:
		frappe.throw(_("A review bonus is given for a Sales Invoice or a POS Invoice."))
	frappe.has_permission(invoice_type, "read", invoice, throw=True)
	name, awarded = loyalty.award_review_bonus(customer, invoice_type, invoice)
	if not awarded:
		frappe.msgprint(_("The review bonus for {0} was given already.").format(invoice))
	return name


@frappe.whitelist(methods=["POST"])
@arguments_required
def import_erpnext_balances() -> dict:
	"""Opening balances from ERPNext's Loyalty Point Entry, once per customer."""
	require_manager(_("Only a Clienteling Manager can import opening balances."))
	return loyalty.import_erpnext_balances()
