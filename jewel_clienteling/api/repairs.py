"""The repair desk's buttons: move a ticket one step, acknowledge a weight difference, bill it."""

import frappe
from frappe import _
from frappe.utils import flt

from jewel_clienteling.api import arguments_required
from jewel_clienteling.domain import repairs as repair_rules
from jewel_clienteling.services import repairs

TICKET = "Repair Ticket"


@frappe.whitelist(methods=["POST"])
@arguments_required
def move(
	name: str,
	status: str,
	approved_via: str | None = None,
	workshop: str | None = None,
	weight_out: float | None = None,
	reason: str | None = None,
) -> dict:
	"""One step along Received → Estimated → Approved → At Workshop → Ready → Delivered, or Cancelled."""
	frappe.has_permission(TICKET, "write", name, throw=True)
	if status not in repair_rules.STATUSES:
		frappe.throw(_("That is not a repair status."))
	ticket = frappe.get_doc(TICKET, name)
	if ticket.docstatus != 1:
		frappe.throw(_("Submit the intake first."))
	if approved_via:
		ticket.approved_via = approved_via
	if workshop:
		ticket.workshop = workshop
	if weight_out is not None:
		ticket.weight_out = float(repairs.grams(weight_out, _("Weight Out")))
	if status == repair_rules.STATUS_CANCELLED:
		frappe.has_permission(TICKET, "cancel", name, throw=True)
		ticket.cancel_reason = (reason or "").strip()
		ticket.cancel()
	else:
		ticket.status = status
		ticket.save()
	return {"name": ticket.name, "status": ticket.status}


@frappe.whitelist(methods=["POST"])
@arguments_required
def acknowledge_weight(name: str, note: str, weight_out: float | None = None) -> dict:
	"""A manager weighs the piece (or confirms the weight out) and signs off the difference, with why."""
	frappe.has_permission(TICKET, "write", name, throw=True)
	repairs.check_may_acknowledge()
	ticket = frappe.get_doc(TICKET, name)
	if weight_out is not None:
		ticket.weight_out = float(repairs.grams(weight_out, _("Weight Out")))
	if not flt(ticket.weight_out):
		frappe.throw(_("Weigh the piece first: Weight Out is empty."))
	if not (note or "").strip():
		frappe.throw(_("Write down why the weight changed."))
	ticket.weight_acknowledged_by = frappe.session.user
	ticket.weight_acknowledgement_note = note.strip()
	ticket.save()
	return {"name": ticket.name, "acknowledged_by": ticket.weight_acknowledged_by}


@frappe.whitelist(methods=["POST"])
@arguments_required
def make_invoice(name: str) -> str:
	"""A draft Sales Invoice for the repair's charges (free under warranty)."""
	frappe.has_permission(TICKET, "write", name, throw=True)
	frappe.has_permission("Sales Invoice", "create", throw=True)
	ticket = frappe.get_doc(TICKET, name)
	if ticket.docstatus != 1:
		frappe.throw(_("Submit the intake first."))
	return repairs.make_invoice(ticket)
