"""The Clienteling workspace's number cards and charts: each a few aggregate queries, over the
customers the user may see (a store manager limited to his store sees his store's figures)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, cint, flt, format_date, getdate, nowdate

from jewel_clienteling.domain import dashboard as figures
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.services import facts, outreach_lifecycle
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.store_access import only_her_customers, only_her_records

CLOSED_REPAIRS = ("Delivered", "Cancelled")
CHART_MONTHS = 12


def _count(query) -> int:
	return cint(query.run()[0][0])


def _not_walk_in(query, customer_column):
	walk_in = clienteling_settings.get_settings().walk_in_customer
	return query.where(customer_column != walk_in) if walk_in else query


def occasions_ahead(days: int = 30) -> int:
	occasion = DocType("Occasion")
	today = getdate(nowdate())
	query = (
		frappe.qb.from_(occasion)
		.select(Count("*"))
		.where(occasion.next_occurrence.between(today, add_days(today, days)))
	)
	return _count(only_her_records(query, occasion.customer))


def outreach_due_today() -> int:
	"""What is really due: as the Today queue counts it (its day come, consent asked again, still
	worth sending), not what waits for a later day nor what went stale."""
	outreach = DocType("Client Outreach")
	query = frappe.qb.from_(outreach).select(Count("*")).where(outreach_lifecycle.is_due(outreach))
	return _count(only_her_records(query, outreach.customer))


def repeat_rate() -> float:
	customer = DocType("Customer")
	query = (
		frappe.qb.from_(customer)
		.select(customer.jc_purchases, Count("*"))
		.where(customer.jc_purchases >= 1)
		.groupby(customer.jc_purchases)
	)
	rows = _not_walk_in(only_her_customers(query, customer), customer.name).run()
	return figures.repeat_rate(purchases for purchases, customers in rows for _ in range(cint(customers)))


def lapsed_customers() -> int:
	customer = DocType("Customer")
	query = frappe.qb.from_(customer).select(Count("*")).where(customer.jc_lifecycle_stage == "Lapsed")
	return _count(_not_walk_in(only_her_customers(query, customer), customer.name))


def open_repairs() -> int:
	ticket = DocType("Repair Ticket")
	query = (
		frappe.qb.from_(ticket)
		.select(Count("*"))
		.where((ticket.docstatus == 1) & ticket.status.notin(CLOSED_REPAIRS))
	)
	return _count(only_her_records(query, ticket.customer))


def points_liability() -> float:
	"""Unspent points at the value of a point, as the Points Liability report adds them up."""
	customer = DocType("Customer")
	query = (
		frappe.qb.from_(customer)
		.select(Sum(customer.jc_loyalty_points))
		.where(customer.jc_loyalty_points > 0)
	)
	points = only_her_customers(query, customer).run()[0][0]
	return flt(flt(points) * flt(clienteling_settings.get_settings().value_per_point))


def outreach_funnel(months: int = CHART_MONTHS) -> dict:
	month_starts = figures.months(getdate(nowdate()), months)
	outreach = DocType("Client Outreach")
	query = (
		frappe.qb.from_(outreach)
		.select(
			outreach.due_date,
			outreach.sent_on,
			outreach.delivered_on,
			outreach.read_on,
			outreach.replied_on,
			outreach.attributed_sale,
		)
		.where((outreach.due_date >= month_starts[0]) & (outreach.status != lifecycle.SKIPPED))
	)
	rows = only_her_records(query, outreach.customer).run()
	counts = figures.funnel_by_month(
		(
			figures.OutreachRow(
				due=getdate(due),
				sent=bool(sent),
				delivered=bool(delivered),
				read=bool(read),
				replied=bool(replied),
				bought=bool(sale),
			)
			for due, sent, delivered, read, replied, sale in rows
		),
		month_starts,
	)
	return {
		"labels": [_month_label(month) for month in month_starts],
		"datasets": [{"name": _(stage), "values": counts[stage]} for stage in figures.FUNNEL],
	}


def attributed_revenue(months: int = CHART_MONTHS) -> dict:
	"""Sales that followed an outreach within the attribution window, by the outreach's reason."""
	since = figures.months(getdate(nowdate()), months)[0]
	outreach = DocType("Client Outreach")
	query = (
		frappe.qb.from_(outreach)
		.select(outreach.reason, Sum(outreach.attributed_amount))
		.where(outreach.attributed_sale.isnotnull() & (outreach.due_date >= since))
		.groupby(outreach.reason)
		.orderby(Sum(outreach.attributed_amount), order=frappe.qb.desc)
	)
	rows = only_her_records(query, outreach.customer).run()
	return {
		"labels": [_(reason) for reason, _amount in rows],
		"datasets": [{"name": _("Attributed Revenue"), "values": [flt(amount) for _reason, amount in rows]}],
	}


def repeat_rate_by_month(months: int = CHART_MONTHS) -> dict:
	"""Of each month's buyers, the share who had bought before: are customers coming back?"""
	month_starts = figures.months(getdate(nowdate()), months)
	customer = DocType("Customer")
	visits = []
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		query = (
			query.join(customer)
			.on(customer.name == invoice.customer)
			.select(invoice.posting_date, invoice.customer, customer.jc_first_purchase_date)
			.where(
				(invoice.docstatus == 1)
				& (invoice.is_return == 0)
				& (invoice.posting_date >= month_starts[0])
			)
			.distinct()
		)
		visits.extend(
			(getdate(day), name, getdate(first) if first else None)
			for day, name, first in _not_walk_in(only_her_customers(query, customer), invoice.customer).run()
		)
	return {
		"labels": [_month_label(month) for month in month_starts],
		"datasets": [
			{
				"name": _("Returning Buyers %"),
				"values": figures.returning_share_by_month(visits, month_starts),
			}
		],
	}


def _month_label(month) -> str:
	"""'Nov 2026' in the user's language (babel, through Frappe's own date formatting)."""
	return format_date(month, "MMM yyyy")
