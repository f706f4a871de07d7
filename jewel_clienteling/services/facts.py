"""The facts a profile is computed from: a customer's submitted sales and what was on them.

A sale is a submitted POS Invoice, or a submitted Sales Invoice that is not a POS closing's
consolidation (`is_consolidated`): the POS Invoices it consolidates were counted already.
"""

from collections import defaultdict

import frappe
from frappe.query_builder import DocType

from jewel_clienteling.domain.preferences import (
	SOURCE_ITEM_ATTRIBUTE,
	SOURCE_ITEM_FIELD,
	ItemFacts,
	PreferenceSource,
)

SALE_DOCTYPES = ("POS Invoice", "Sales Invoice")
CAPTURE_FIELDS = ("jc_purchase_occasion", "jc_recipient_name", "jc_recipient_relation", "jc_occasion_date")


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


def mark_learnt(customer: str, sales: list[frappe._dict]) -> None:
	"""Note on each invoice which state of it her profile has now learnt from, in the refresh's own
	transaction: the sales it read (submitted) and her cancelled ones. A sale that commits while
	she is being refreshed is not among `sales`, so it stays unlearnt and the sweep finds it."""
	by_doctype = defaultdict(list)
	for sale in sales:
		by_doctype[sale.doctype].append(sale.name)
	for doctype in SALE_DOCTYPES:
		invoice = DocType(doctype)
		if by_doctype[doctype]:
			(
				frappe.qb.update(invoice)
				.set(invoice.jc_profile_seen, 1)
				.where(invoice.name.isin(by_doctype[doctype]) & (invoice.jc_profile_seen != 1))
				.run()
			)
		(
			frappe.qb.update(invoice)
			.set(invoice.jc_profile_seen, 2)
			.where((invoice.customer == customer) & (invoice.docstatus == 2) & (invoice.jc_profile_seen != 2))
			.run()
		)


def sale_lines(sales: list[frappe._dict]) -> list[frappe._dict]:
	"""The item rows of those sales, each with its invoice's doctype, date and return link."""
	by_doctype = defaultdict(list)
	for sale in sales:
		by_doctype[sale.doctype].append(sale.name)
	lines = []
	for doctype, names in by_doctype.items():
		row = DocType(f"{doctype} Item")
		for line in (
			frappe.qb.from_(row)
			.select(row.parent, row.item_code, row.item_group, row.qty, row.jc_size)
			.where(row.parent.isin(names) & (row.parenttype == doctype))
			.run(as_dict=True)
		):
			line.doctype = doctype
			lines.append(line)
	return lines


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


def served_by(sale: frappe._dict) -> str | None:
	"""The user who served a sale: its first salesperson's user when the sales team names one with an
	Employee login, else whoever made the invoice (not Administrator, who is no associate)."""
	team = DocType("Sales Team")
	person = DocType("Sales Person")
	employee = DocType("Employee")
	rows = (
		frappe.qb.from_(team)
		.join(person)
		.on(person.name == team.sales_person)
		.join(employee)
		.on(employee.name == person.employee)
		.select(employee.user_id)
		.where(
			(team.parent == sale.name)
			& (team.parenttype == sale.doctype)
			& employee.user_id.isnotnull()
			& (employee.user_id != "")
		)
		.orderby(team.idx)
		.limit(1)
		.run()
	)
	if rows:
		return rows[0][0]
	return sale.owner if sale.owner not in (None, "", "Administrator", "Guest") else None
