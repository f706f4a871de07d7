"""The Clienteling Visit table: one row for each day a customer bought at a store, with whether it was
her first visit and when she next came (domain/visits.py), kept from her invoices.

Her visits are recomputed from her invoices, never incremented, so rebuilding twice changes nothing.
services/impact_upkeep.py decides whom to rebuild and when (every customer once, then those whose
invoices or Customer record changed), and adds the visits up a month at a time for the report.
"""

from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime

from jewel_clienteling.domain.visits import Change, SaleRow, Visit, changes, visits_of
from jewel_clienteling.services import facts

VISIT = "Clienteling Visit"
PAGE = 500
COLUMNS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"customer",
	"visit_date",
	"store",
	"associate",
	"amount",
	"invoices",
	"first_visit",
	"next_visit",
	"referred",
)


def sales_of(customers: list[str]) -> list[SaleRow]:
	"""Their sales: submitted, not returns, not a POS closing's consolidation, from both doctypes."""
	rows = []
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		found = (
			query.select(
				invoice.customer,
				invoice.posting_date,
				invoice.pos_profile,
				invoice.owner,
				invoice.base_grand_total,
				invoice.creation,
			)
			.where(invoice.customer.isin(customers) & (invoice.docstatus == 1) & (invoice.is_return == 0))
			.run()
		)
		rows.extend(
			SaleRow(customer, day, store or "", owner or "", Decimal(str(amount or 0)), made)
			for customer, day, store, owner, amount, made in found
		)
	return rows


def stored(customers: list[str]) -> list[Visit]:
	visit = DocType(VISIT)
	rows = (
		frappe.qb.from_(visit)
		.select(*(visit[column] for column in COLUMNS[5:]))
		.where(visit.customer.isin(customers))
		.run()
	)
	return [
		Visit(
			customer=row[0],
			day=getdate(row[1]),
			store=row[2] or "",
			associate=row[3] or "",
			amount=Decimal(str(row[4] or 0)),
			invoices=int(row[5] or 0),
			first_visit=bool(row[6]),
			next_visit=getdate(row[7]) if row[7] else None,
			referred=bool(row[8]),
		)
		for row in rows
	]


def rebuild(customers: list[str]) -> Change:
	"""Bring these customers' visits in line with what their invoices say now, in the caller's
	transaction: the visits of those whose visits changed are written anew. Returns what changed."""
	if not customers:
		return changes([], [])
	customer = DocType("Customer")
	referred = {
		row[0]
		for row in frappe.qb.from_(customer)
		.select(customer.name)
		.where(
			customer.name.isin(customers)
			& customer.jc_referred_by.isnotnull()
			& (customer.jc_referred_by != "")
		)
		.run()
	}
	current = visits_of(sales_of(customers), referred)
	change = changes(stored(customers), current)
	if not change.customers:
		return change
	visit = DocType(VISIT)
	frappe.qb.from_(visit).delete().where(visit.customer.isin(sorted(change.customers))).run()
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		VISIT,
		COLUMNS,
		(
			(
				frappe.generate_hash(length=12),
				*(now, now, user, user),
				row.customer,
				row.day,
				row.store or None,
				row.associate or None,
				row.amount,
				row.invoices,
				int(row.first_visit),
				row.next_visit,
				int(row.referred),
			)
			for row in change.after
		),
	)
	return change


def changed_since(since) -> list[str]:
	"""Customers with an invoice (sale, return, cancel) or a Customer record changed since `since`."""
	found: set[str] = set()
	for doctype in facts.SALE_DOCTYPES:
		invoice = DocType(doctype)
		found.update(
			row[0]
			for row in frappe.qb.from_(invoice)
			.select(invoice.customer)
			.distinct()
			.where((invoice.modified >= since) & invoice.customer.isnotnull())
			.run()
		)
	customer = DocType("Customer")
	found.update(
		row[0]
		for row in frappe.qb.from_(customer).select(customer.name).where(customer.modified >= since).run()
	)
	return sorted(found)


def backfill_page(after: str, page: int = PAGE) -> str | None:
	"""Rebuild the next `page` customers by name after `after`, in the caller's transaction. Returns
	the last one (None when none is left)."""
	customer = DocType("Customer")
	names = [
		row[0]
		for row in frappe.qb.from_(customer)
		.select(customer.name)
		.where(customer.name > after)
		.orderby(customer.name)
		.limit(page)
		.run()
	]
	if not names:
		return None
	rebuild(names)
	return names[-1]
