"""Finding the customer who owns a mobile number, however it was typed on her Customer or her
Contacts: the counter's walk-ins and repairs, and WhatsApp messages she sends, all ask this. Each
number is kept with its E.164 key (services/mobile_keys), so this is an indexed equality read.

Stores stay apart here. For an associate limited to her store (see store_access) a customer of
another store with this number is not hers to see or change: the match leaves her out, and names
her only in `elsewhere`, which the caller passes to the managers' Possible Duplicate Customer and
never to the associate. The shop's own processes (the WhatsApp webhook, jobs) look in every store.
Someone who is not a customer yet may be an open enquiry: find_lead finds her Lead the same way."""

from dataclasses import dataclass

import frappe
from frappe.query_builder import DocType, Order
from frappe.query_builder.functions import IfNull
from frappe.utils import get_datetime

from jewel_clienteling.domain.leads import CLOSED_STAGES, STAGE_NEW
from jewel_clienteling.services import mobile_keys, store_access
from jewel_clienteling.setup.custom_fields import MOBILE_KEY

MATCHES = 50  # rows read from each of Customer and Contact Phone at most, as before the key


@dataclass(frozen=True)
class Match:
	customer: str | None = None
	"""The customer to attach the visit or message to: one the user may see and change."""
	same_number: tuple[str, ...] = ()
	"""Every customer the user may see with this number, `customer` first (a family sharing a phone)."""
	elsewhere: tuple[str, ...] = ()
	"""Customers of stores the user is not limited to with this number: for managers only."""


def find_customer(phone: str, name: str | None = None, every_store: bool = False) -> Match:
	"""The enabled customer with this mobile, on the Customer or on one of her Contacts, however it
	was typed here or there ('+91 98765 43210', '098765-43210', '+919876543210'), among those the
	session's user may see (all of them with `every_store`). Several (a family sharing a phone): the
	one whose name is the name she gave, else the one seen most recently. Not a number: no one."""
	number = mobile_keys.key(phone)
	if not number:
		return Match()
	stores = None if every_store else store_access.allowed_stores()
	candidates, elsewhere = {}, set()
	for row in query_by_key(number).run(as_dict=True):
		if store_access.sees_home_store(row.home_store, stores):
			candidates[row.name] = row
		else:
			elsewhere.add(row.name)
	wanted = (name or "").casefold()
	rows = sorted(
		candidates.values(),
		key=lambda row: (
			(row.customer_name or "").casefold() != wanted,
			-get_datetime(row.modified).timestamp(),
		),
	)
	return Match(
		customer=rows[0].name if rows else None,
		same_number=tuple(row.name for row in rows),
		elsewhere=tuple(sorted(elsewhere - set(candidates))),
	)


def query_by_key(number: str):
	"""The query for the enabled customers with this key on the Customer or on a Contact linked to
	her, in one round trip: two indexed equality reads under UNION ALL."""
	customer, phone, link = DocType("Customer"), DocType("Contact Phone"), DocType("Dynamic Link")
	fields = (
		customer.name,
		customer.customer_name,
		customer.modified,
		customer.jc_home_store.as_("home_store"),
	)
	on_customer = (
		frappe.qb.from_(customer)
		.select(*fields)
		.where((customer[MOBILE_KEY] == number) & (customer.disabled == 0))
	)
	on_contacts = (
		frappe.qb.from_(phone)
		.join(link)
		.on(
			(link.parent == phone.parent) & (link.parenttype == "Contact") & (link.link_doctype == "Customer")
		)
		.join(customer)
		.on(customer.name == link.link_name)
		.select(*fields)
		.where((phone[MOBILE_KEY] == number) & (phone.parenttype == "Contact") & (customer.disabled == 0))
	)
	return on_customer.union_all(on_contacts).limit(2 * MATCHES)


def find_lead(phone: str | None, every_store: bool = False) -> str | None:
	"""Her open enquiry (ERPNext's Lead, not yet Won or Lost) with this mobile, however it was typed,
	among the leads the session's user may see by store (all of them with `every_store`): the most
	recently changed. None when there is none. A lead of another store is never named."""
	found = open_leads(phone, every_store)
	return found[0] if found else None


def open_leads(phone: str | None, every_store: bool = False) -> list[str]:
	"""Every open lead with this mobile the user may see, the most recently changed first (one indexed
	equality read on the lead's key)."""
	number = mobile_keys.key(phone)
	if not number:
		return []
	lead = DocType("Lead")
	query = (
		frappe.qb.from_(lead)
		.select(lead.name)
		.where((lead[MOBILE_KEY] == number) & IfNull(lead.jc_stage, STAGE_NEW).notin(sorted(CLOSED_STAGES)))
		.orderby(lead.modified, order=Order.desc)
		.limit(MATCHES)
	)
	stores = None if every_store else store_access.allowed_stores()
	if stores is not None:
		query = query.where(store_access.lead_criterion(lead, stores))
	return [row[0] for row in query.run()]
