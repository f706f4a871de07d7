"""Finding the customer who owns a mobile number, however it was typed on her Customer or her
Contacts: the counter's walk-ins and repairs, and WhatsApp messages she sends, all ask this."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Replace
from frappe.utils import get_datetime

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import settings as clienteling_settings

MATCHES = 50


def find_customer(phone: str, name: str | None = None) -> str | None:
	"""The enabled customer with this mobile (E.164), on the Customer or on one of her Contacts,
	however it was typed there ('+91 98765 43210', '098765-43210'). Several (a family sharing a
	phone): the one whose name is the name she gave, else the one seen most recently."""
	region = (clienteling_settings.get_settings().default_region or "IN").upper()
	last_digits = phone[-8:]
	candidates = {}
	for row in _by_customer_mobile(last_digits) + _by_contact_phone(last_digits):
		if outreach_rules.normalise_phone(row.phone, region) == phone:
			candidates[row.name] = row
	if not candidates:
		return None
	wanted = (name or "").casefold()
	rows = sorted(
		candidates.values(),
		key=lambda row: (
			(row.customer_name or "").casefold() != wanted,
			-get_datetime(row.modified).timestamp(),
		),
	)
	return rows[0].name


def _digits_only(column):
	# spaces, dashes, dots and brackets as people type them; the E.164 tail is then contiguous
	for sign in (" ", "-", ".", "(", ")"):
		column = Replace(column, sign, "")
	return column


def _by_customer_mobile(last_digits: str) -> list:
	customer = DocType("Customer")
	return (
		frappe.qb.from_(customer)
		.select(customer.name, customer.customer_name, customer.modified, customer.mobile_no.as_("phone"))
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
		.select(customer.name, customer.customer_name, customer.modified, phone.phone)
		.where(
			(phone.parenttype == "Contact")
			& _digits_only(phone.phone).like(f"%{last_digits}")
			& (customer.disabled == 0)
		)
		.limit(MATCHES)
		.run(as_dict=True)
	)
