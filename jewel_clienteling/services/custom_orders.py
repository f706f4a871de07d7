"""Custom orders on ERPNext's Quotation (the estimate) and Sales Order (the order): the details carried
from one to the other, the stage moving only forward, a status message through the queue for each
stage she hears about, her open orders on the snapshot and the overdue ones on a report.

What she paid ahead is ERPNext's own advance: a Payment Entry against the Sales Order fills its
advance_paid, which is read here and never written."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import IfNull
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.domain import custom_orders
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain.outreach_lifecycle import OPEN
from jewel_clienteling.services import store_access
from jewel_clienteling.services.outreach import OUTREACH, Queue

SALES_ORDER = "Sales Order"
QUOTATION = "Quotation"
UPDATE = outreach_rules.CUSTOM_ORDER_UPDATE
OPEN_FIELDS = (
	"name",
	"transaction_date",
	"jc_order_stage",
	"jc_promised_date",
	"jc_metal",
	"jc_purity",
	"jc_size",
	"grand_total",
	"advance_paid",
	"currency",
	"jc_associate",
)


def prepare(doc) -> None:
	"""Before a made-to-order estimate or order is saved: the associate (whoever writes it, unless
	named), the store (hers), and on a new order the photos of the estimate it was made from."""
	if not doc.get("jc_custom_order"):
		return
	if not doc.jc_associate and frappe.session.user not in ("Administrator", "Guest"):
		doc.jc_associate = frappe.session.user
	if not doc.jc_store:
		party = doc.get("customer") or (
			doc.get("party_name") if doc.get("quotation_to") == "Customer" else None
		)
		home = frappe.db.get_value("Customer", party, "jc_home_store") if party else None
		doc.jc_store = home or store_access.home_store_for_new()
	if doc.doctype == SALES_ORDER and doc.is_new() and not doc.get("jc_photos"):
		quotations = {row.prevdoc_docname for row in doc.items if row.get("prevdoc_docname")}
		for quotation in sorted(quotations):
			for photo in frappe.get_all(
				"Custom Order Photo",
				filters={"parenttype": QUOTATION, "parent": quotation, "parentfield": "jc_photos"},
				fields=["photo", "caption"],
				order_by="idx asc",
			):
				doc.append("jc_photos", photo)


def check_stage(doc) -> None:
	"""The stage only moves forward, and only on a made-to-order piece."""
	if doc.doctype != SALES_ORDER:
		return
	before = doc.get_doc_before_save()
	old = before.get("jc_order_stage") if before else None
	new = doc.get("jc_order_stage") or None
	if new and not doc.get("jc_custom_order"):
		frappe.throw(_("Only a made-to-order piece has a custom order stage."), title=_("Custom Order"))
	try:
		custom_orders.check_move(old or None, new)
	except custom_orders.StageRefused:
		frappe.throw(
			_("The order is already at {0}: it cannot go back to {1}.").format(_(old), _(new or "—")),
			title=_("Custom Order"),
		)


def plan_status_message(doc) -> list[str]:
	"""Her message for the order's stage, through the queue as a service message assigned to the
	associate. Safe on every save: the dedupe key (her, the order, the stage) is unique in the
	table, so each stage tells her once; a later stage withdraws an earlier one not yet sent."""
	stage = doc.get("jc_order_stage")
	if doc.docstatus != 1 or not doc.get("jc_custom_order") or stage not in custom_orders.MESSAGED:
		return []
	_withdraw(doc.name, keep_stage=stage)
	piece = doc.items[0].item_name if doc.items else ""
	promised = getdate(doc.jc_promised_date) if doc.jc_promised_date else None
	candidate = outreach_rules.Candidate(
		customer=doc.customer,
		reason=UPDATE,
		reference_doctype=SALES_ORDER,
		reference_name=doc.name,
		cycle=stage,
		due_date=getdate(nowdate()),
		step=stage,
		context=custom_orders.message_context(
			stage, piece, promised, doc.name, doc.get("advance_paid"), doc.get("currency") or ""
		),
	)
	Queue().add([candidate])
	row = frappe.db.get_value(OUTREACH, {"dedupe_key": candidate.key}, ["name", "status"], as_dict=True)
	if not row or row.status not in OPEN:
		return []
	if doc.jc_associate:
		frappe.db.set_value(OUTREACH, row.name, "assigned_to", doc.jc_associate, update_modified=False)
	return [row.name]


def withdraw_all(doc) -> None:
	"""A cancelled order tells her nothing more."""
	_withdraw(doc.name, keep_stage=None)


def _withdraw(order: str, keep_stage: str | None) -> None:
	outreach = DocType(OUTREACH)
	where = (
		(outreach.reference_doctype == SALES_ORDER)
		& (outreach.reference_name == order)
		& (outreach.reason == UPDATE)
		& outreach.status.isin(OPEN)
	)
	if keep_stage:
		where &= outreach.cycle != keep_stage
	(
		frappe.qb.update(outreach)
		.set(outreach.status, lifecycle.SKIPPED)
		.set(outreach.skip_reason, _("The order moved on, or was cancelled, before this was sent."))
		.set(outreach.modified, now_datetime())
		.where(where)
		.run()
	)


def _open_orders_query():
	order = DocType(SALES_ORDER)
	query = (
		frappe.qb.from_(order)
		.select(*[order[field] for field in OPEN_FIELDS])
		.where(
			(order.docstatus == 1)
			& (order.jc_custom_order == 1)
			& order.status.notin(custom_orders.FINISHED_STATUSES)
			& (IfNull(order.jc_order_stage, "") != custom_orders.DELIVERED)
			& (IfNull(order.per_delivered, 0) < 100)
		)
	)
	return order, query


def open_for(customer: str) -> list[dict]:
	"""Her made-to-order pieces not yet delivered, the soonest promised first (one query)."""
	order, query = _open_orders_query()
	return (
		query.where(order.customer == customer)
		.orderby(IfNull(order.jc_promised_date, "9999-12-31"))
		.orderby(order.creation)
		.run(as_dict=True)
	)


def overdue(today=None, store: str | None = None, associate: str | None = None) -> list[dict]:
	"""Orders promised before `today` and not delivered, of the customers the user may see (her
	store limits), oldest promise first."""
	today = getdate(today or nowdate())
	order, query = _open_orders_query()
	query = query.select(order.customer, order.customer_name, order.jc_store).where(
		order.jc_promised_date < today
	)
	if store:
		query = query.where(order.jc_store == store)
	if associate:
		query = query.where(order.jc_associate == associate)
	query = store_access.only_her_records(query, order.customer)
	rows = []
	for row in query.orderby(order.jc_promised_date).orderby(order.name).run(as_dict=True):
		promised = getdate(row.jc_promised_date)
		if not custom_orders.is_overdue(promised, row.jc_order_stage, None, None, today):
			continue
		row.days_overdue = custom_orders.days_overdue(promised, today)
		row.balance = custom_orders.balance(row.grand_total, row.advance_paid)
		rows.append(row)
	return rows
