"""Every number a customer can be found by, kept beside itself as one key: E.164, read the way the
number was typed ('+91 98765 43210', '098765-43210', '91 9876543210' are all '+919876543210').
customer_lookup then finds her with an indexed equality read instead of scanning every number.

The key lives in `MOBILE_KEY` on the Customer (made from `mobile_no`) and on each Contact Phone row
(made from `phone`), and is set whenever those are saved: Customer.validate, Contact.validate.
ERPNext's POS changes a customer's mobile with frappe.db.set_value and then saves her Contact, so
Contact.on_update brings the linked customers' keys in line with their `mobile_no` too. Rows written
before the key existed (an upgrade, install-app on a store with a past, a change of the settings'
region) are filled by `fill`, set-based and a page at a time.

A number changed by another app's raw write (frappe.db.set_value on Customer.mobile_no alone) keeps
its old key until the Customer or her Contact is next saved, or `fill(refresh=True)` runs."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import IfNull
from pypika.terms import Case

from jewel_clienteling.domain.phones import normalise_phone
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.setup.custom_fields import MOBILE_KEY

# (doctype, the number's field): where a customer's numbers are typed
SOURCES = (("Customer", "mobile_no"), ("Contact Phone", "phone"))
PAGE = 2000  # rows read at a time
WRITE = 200  # rows written by one UPDATE
FILL_JOB = "jewel_clienteling.services.mobile_keys.fill"


def region() -> str:
	"""Where numbers written without +country are from (Clienteling Settings)."""
	return (clienteling_settings.get_settings().default_region or "IN").upper()


def key(number: str | None, region_code: str | None = None) -> str | None:
	"""The key a number is found by: E.164, or None when it is not a number she can be reached on."""
	return normalise_phone(number, region_code or region())


def is_installed() -> bool:
	"""Whether the key's columns exist (they come with migrate; code can be newer than the schema)."""
	return frappe.get_meta("Customer").has_field(MOBILE_KEY)


# ------------------------------------------------------------------------------ kept on every save


def set_on_customer(doc) -> None:
	"""Customer.validate: the key of her mobile (ERPNext has by then fetched it from her primary
	contact)."""
	doc.set(MOBILE_KEY, key(doc.get("mobile_no")))


def set_on_contact(doc) -> None:
	"""Contact.validate: the key of each of her numbers."""
	code = region()
	for row in doc.get("phone_nos") or []:
		row.set(MOBILE_KEY, key(row.phone, code))


def follow_linked_customers(doc) -> None:
	"""Contact.on_update: each linked customer's key made again from her `mobile_no`, where it
	differs. ERPNext's POS writes her new mobile with frappe.db.set_value before saving her Contact."""
	names = sorted(
		{
			link.link_name
			for link in doc.get("links") or []
			if link.link_doctype == "Customer" and link.link_name
		}
	)
	if not names or not is_installed():
		return
	customer = DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(customer.name, customer.mobile_no, customer[MOBILE_KEY])
		.where(customer.name.isin(names))
		.run()
	)
	_write(customer, _changes(rows, region()))


def _changes(rows, code: str) -> dict[str, str | None]:
	"""{name: key} for the rows (name, number, stored key) whose stored key is not their number's."""
	changes = {}
	for name, number, stored in rows:
		wanted = key(number, code)
		if wanted != (stored or None):
			changes[name] = wanted
	return changes


# ------------------------------------------------------------------------ rows written before: fill


def fill(refresh: bool = False, commit: bool = False, page: int = PAGE, progress: bool = False) -> dict:
	"""Set the key on every Customer and Contact Phone row that has a number and no key (with
	`refresh`, on every row, correcting what differs: after a change of region). Reads a page of rows
	in name order, writes the keys that change with a few multi-row UPDATEs, and (with `commit`)
	commits each page: run again after an interruption, it goes on where it stopped. With `progress`,
	prints how far it is every 50 pages. Returns the rows written per doctype."""
	code = region()
	written = {}
	for doctype, number_field in SOURCES:
		written[doctype] = _fill(doctype, number_field, code, refresh, commit, page, progress)
	return written


def _fill(
	doctype: str, number_field: str, code: str, refresh: bool, commit: bool, page: int, progress: bool
) -> int:
	table = DocType(doctype)
	number, stored = IfNull(table[number_field], ""), IfNull(table[MOBILE_KEY], "")
	wanted_rows = ((number != "") | (stored != "")) if refresh else ((number != "") & (stored == ""))
	written, read, after = 0, 0, ""
	while True:
		rows = (
			frappe.qb.from_(table)
			.select(table.name, table[number_field], table[MOBILE_KEY])
			.where((table.name > after) & wanted_rows)
			.orderby(table.name)
			.limit(page)
			.run()
		)
		if not rows:
			return written
		written += _write(table, _changes(rows, code))
		read += len(rows)
		after = rows[-1][0]
		if commit:
			# a page at a time, so an interrupted fill resumes
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		if progress and (read // page) % 50 == 0:
			print(f"  {doctype}: {read:,} rows read, {written:,} keys written", flush=True)


def _write(table, changes: dict[str, str | None]) -> int:
	"""Each row's key by its name: one UPDATE (a CASE on the name) for every WRITE rows."""
	names = list(changes)
	for start in range(0, len(names), WRITE):
		batch = names[start : start + WRITE]
		value = Case()
		for name in batch:
			value = value.when(table.name == name, changes[name])
		frappe.qb.update(table).set(table[MOBILE_KEY], value).where(table.name.isin(batch)).run()
	return len(names)


def refill_after_region_change() -> None:
	"""Clienteling Settings changed the region numbers without +country are read in: their keys are
	made again, in the background, once the change is committed."""
	frappe.enqueue(
		FILL_JOB,
		queue="long",
		job_id="jc-mobile-keys-refill",
		deduplicate=True,
		enqueue_after_commit=True,
		refresh=True,
		commit=True,
	)
