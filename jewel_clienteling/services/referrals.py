"""Referrals through the queue: the daily planner asks for a referral a few days after a sale she
kept and was happy with, and thanks a referrer the day after her friend's first purchase, with the
referral points loyalty already gave her (read here, never given here). Rules: domain/referrals.py.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import cint, getdate

from jewel_clienteling.domain import feedback as feedback_rules
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import referrals as referral_rules
from jewel_clienteling.domain import repairs as repair_rules
from jewel_clienteling.domain.loyalty import SOURCE_REFERRAL
from jewel_clienteling.services import facts, planner_queries, planner_sales
from jewel_clienteling.services import settings as clienteling_settings

FEEDBACK = "Customer Feedback"
# the thank-you goes the day after her friend's first sale: loyalty's bonus is posted by then
THANKS_AFTER_DAYS = 1


def ask_candidates(first: date, last: date, days: int, settings) -> Iterator[list[outreach_rules.Candidate]]:
	"""Sales `days` before each planned day that she kept and was happy with: a referral ask each."""
	sources = clienteling_settings.preference_sources(settings)
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = planner_queries.sales_between(
			doctype, first - timedelta(days=days), last - timedelta(days=days)
		)
		for rows in planner_queries.pages(query, invoice.posting_date, invoice.name):
			customers = list({row.customer for row in rows})
			names = [row.name for row in rows]
			returned = _returned(doctype, names)
			repairs = _open_repairs(customers)
			complaints = _open_complaints(customers)
			scores = _scores(doctype, names)
			happy = [
				row
				for row in rows
				if referral_rules.happy_with(
					referral_rules.AfterSale(
						returned=row.name in returned,
						open_repair=row.customer in repairs,
						open_complaint=row.customer in complaints,
						scores=tuple(scores.get(row.name, ())),
					)
				)
			]
			items = planner_sales._items_of(doctype, happy, sources)
			yield [
				outreach_rules.Candidate(
					customer=row.customer,
					reason=outreach_rules.REFERRAL_ASK,
					reference_doctype=doctype,
					reference_name=row.name,
					cycle=referral_rules.ASK_CYCLE,
					due_date=getdate(row.posting_date) + timedelta(days=days),
					step=outreach_rules.REFERRAL_ASK,
					context={"purchase_date": getdate(row.posting_date), "items": items[row.name]["names"]},
				)
				for row in happy
			]


def thanks_candidates(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	"""A friend's first kept sale the day before each planned day: her referrer is thanked, once."""
	walk_in = clienteling_settings.walk_in_customer(settings)
	customer = DocType("Customer")
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = planner_queries.sales_between(
			doctype,
			first - timedelta(days=THANKS_AFTER_DAYS),
			last - timedelta(days=THANKS_AFTER_DAYS),
			customer.customer_name,
			customer.jc_referred_by,
		)
		query = (
			query.join(customer)
			.on(customer.name == invoice.customer)
			.where(customer.jc_referred_by.isnotnull() & (customer.jc_referred_by != ""))
		)
		for rows in planner_queries.pages(query, invoice.posting_date, invoice.name):
			rows = [
				row
				for row in planner_queries.kept(doctype, rows)
				if row.jc_referred_by not in (row.customer, walk_in)
			]
			earlier = _sales_of(
				[row.customer for row in rows], max((row.posting_date for row in rows), default=last)
			)
			firsts = [
				row
				for row in rows
				if referral_rules.is_first_sale(
					(getdate(row.posting_date), row.name), earlier.get(row.customer, ())
				)
			]
			points = _referral_points(doctype, [row.name for row in firsts])
			yield [
				outreach_rules.Candidate(
					customer=row.jc_referred_by,
					reason=outreach_rules.REFERRAL_THANKS,
					reference_doctype="Customer",
					reference_name=row.customer,
					cycle=referral_rules.THANKS_CYCLE,
					due_date=getdate(row.posting_date) + timedelta(days=THANKS_AFTER_DAYS),
					step=outreach_rules.REFERRAL_THANKS,
					context={"referred_name": row.customer_name or "", "points": points.get(row.name, 0)},
				)
				for row in firsts
			]


def _returned(doctype: str, names: list[str]) -> set[str]:
	"""Sales anything of which came back."""
	if not names:
		return set()
	invoice = DocType(doctype)
	return set(
		frappe.qb.from_(invoice)
		.select(invoice.return_against)
		.where((invoice.docstatus == 1) & (invoice.is_return == 1) & invoice.return_against.isin(names))
		.run(pluck=True)
	)


def _open_repairs(customers: list[str]) -> set[str]:
	if not customers:
		return set()
	ticket = DocType("Repair Ticket")
	return set(
		frappe.qb.from_(ticket)
		.select(ticket.customer)
		.where(
			ticket.customer.isin(customers)
			& (ticket.docstatus < 2)
			& ticket.status.notin(repair_rules.FINAL_STATUSES)
		)
		.run(pluck=True)
	)


def _open_complaints(customers: list[str]) -> set[str]:
	"""Customers with a low score whose ToDo the manager has not closed."""
	if not customers:
		return set()
	feedback, todo = DocType(FEEDBACK), DocType("ToDo")
	return set(
		frappe.qb.from_(feedback)
		.join(todo)
		.on(todo.name == feedback.manager_todo)
		.select(feedback.customer)
		.where(
			feedback.customer.isin(customers)
			& (feedback.score <= feedback_rules.LOW)
			& (todo.status == "Open")
		)
		.run(pluck=True)
	)


def _scores(doctype: str, names: list[str]) -> dict[str, list[int]]:
	if not names:
		return {}
	feedback = DocType(FEEDBACK)
	found: dict[str, list[int]] = defaultdict(list)
	for about, score in (
		frappe.qb.from_(feedback)
		.select(feedback.about_name, feedback.score)
		.where((feedback.about_doctype == doctype) & feedback.about_name.isin(names))
		.run()
	):
		found[about].append(cint(score))
	return found


def _sales_of(customers: list[str], until: date) -> dict[str, list[tuple[date, str]]]:
	"""Every kept sale of these customers up to `until`, as (day, name)."""
	found: dict[str, list[tuple[date, str]]] = defaultdict(list)
	if not customers:
		return found
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		rows = (
			query.select(invoice.name, invoice.customer, invoice.posting_date, invoice.base_grand_total)
			.where(
				invoice.customer.isin(customers)
				& (invoice.docstatus == 1)
				& (invoice.is_return == 0)
				& (invoice.posting_date <= until)
			)
			.run(as_dict=True)
		)
		for row in planner_queries.kept(doctype, rows):
			found[row.customer].append((getdate(row.posting_date), row.name))
	return found


def _referral_points(doctype: str, names: list[str]) -> dict[str, int]:
	"""The referral bonus loyalty gave for each of these first sales (net of any reversal)."""
	if not names:
		return {}
	ledger = DocType("Loyalty Ledger")
	return {
		voucher: cint(points)
		for voucher, points in frappe.qb.from_(ledger)
		.select(ledger.voucher_no, Sum(ledger.points))
		.where(
			(ledger.source == SOURCE_REFERRAL)
			& (ledger.voucher_type == doctype)
			& ledger.voucher_no.isin(names)
		)
		.groupby(ledger.voucher_no)
		.run()
	}
