"""What every producer of the planner shares: keyset pages over an indexed column, the sales of a
range of days, and which of them she kept (not returned in full)."""

from collections.abc import Iterator
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum

from jewel_clienteling.services import facts

PAGE = 2000


def sales_between(doctype: str, start: date, end: date, *extra_fields, where=None):
	invoice, query = facts.sales_from(doctype)
	condition = (
		(invoice.docstatus == 1)
		& (invoice.is_return == 0)
		& (invoice.posting_date >= start)
		& (invoice.posting_date <= end)
	)
	if where is not None:
		condition = condition & where(invoice)
	query = query.select(
		invoice.name, invoice.customer, invoice.posting_date, invoice.base_grand_total, *extra_fields
	).where(condition)
	return invoice, query


def kept(doctype: str, rows: list) -> list:
	"""Drop sales she has since returned in full."""
	if not rows:
		return rows
	invoice = DocType(doctype)
	returned = dict(
		frappe.qb.from_(invoice)
		.select(invoice.return_against, Sum(invoice.base_grand_total))
		.where(
			(invoice.docstatus == 1)
			& (invoice.is_return == 1)
			& invoice.return_against.isin([row.name for row in rows])
		)
		.groupby(invoice.return_against)
		.run()
	)
	return [row for row in rows if (row.base_grand_total or 0) + (returned.get(row.name) or 0) > 0]


def pages(
	query, order_field, name_field, size: int | None = None, key: tuple[str, str] | None = None
) -> Iterator[list]:
	"""Keyset pagination on (order_field, name): each page is an index range read, however deep.
	`key`: the two fields' names in a row, when they are selected under other names."""
	size = size or PAGE
	key = key or (order_field.name, name_field.name)
	after = None
	while True:
		page_query = query.orderby(order_field).orderby(name_field).limit(size)
		if after is not None:
			value, name = after
			page_query = page_query.where(
				(order_field > value) | ((order_field == value) & (name_field > name))
			)
		rows = page_query.run(as_dict=True)
		if not rows:
			return
		yield rows
		if len(rows) < size:
			return
		last = rows[-1]
		after = (last[key[0]], last[key[1]])
