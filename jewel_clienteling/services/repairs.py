"""The repair desk in the database: walk-ins found or made customers, weights checked, moves checked
against the domain's state machine, the customer told when her piece is ready, charges billed."""

from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, flt, getdate, now_datetime, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import phones, repairs
from jewel_clienteling.domain.outreach_lifecycle import OPEN
from jewel_clienteling.services import duplicates, store_access
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.customer_lookup import find_customer
from jewel_clienteling.services.outreach import Queue
from jewel_clienteling.services.roles import require_manager

TICKET = "Repair Ticket"


def explain(error: repairs.RepairError) -> str:
	"""The desk's words for a rule the domain refused."""
	return {
		"unknown_status": _("That is not a repair status."),
		"already_final": _("This ticket is already delivered or cancelled."),
		"step_skipped": _(
			"A repair moves one step at a time: Received, Estimated, Approved, At Workshop, Ready, Delivered."
		),
		"step_back": _("A repair cannot go back a step."),
		"cancel_reason_missing": _("Say why the repair is cancelled; the customer will ask."),
		"weight_out_missing": _("Weigh the piece before handing it over: Weight Out is empty."),
		"acknowledgement_missing": _(
			"The weight changed beyond the tolerance: a Clienteling Manager must acknowledge it before delivery."
		),
		"acknowledgement_note_missing": _("Write down why the weight changed before delivery."),
		"missing": _("Weigh the piece: the weight is missing."),
		"not_a_number": _("The weight must be a number of grams."),
		"not_positive": _("The weight must be more than zero grams."),
		"too_heavy": _(
			"That weight is not possible for a piece at the repair desk; check the scale reading."
		),
		"received_before_sent": _("The piece cannot come back from the workshop before it was sent."),
	}.get(error.reason, error.reason)


def _settings():
	return clienteling_settings.get_settings()


def grams(value, label: str) -> Decimal:
	try:
		return repairs.check_weight(value)
	except repairs.InvalidWeight as error:
		frappe.throw(f"{label}: {explain(error)}", title=_("Weight"))


def resolve_customer(ticket) -> None:
	"""A walk-in gives her name and phone: the customer with that mobile number among those the desk
	may see, else a new one of the desk's store (another store's customer with that number is neither
	shown nor changed; the managers are told of a possible duplicate)."""
	if ticket.customer:
		return
	name = " ".join((ticket.walk_in_name or "").split())
	if not name or not ticket.walk_in_phone:
		frappe.throw(_("Choose the customer, or give the walk-in's name and phone."))
	region = _settings().default_region or "IN"
	phone = phones.normalise_phone(ticket.walk_in_phone, region)
	if not phone:
		frappe.throw(_("{0} is not a phone number we can reach.").format(ticket.walk_in_phone))
	match = find_customer(phone, name)
	if match.customer:
		ticket.customer = match.customer
	else:
		ticket.customer = _make_customer(name, phone)
		ticket.flags.other_stores = (match, phone)  # flagged for the managers once the ticket is saved
	ticket.customer_name = frappe.db.get_value("Customer", ticket.customer, "customer_name")


def flag_possible_duplicate(ticket) -> None:
	"""After insert: a customer made for a walk-in whose phone is another store's customer's."""
	if ticket.flags.other_stores:
		match, phone = ticket.flags.other_stores
		duplicates.flag(ticket.customer, match, phone, TICKET, ticket.name)


def _make_customer(name: str, phone: str) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Individual",
			"mobile_no": phone,
			"jc_home_store": store_access.home_store_for_new(),
		}
	)
	doc.insert(ignore_permissions=True)  # the desk may take in a walk-in without customer rights
	return doc.name


def check_may_acknowledge() -> None:
	"""Only a manager signs off a weight difference, however the field is written."""
	require_manager(_("Only a Clienteling Manager can acknowledge a weight difference."))


def qr_code(text: str) -> str:
	"""A QR code of `text` as base64 SVG, for print formats (`<img src="data:image/svg+xml;base64,...">`)."""
	from base64 import b64encode
	from io import BytesIO

	from pyqrcode import create

	stream = BytesIO()
	create(str(text)).svg(stream, scale=3)
	return b64encode(stream.getvalue()).decode()


def set_warranty(ticket) -> None:
	ticket.free_under_warranty = 0
	if not (ticket.original_sale_type and ticket.original_sale):
		return
	sale = frappe.db.get_value(
		ticket.original_sale_type,
		ticket.original_sale,
		["customer", "posting_date", "docstatus"],
		as_dict=True,
	)
	if not sale or sale.docstatus != 1:
		frappe.throw(_("{0} is not a submitted sale.").format(ticket.original_sale))
	if sale.customer != ticket.customer:
		frappe.throw(_("{0} was sold to another customer.").format(ticket.original_sale))
	ticket.free_under_warranty = int(
		repairs.is_free_under_warranty(
			getdate(sale.posting_date), getdate(nowdate()), cint(_settings().warranty_days)
		)
	)


def check_weights(ticket) -> None:
	ticket.gross_weight_in = float(grams(ticket.gross_weight_in, _("Weight In")))
	if flt(ticket.weight_out):
		ticket.weight_out = float(grams(ticket.weight_out, _("Weight Out")))
		ticket.weight_difference = float(
			repairs.weight_difference(Decimal(str(ticket.gross_weight_in)), Decimal(str(ticket.weight_out)))
		)
	else:
		ticket.weight_out = None
		ticket.weight_difference = None


def check_move(ticket, previous: str) -> None:
	"""Refuse a move the desk does not allow, and stamp the dates a move means."""
	settings = _settings()
	try:
		repairs.check_transition(
			previous,
			ticket.status,
			allow_direct_to_workshop=bool(cint(settings.allow_direct_to_workshop)),
			reason=ticket.cancel_reason,
		)
		if ticket.status == previous:
			return
		today = getdate(nowdate())
		if ticket.status == repairs.STATUS_ESTIMATED and ticket.estimate is None:
			frappe.throw(_("Give the estimate before moving to Estimated."))
		if ticket.status == repairs.STATUS_APPROVED:
			if not ticket.approved_via:
				frappe.throw(_("How did the customer approve the estimate? Fill Approved Via."))
			ticket.approved_on = now_datetime()
		if ticket.status == repairs.STATUS_AT_WORKSHOP:
			if not ticket.workshop:
				frappe.throw(_("Choose the workshop (karigar) the piece goes to."))
			ticket.sent_to_workshop_on = ticket.sent_to_workshop_on or today
		if ticket.status == repairs.STATUS_READY:
			ticket.received_from_workshop_on = ticket.received_from_workshop_on or today
			repairs.turnaround_days(
				getdate(ticket.sent_to_workshop_on) if ticket.sent_to_workshop_on else None,
				getdate(ticket.received_from_workshop_on),
			)
			ticket.ready_on = today
		if ticket.status == repairs.STATUS_DELIVERED:
			repairs.check_delivery(
				Decimal(str(ticket.gross_weight_in)),
				Decimal(str(ticket.weight_out)) if flt(ticket.weight_out) else None,
				settings.weight_tolerance_grams,
				settings.weight_tolerance_percent,
				ticket.weight_acknowledged_by,
				ticket.weight_acknowledgement_note,
			)
			ticket.delivered_on = today
	except repairs.RepairError as error:
		frappe.throw(explain(error), title=_("Repair"))


def tell_customer(ticket, previous: str | None) -> None:
	"""Entering Ready queues the utility message; leaving it withdraws the pickup messages not yet
	sent. A failure here never stops the desk."""
	if repairs.withdraws_pickup_messages(previous, ticket.status):
		withdraw_pickup_messages(ticket)
	reason = repairs.message_on_status_change(previous, ticket.status)
	if reason != outreach_rules.REPAIR_READY:
		return
	try:
		queue = Queue()
		queue.add(
			[
				outreach_rules.Candidate(
					customer=ticket.customer,
					reason=outreach_rules.REPAIR_READY,
					reference_doctype=TICKET,
					reference_name=ticket.name,
					cycle="ready",
					due_date=getdate(nowdate()),
					step=outreach_rules.REPAIR_READY,
					context={"piece": ticket.piece_description},
				)
			]
		)
	except Exception:
		frappe.log_error(title=f"Clienteling: could not queue the ready message for {ticket.name}")


def withdraw_pickup_messages(ticket) -> None:
	"""Skip the 'ready' and 'uncollected' messages still waiting in the queue for this ticket."""
	why = (
		_("The repair was cancelled.")
		if ticket.status == repairs.STATUS_CANCELLED
		else _("The piece is no longer waiting to be collected ({0}).").format(_(ticket.status))
	)
	try:
		outreach = DocType("Client Outreach")
		(
			frappe.qb.update(outreach)
			.set(outreach.status, lifecycle.SKIPPED)
			.set(outreach.skip_reason, why)
			.set(outreach.modified, now_datetime())
			.where(
				(outreach.reference_doctype == TICKET)
				& (outreach.reference_name == ticket.name)
				& outreach.reason.isin((outreach_rules.REPAIR_READY, outreach_rules.REPAIR_UNCOLLECTED))
				& outreach.status.isin(OPEN)
			)
			.run()
		)
	except Exception:
		frappe.log_error(title=f"Clienteling: could not withdraw the pickup messages of {ticket.name}")


def make_invoice(ticket) -> str:
	"""A draft Sales Invoice for the ticket's charges: nothing to pay under warranty."""
	if ticket.sales_invoice and frappe.db.get_value("Sales Invoice", ticket.sales_invoice, "docstatus") != 2:
		frappe.throw(_("This repair is already billed on {0}.").format(ticket.sales_invoice))
	item = _settings().repair_charges_item
	if not item:
		frappe.throw(_("Set the Item for Repair Charges in Clienteling Settings first."))
	services = ", ".join(row.service for row in ticket.services)
	rate = 0 if ticket.free_under_warranty else flt(ticket.charges)
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": ticket.customer,
			"company": ticket.company,
			"posting_date": nowdate(),
			"due_date": nowdate(),
			"items": [
				{
					"item_code": item,
					"qty": 1,
					"rate": rate,
					"description": _("Repair {0}: {1} ({2})").format(
						ticket.name, ticket.piece_description, services
					),
				}
			],
			"remarks": _("Free under warranty of {0}").format(ticket.original_sale)
			if ticket.free_under_warranty
			else _("Repair {0}").format(ticket.name),
		}
	)
	invoice.set_missing_values()
	invoice.insert()
	ticket.db_set("sales_invoice", invoice.name)
	return invoice.name
