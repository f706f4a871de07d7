"""Taking the demo out of a site again: the demo's customers (found by their prefix) with everything
that belongs to them (invoices and their ledger entries, occasions, preferences, notes, outreach,
points, repairs), then its catalogue, stores, associates and karigar. Records of other customers are
never touched."""

import time
from collections import Counter
from collections.abc import Callable

import frappe
from frappe.query_builder import DocType

from jewel_clienteling.demo import catalogue, people, setup
from jewel_clienteling.demo.loader import MODULE, SALE_DOCTYPES


def demo_customers(prefix: str) -> list[str]:
	return frappe.get_all("Customer", filters={"name": ("like", f"{prefix}-CUST-%")}, pluck="name")


def remove(prefix: str = "DEMO", echo: Callable[[str], None] | None = print) -> dict:
	"""Delete the demo's customers and everything of theirs, then its catalogue, stores, associates
	and karigar (each kept, and said, if a record outside the demo still uses it)."""
	echo = echo or (lambda _text: None)
	started = time.monotonic()
	removed: Counter = Counter()
	customers = demo_customers(prefix)
	if customers:
		for doctype in SALE_DOCTYPES:
			names = frappe.get_all(doctype, filters={"customer": ("in", customers)}, pluck="name")
			removed[doctype] = _purge_invoices(doctype, names)
		for doctype, fieldname in _our_customer_links():
			removed[doctype] += _purge_where(doctype, fieldname, customers)
		removed["Contact"] = _purge_contacts(customers)
		removed["Customer"] = _purge("Customer", customers)
	kept = []
	codes = [f"{prefix}-{piece.code}" for piece in catalogue.PIECES]
	codes += [f"{prefix}-{template}" for template in catalogue.TEMPLATES]
	for doctype, names in (
		("Item", codes),
		("POS Profile", [f"{prefix} {store}" for store in people.STORES]),
		("Supplier", [f"{prefix} {people.KARIGAR}"]),
		("User", [setup.associate_email(prefix, login) for login, _first, _last in people.ASSOCIATES]),
	):
		for name in names:
			if not frappe.db.exists(doctype, name):
				continue
			try:
				frappe.delete_doc(doctype, name, ignore_permissions=True, delete_permanently=True)
				removed[doctype] += 1
			except (frappe.LinkExistsError, frappe.ValidationError):
				frappe.clear_last_message()
				kept.append(f"{doctype} {name}")
	frappe.db.commit()
	seconds = round(time.monotonic() - started, 1)
	echo(f"Demo '{prefix}' removed in {seconds} s: " + ", ".join(f"{v} {k}" for k, v in removed.items() if v))
	if kept:
		echo("Kept, because records outside the demo use them: " + ", ".join(kept))
	return {"removed": dict(removed), "kept": kept, "seconds": seconds}


def _our_customer_links() -> list[tuple[str, str]]:
	"""(doctype, field) of every Customer link in this app's doctypes, child tables included."""
	field = DocType("DocField")
	doctype = DocType("DocType")
	return (
		frappe.qb.from_(field)
		.join(doctype)
		.on(doctype.name == field.parent)
		.select(field.parent, field.fieldname)
		.where(
			(doctype.module == MODULE)
			& (field.fieldtype == "Link")
			& (field.options == "Customer")
			& (doctype.issingle == 0)
		)
		.run()
	)


def _purge(doctype: str, names: list[str]) -> int:
	"""Delete these rows of `doctype` with their child rows, comments and versions, straight from
	the tables (as ERPNext's own transaction deletion does): submitted ones included."""
	if not names:
		return 0
	for chunk in _chunks(names):
		for table_field in frappe.get_meta(doctype).get_table_fields():
			child = DocType(table_field.options)
			frappe.qb.from_(child).delete().where(
				child.parent.isin(chunk) & (child.parenttype == doctype)
			).run()
		for log, doctype_field, name_field in (
			("Comment", "reference_doctype", "reference_name"),
			("Version", "ref_doctype", "docname"),
		):
			table = DocType(log)
			frappe.qb.from_(table).delete().where(
				(table[doctype_field] == doctype) & table[name_field].isin(chunk)
			).run()
		table = DocType(doctype)
		frappe.qb.from_(table).delete().where(table.name.isin(chunk)).run()
	return len(names)


def _purge_where(doctype: str, fieldname: str, customers: list[str]) -> int:
	table = DocType(doctype)
	if frappe.get_meta(doctype).istable:
		rows = (
			frappe.qb.from_(table).select(table.name).where(table[fieldname].isin(customers)).run(pluck=True)
		)
		if rows:
			frappe.qb.from_(table).delete().where(table.name.isin(rows)).run()
		return len(rows)
	return _purge(
		doctype,
		frappe.qb.from_(table).select(table.name).where(table[fieldname].isin(customers)).run(pluck=True),
	)


def _purge_invoices(doctype: str, names: list[str]) -> int:
	"""Invoices with their general ledger and payment ledger entries."""
	for chunk in _chunks(names):
		gl = DocType("GL Entry")
		frappe.qb.from_(gl).delete().where((gl.voucher_type == doctype) & gl.voucher_no.isin(chunk)).run()
		ple = DocType("Payment Ledger Entry")
		frappe.qb.from_(ple).delete().where(
			(ple.voucher_type == doctype) & (ple.voucher_no.isin(chunk) | ple.against_voucher_no.isin(chunk))
		).run()
	return _purge(doctype, names)


def _purge_contacts(customers: list[str]) -> int:
	"""Contacts that belong to demo customers only."""
	link = DocType("Dynamic Link")
	mine = set(
		frappe.qb.from_(link)
		.select(link.parent)
		.where(
			(link.parenttype == "Contact")
			& (link.link_doctype == "Customer")
			& link.link_name.isin(customers)
		)
		.run(pluck=True)
	)
	if not mine:
		return 0
	shared = set(
		frappe.qb.from_(link)
		.select(link.parent)
		.where(
			(link.parenttype == "Contact")
			& link.parent.isin(list(mine))
			& ((link.link_doctype != "Customer") | link.link_name.notin(customers))
		)
		.run(pluck=True)
	)
	return _purge("Contact", sorted(mine - shared))


def _chunks(names: list[str], size: int = 500):
	for start in range(0, len(names), size):
		yield names[start : start + size]
