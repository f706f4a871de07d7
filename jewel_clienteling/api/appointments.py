"""Booking an appointment for her from the counter or the desk, and the day's appointments."""

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.domain.appointments import PURPOSES
from jewel_clienteling.domain.outreach_lifecycle import OPEN
from jewel_clienteling.services import appointments, store_access
from jewel_clienteling.services.roles import is_manager


@frappe.whitelist(methods=["POST"])
@arguments_required
def book(
	scheduled_time: str,
	purpose: str,
	customer: str | None = None,
	lead: str | None = None,
	store: str | None = None,
	associate: str | None = None,
	pieces: str | None = None,
	notes: str | None = None,
) -> dict:
	"""Book her (a customer, or a lead) for a viewing or consultation; reminders are planned."""
	frappe.has_permission("Appointment", "create", throw=True)
	if customer:
		frappe.has_permission("Customer", "read", doc=customer, throw=True)
		if not store_access.may_see_customer(customer):
			frappe.throw(_("Not permitted"), frappe.PermissionError)
	elif lead:
		frappe.has_permission("Lead", "read", doc=lead, throw=True)
	else:
		frappe.throw(_("Choose the customer or lead."), frappe.MandatoryError, title=_("Appointment"))
	if purpose not in PURPOSES:
		frappe.throw(_("Choose the purpose of the visit."), title=_("Appointment"))
	doc = frappe.get_doc(
		{
			"doctype": "Appointment",
			"scheduled_time": scheduled_time,
			"jc_customer": customer,
			"jc_lead": None if customer else lead,
			"jc_purpose": purpose,
			"jc_store": store or store_access.home_store_for_new(),
			"jc_associate": associate or None,
			"jc_pieces": pieces,
			"customer_details": notes,
		}
	)
	doc.insert()
	reminders = frappe.get_all(
		"Client Outreach",
		filters={
			"reference_doctype": "Appointment",
			"reference_name": doc.name,
			"status": ("in", OPEN),
		},
		pluck="step",
	)
	return {"appointment": doc.name, "scheduled_time": str(doc.scheduled_time), "reminders": reminders}


@frappe.whitelist(methods=["GET", "POST"])
def today(associate: str | None = None, day: str | None = None) -> list[dict]:
	"""The day's appointments: mine, or (for a manager) one associate's or everyone's."""
	frappe.has_permission("Appointment", "read", throw=True)
	if not is_manager():
		associate = frappe.session.user
	if day:
		try:
			parsed = frappe.utils.getdate(day)
		except Exception:
			parsed = None
		if not parsed:
			frappe.throw(_("{0} is not a day. Choose one from the calendar.").format(day))
		day = parsed
	return appointments.for_day(associate, day)
