"""The customer snapshot an associate sees at the counter: a handful of indexed queries."""

import frappe
from frappe import _
from frappe.query_builder import DocType, Order
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import add_days, cint, getdate, nowdate
from pypika.terms import Star

from jewel_clienteling.services import appointments, custom_orders, facts, old_gold, walk_ins
from jewel_clienteling.services import settings as clienteling_settings

PROFILE_FIELDS = (
	"name",
	"customer_name",
	"mobile_no",
	"email_id",
	"image",
	"jc_first_purchase_date",
	"jc_last_purchase_date",
	"jc_visits",
	"jc_purchases",
	"jc_lifetime_value",
	"jc_average_ticket",
	"jc_lifecycle_stage",
	"jc_rfm_segment",
	"jc_preferred_associate",
	"jc_last_served_by",
	"jc_home_store",
	"jc_referred_by",
	"jc_loyalty_points",
	"jc_loyalty_tier",
	"jc_points_next_expiry",
	"jc_points_expiring",
	"jc_erased_on",
	"jc_preferred_channel",
	"jc_contact_rhythm",
	"jc_preferred_time",
	"jc_do_not_contact",
	"jc_whatsapp_opt_in",
	"jc_sms_opt_in",
	"jc_email_opt_in",
)
LAST_PURCHASES = 5
TOP_PREFERENCES = 12
LAST_NOTES = 5


def build(customer: str) -> dict:
	"""Everything the counter needs about her. The profile row is read through frappe.get_list, so
	the user's read permission on this Customer (roles and user permissions) is checked by the same
	query that fetches it."""
	rows = frappe.get_list("Customer", filters={"name": customer}, fields=list(PROFILE_FIELDS), limit=1)
	if not rows:
		frappe.throw(
			_("You are not permitted to see the customer {0}, or it does not exist.").format(customer),
			frappe.PermissionError,
		)
	today = getdate(nowdate())
	settings = clienteling_settings.get_settings()
	horizon = add_days(today, cint(settings.upcoming_days) or 90)
	return {
		"profile": rows[0],
		"occasions": _upcoming_occasions(customer, today, horizon),
		"preferences": _top_preferences(customer),
		"purchases": _last_purchases(customer),
		"notes": _notes(customer),
		"repairs": _open_repairs(customer),
		"wishlist": walk_ins.for_snapshot(customer),
		"appointment": appointments.next_for(customer),
		"orders": custom_orders.open_for(customer),
		"old_gold": old_gold.for_snapshot(customer),
	}


def _open_repairs(customer):
	"""Her pieces still with us: what, where it is, and when it was promised."""
	ticket = DocType("Repair Ticket")
	return (
		frappe.qb.from_(ticket)
		.select(ticket.name, ticket.piece_description, ticket.status, ticket.promised_date, ticket.ready_on)
		.where(
			(ticket.customer == customer)
			& (ticket.docstatus == 1)
			& ticket.status.notin(("Delivered", "Cancelled"))
		)
		.orderby(ticket.creation)
		.run(as_dict=True)
	)


def _upcoming_occasions(customer, today, horizon):
	occasion = DocType("Occasion")
	return (
		frappe.qb.from_(occasion)
		.select(
			occasion.name,
			occasion.occasion_type,
			occasion.person_name,
			occasion.relation,
			occasion.next_occurrence,
			occasion.year,
		)
		.where(
			(occasion.customer == customer)
			& (occasion.next_occurrence >= today)
			& (occasion.next_occurrence <= horizon)
		)
		.orderby(occasion.next_occurrence)
		.run(as_dict=True)
	)


def _top_preferences(customer):
	preference = DocType("Preference")
	return (
		frappe.qb.from_(preference)
		.select(
			preference.name,
			preference.dimension,
			preference.qualifier,
			preference.value,
			preference.source,
			preference.score,
			preference.last_bought,
		)
		.where(preference.customer == customer)
		# what she told us first, then what her purchases say most strongly
		.orderby(preference.source, order=Order.desc)
		.orderby(preference.score, order=Order.desc)
		.limit(TOP_PREFERENCES)
		.run(as_dict=True)
	)


def _last_purchases(customer):
	# her last few of each kind of sale in one query (each part ordered and limited on its own)
	headers = None
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		part = (
			query.select(
				ValueWrapper(doctype).as_("doctype"),
				invoice.name,
				invoice.posting_date,
				invoice.creation,
				invoice.grand_total,
				invoice.currency,
				invoice.is_return,
				invoice.jc_purchase_occasion,
			)
			.where((invoice.customer == customer) & (invoice.docstatus == 1))
			.orderby(invoice.posting_date, order=Order.desc)
			.orderby(invoice.creation, order=Order.desc)
			.limit(LAST_PURCHASES)
		)
		part = frappe.qb.from_(part).select(Star())  # a derived table keeps its own order and limit
		headers = part if headers is None else headers.union_all(part)
	purchases = headers.run(as_dict=True)
	purchases.sort(key=lambda row: (row.posting_date, row.pop("creation")), reverse=True)
	purchases = purchases[:LAST_PURCHASES]

	names = {}
	for row in purchases:
		names.setdefault(row.doctype, []).append(row.name)
		row["items"] = []
	by_name = {(row.doctype, row.name): row for row in purchases}
	# the lines of both kinds of sale in one query (UNION ALL), ordered within each sale
	query = None
	for doctype, invoice_names in names.items():
		item = DocType(f"{doctype} Item")
		part = (
			frappe.qb.from_(item)
			.select(
				item.parenttype,
				item.parent,
				item.idx,
				item.item_code,
				item.item_name,
				item.qty,
				item.amount,
				item.jc_size,
			)
			.where(item.parent.isin(invoice_names) & (item.parenttype == doctype))
		)
		query = part if query is None else query.union_all(part)
	lines = query.run(as_dict=True) if query is not None else []
	for line in sorted(lines, key=lambda line: line.idx):
		line.pop("idx")
		by_name[(line.pop("parenttype"), line.pop("parent"))]["items"].append(line)
	return purchases


def _notes(customer):
	note = DocType("Customer Note")
	return (
		frappe.qb.from_(note)
		.select(
			note.name,
			note.note_type,
			note.event_type,
			note.event_date,
			note.person_name,
			note.note,
			note.occasion,
			note.owner,
			note.creation,
		)
		.where(note.customer == customer)
		.orderby(note.creation, order=Order.desc)
		.limit(LAST_NOTES)
		.run(as_dict=True)
	)
