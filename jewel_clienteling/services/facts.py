"""The facts a profile is computed from: a customer's submitted sales and what was on them.

A sale is a submitted POS Invoice, or a submitted Sales Invoice that is not a POS closing's
consolidation (`is_consolidated`): the POS Invoices it consolidates were counted already.
"""

from collections import defaultdict
from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from jewel_clienteling.domain.learning import LineRecord, SaleRecord
from jewel_clienteling.domain.preferences import (
	SOURCE_ITEM_ATTRIBUTE,
	SOURCE_ITEM_FIELD,
	ItemFacts,
	PreferenceSource,
)

SALE_DOCTYPES = ("POS Invoice", "Sales Invoice")
CAPTURE_FIELDS = ("jc_purchase_occasion", "jc_recipient_name", "jc_recipient_relation", "jc_occasion_date")
MARK_CHUNK = 2000  # invoice names per UPDATE
# how far back the sweep looks for sales whose customer was not refreshed (services/sync.py)
SWEEP_LOOKBACK_DAYS = 7


def sales_from(doctype: str):
	"""(table, query) over `doctype` that sees only real sales: a POS closing's consolidated
	Sales Invoice repeats POS Invoices already counted, so it is left out here, once for everyone."""
	invoice = DocType(doctype)
	query = frappe.qb.from_(invoice)
	if doctype == "Sales Invoice":
		query = query.where(invoice.is_consolidated == 0)
	return invoice, query


def _sales_query(doctype: str, customer: str):
	invoice, query = sales_from(doctype)
	return query.select(
		invoice.name,
		invoice.posting_date,
		invoice.base_grand_total,
		invoice.is_return,
		invoice.return_against,
		invoice.owner,
		invoice.pos_profile,
		*(invoice[field] for field in CAPTURE_FIELDS),
	).where((invoice.customer == customer) & (invoice.docstatus == 1))


def customer_sales(customer: str) -> list[frappe._dict]:
	"""Every sale and return of hers, oldest first, each tagged with its doctype."""
	rows = []
	for doctype in SALE_DOCTYPES:
		for row in _sales_query(doctype, customer).run(as_dict=True):
			row.doctype = doctype
			rows.append(row)
	rows.sort(key=lambda row: (row.posting_date, row.name))
	return rows


def mark_learnt(customers: str | list[str], sales) -> None:
	"""Note on each invoice which state of it her profile has now learnt from, in the refresh's own
	transaction: the sales it read (submitted) and her cancelled ones. A sale that commits while
	she is being refreshed is not among `sales`, so it stays unlearnt and the sweep finds it.
	`customers` may be one or a page of them; `sales` are rows with `doctype` and `name`.

	Only invoices the sweep can still see (changed in its look-back) are marked: what is older is
	never looked at again, and rewriting years of a chain's invoices would cost more than learning
	them."""
	customers = [customers] if isinstance(customers, str) else list(customers)
	if not customers:
		return
	since = add_to_date(now_datetime(), days=-SWEEP_LOOKBACK_DAYS)
	by_doctype = defaultdict(list)
	for sale in sales:
		modified = getattr(sale, "modified", None)
		if modified and get_datetime(modified) < since:
			continue  # read with its last change, and older than the sweep looks: nothing to mark
		by_doctype[sale.doctype].append(sale.name)
	for doctype in SALE_DOCTYPES:
		invoice = DocType(doctype)
		names = by_doctype[doctype]
		for start in range(0, len(names), MARK_CHUNK):
			(
				frappe.qb.update(invoice)
				.set(invoice.jc_profile_seen, 1)
				.where(
					invoice.name.isin(names[start : start + MARK_CHUNK])
					& (invoice.modified >= since)
					& (invoice.jc_profile_seen != 1)
				)
				.run()
			)
		(
			frappe.qb.update(invoice)
			.set(invoice.jc_profile_seen, 2)
			.where(
				invoice.customer.isin(customers)
				& (invoice.docstatus == 2)
				& (invoice.modified >= since)
				& (invoice.jc_profile_seen != 2)
			)
			.run()
		)


def page_sales(customers: list[str]) -> list[SaleRecord]:
	"""Every sale and return of these customers, one query per invoice doctype."""
	records = []
	for doctype in SALE_DOCTYPES:
		invoice, query = sales_from(doctype)
		query = query.select(
			invoice.customer,
			invoice.name,
			invoice.posting_date,
			invoice.base_grand_total,
			invoice.is_return,
			invoice.return_against,
			invoice.pos_profile,
			invoice.owner,
			invoice.modified,
			*(invoice[field] for field in CAPTURE_FIELDS),
		).where(invoice.customer.isin(customers) & (invoice.docstatus == 1))
		for row in query.run():
			(
				customer,
				name,
				posting_date,
				amount,
				is_return,
				against,
				pos_profile,
				owner,
				modified,
				*capture,
			) = row
			records.append(
				SaleRecord(
					doctype=doctype,
					name=name,
					customer=customer,
					posting_date=getdate(posting_date),
					amount=amount if amount is not None else Decimal(0),
					is_return=bool(is_return),
					return_against=against,
					pos_profile=pos_profile,
					owner=owner,
					purchase_occasion=capture[0],
					recipient_name=capture[1],
					recipient_relation=capture[2],
					occasion_date=getdate(capture[3]) if capture[3] else None,
					modified=modified,
				)
			)
	return records


def page_lines(customers: list[str]) -> list[LineRecord]:
	"""The item rows of those customers' sales and returns, one query per invoice doctype."""
	records = []
	for doctype in SALE_DOCTYPES:
		invoice, query = sales_from(doctype)
		row = DocType(f"{doctype} Item")
		query = (
			query.join(row)
			.on((row.parent == invoice.name) & (row.parenttype == doctype))
			.select(
				invoice.customer, row.parent, row.idx, row.item_code, row.item_group, row.qty, row.jc_size
			)
			.where(invoice.customer.isin(customers) & (invoice.docstatus == 1))
		)
		records.extend(
			LineRecord(customer, doctype, parent, idx or 0, item_code, item_group, float(qty or 0), size)
			for customer, parent, idx, item_code, item_group, qty, size in query.run()
		)
	return records


def item_facts(item_codes: set[str], sources: tuple[PreferenceSource, ...]) -> dict[str, ItemFacts]:
	"""Group, variant attributes and chosen fields of the items, only as far as `sources` need."""
	if not item_codes:
		return {}
	item = DocType("Item")
	meta = frappe.get_meta("Item")
	wanted_fields = sorted(
		{
			s.source_name
			for s in sources
			if s.source_type == SOURCE_ITEM_FIELD and meta.has_field(s.source_name)
		}
	)
	items = (
		frappe.qb.from_(item)
		.select(item.name, item.item_group, *(item[field] for field in wanted_fields))
		.where(item.name.isin(sorted(item_codes)))
		.run(as_dict=True)
	)
	attributes = defaultdict(dict)
	wanted_attributes = sorted({s.source_name for s in sources if s.source_type == SOURCE_ITEM_ATTRIBUTE})
	if wanted_attributes:
		attribute = DocType("Item Variant Attribute")
		for row in (
			frappe.qb.from_(attribute)
			.select(attribute.parent, attribute.attribute, attribute.attribute_value)
			.where(attribute.parent.isin(sorted(item_codes)) & attribute.attribute.isin(wanted_attributes))
			.run(as_dict=True)
		):
			if row.attribute_value:
				attributes[row.parent][row.attribute] = row.attribute_value
	return {
		row.name: ItemFacts(
			item_group=row.item_group,
			attributes=attributes[row.name],
			fields={field: row.get(field) for field in wanted_fields},
		)
		for row in items
	}


def team_users(sales) -> dict[tuple[str, str], str]:
	"""{(doctype, name): user} of the first salesperson with an Employee login on each of those
	sales, in one query per invoice doctype."""
	by_doctype = defaultdict(list)
	for sale in sales:
		by_doctype[sale.doctype].append(sale.name)
	team = DocType("Sales Team")
	person = DocType("Sales Person")
	employee = DocType("Employee")
	users = {}
	for doctype, names in by_doctype.items():
		rows = (
			frappe.qb.from_(team)
			.join(person)
			.on(person.name == team.sales_person)
			.join(employee)
			.on(employee.name == person.employee)
			.select(team.parent, employee.user_id)
			.where(
				team.parent.isin(names)
				& (team.parenttype == doctype)
				& employee.user_id.isnotnull()
				& (employee.user_id != "")
			)
			.orderby(team.parent)
			.orderby(team.idx)
			.run()
		)
		for parent, user in rows:
			users.setdefault((doctype, parent), user)
	return users
