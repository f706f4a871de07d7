"""Finding the customer who owns a mobile number, however it was typed on her Customer or her
Contacts: the counter's walk-ins and repairs, and WhatsApp messages she sends, all ask this.

Stores stay apart here. For an associate limited to her store (see store_access) a customer of
another store with this number is not hers to see or change: the match leaves her out, and names
her only in `elsewhere`, which the caller passes to the managers' Possible Duplicate Customer and
never to the associate. The shop's own processes (the WhatsApp webhook, jobs) look in every store."""

from dataclasses import dataclass

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Replace
from frappe.utils import get_datetime

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services import store_access

MATCHES = 50


@dataclass(frozen=True)
class Match:
	customer: str | None = None
	"""The customer to attach the visit or message to: one the user may see and change."""
	same_number: tuple[str, ...] = ()
	"""Every customer the user may see with this number, `customer` first (a family sharing a phone)."""
	elsewhere: tuple[str, ...] = ()
	"""Customers of stores the user is not limited to with this number: for managers only."""


def find_customer(phone: str, name: str | None = None, every_store: bool = False) -> Match:
	"""The enabled customer with this mobile (E.164), on the Customer or on one of her Contacts,
	however it was typed there ('+91 98765 43210', '098765-43210'), among those the session's user
	may see (all of them with `every_store`). Several (a family sharing a phone): the one whose name
	is the name she gave, else the one seen most recently."""
	region = (clienteling_settings.get_settings().default_region or "IN").upper()
	stores = None if every_store else store_access.allowed_stores()
	last_digits = phone[-8:]
	candidates, elsewhere = {}, set()
	for row in _by_customer_mobile(last_digits) + _by_contact_phone(last_digits):
		if outreach_rules.normalise_phone(row.phone, region) != phone:
			continue
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


def _digits_only(column):
	# spaces, dashes, dots and brackets as people type them; the E.164 tail is then contiguous
	for sign in (" ", "-", ".", "(", ")"):
		column = Replace(column, sign, "")
	return column


def _by_customer_mobile(last_digits: str) -> list:
	customer = DocType("Customer")
	return (
		frappe.qb.from_(customer)
		.select(
			customer.name,
			customer.customer_name,
			customer.modified,
			customer.jc_home_store.as_("home_store"),
			customer.mobile_no.as_("phone"),
		)
		.where(_digits_only(customer.mobile_no).like(f"%{last_digits}") & (customer.disabled == 0))
		.limit(MATCHES)
		.run(as_dict=True)
	)


def _by_contact_phone(last_digits: str) -> list:
	phone = DocType("Contact Phone")
	link = DocType("Dynamic Link")
	customer = DocType("Customer")
	return (
		frappe.qb.from_(phone)
		.join(link)
		.on(
			(link.parent == phone.parent) & (link.parenttype == "Contact") & (link.link_doctype == "Customer")
		)
		.join(customer)
		.on(customer.name == link.link_name)
		.select(
			customer.name,
			customer.customer_name,
			customer.modified,
			customer.jc_home_store.as_("home_store"),
			phone.phone,
		)
		.where(
			(phone.parenttype == "Contact")
			& _digits_only(phone.phone).like(f"%{last_digits}")
			& (customer.disabled == 0)
		)
		.limit(MATCHES)
		.run(as_dict=True)
	)
