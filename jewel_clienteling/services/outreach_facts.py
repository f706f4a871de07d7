"""What the outreach queue reads about the customers it plans for (consent, reachability, what
already reaches them, their tastes) and how it writes the rows it decides on: in sets, a chunk of
customers at a time, never a query per customer."""

from collections import defaultdict
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import phones
from jewel_clienteling.services import mobile_keys
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.setup.custom_fields import MOBILE_KEY

OUTREACH = "Client Outreach"
INSERT_ROWS = 5000  # rows a statement


def insert_ignoring_duplicates(fields: tuple[str, ...], rows: list[tuple]) -> None:
	"""One multi-row INSERT IGNORE of outreach rows (a statement per 5 000), values as parameters: a
	row whose dedupe key is already there is left out, so two planners can never plan it twice.
	frappe.db.bulk_insert writes the same statement, but builds it value by value in the query
	builder, which cost a daily plan of a million customers more time than the database spent."""
	columns = ", ".join(f"`{field}`" for field in fields)
	one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), INSERT_ROWS):
		chunk = rows[start : start + INSERT_ROWS]
		# the table and column names are this app's constants; every value goes as a parameter
		query = f"INSERT IGNORE INTO `tab{OUTREACH}` ({columns}) VALUES {', '.join([one_row] * len(chunk))}"  # noqa: S608
		# one statement of many rows, which frappe.qb builds far slower than the database runs it
		# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
		frappe.db.sql(query, [value for row in chunk for value in row])


def existing_keys(keys: list[str]) -> set[str]:
	if not keys:
		return set()
	outreach = DocType(OUTREACH)
	found: set[str] = set()
	for start in range(0, len(keys), 1000):
		found.update(
			row[0]
			for row in frappe.qb.from_(outreach)
			.select(outreach.dedupe_key)
			.where(outreach.dedupe_key.isin(keys[start : start + 1000]))
			.run()
		)
	return found


def contact_of(customer: frappe._dict) -> outreach_rules.Contact:
	"""Her consent and reachability, from a row of `customer_facts` (phone already normalised)."""
	return outreach_rules.Contact(
		do_not_contact=bool(customer.jc_do_not_contact),
		whatsapp_opt_in=bool(customer.jc_whatsapp_opt_in),
		sms_opt_in=bool(customer.jc_sms_opt_in),
		email_opt_in=bool(customer.jc_email_opt_in),
		has_mobile=bool(customer.phone),
		has_email=bool(customer.email_id),
		preferred_channel=customer.jc_preferred_channel or None,
	)


def customer_contact(customer: str) -> outreach_rules.Contact | None:
	"""One customer's Contact, as the planner sees it; None when disabled or gone."""
	row = customer_facts([customer]).get(customer)
	return contact_of(row) if row else None


def customer_facts(names: list[str]) -> dict[str, frappe._dict]:
	"""Enabled customers among `names`, with what consent, channel and assignment need (`phone`:
	her mobile normalised)."""
	customer = DocType("Customer")
	# the number's E.164 key, where the schema has it, spares parsing the number again
	keyed = (customer[MOBILE_KEY],) if mobile_keys.is_installed() else ()
	rows = (
		frappe.qb.from_(customer)
		.select(
			*keyed,
			customer.name,
			customer.customer_name,
			customer.mobile_no,
			customer.email_id,
			customer.jc_do_not_contact,
			customer.jc_whatsapp_opt_in,
			customer.jc_sms_opt_in,
			customer.jc_email_opt_in,
			customer.jc_preferred_channel,
			customer.jc_contact_rhythm,
			customer.jc_preferred_time,
			customer.jc_preferred_associate,
			customer.jc_last_served_by,
		)
		.where(customer.name.isin(names) & (customer.disabled == 0))
		.run(as_dict=True)
	)
	region = (clienteling_settings.get_settings().default_region or "IN").upper()
	for row in rows:
		row.phone = phones.normalise_phone_from_key(row.mobile_no, row.pop(MOBILE_KEY, None), region)
	return {row.name: row for row in rows}


def existing_marketing(
	customers: list[str], start: date, end: date
) -> dict[str, list[outreach_rules.Existing]]:
	"""Marketing outreach already queued or sent to these customers around the dates being planned."""
	if not customers:
		return {}
	outreach = DocType(OUTREACH)
	rows = (
		frappe.qb.from_(outreach)
		.select(
			outreach.customer,
			outreach.dedupe_key,
			outreach.due_date,
			outreach.reason,
			outreach.reference_doctype,
			outreach.reference_name,
			outreach.status,
		)
		.where(
			outreach.customer.isin(customers)
			& (outreach.due_date >= start)
			& (outreach.due_date <= end)
			& (outreach.purpose == outreach_rules.MARKETING)
			& outreach.status.notin(lifecycle.NOT_COUNTED)
		)
		.run(as_dict=True)
	)
	found: dict[str, list[outreach_rules.Existing]] = defaultdict(list)
	for row in rows:
		found[row.customer].append(
			outreach_rules.Existing(
				key=row.dedupe_key,
				due_date=getdate(row.due_date),
				priority=outreach_rules.PRIORITY.get(row.reason, 99),
				topic_key=f"{row.reference_doctype}:{row.reference_name}",
				sent=row.status not in lifecycle.OPEN,
			)
		)
	return found


def preferred_categories(customers: list[str]) -> dict[str, str]:
	"""Her strongest category preference, for "new arrivals in ..." messages."""
	if not customers:
		return {}
	preference = DocType("Preference")
	best: dict[str, tuple[int, float, str]] = {}
	for row in (
		frappe.qb.from_(preference)
		.select(preference.customer, preference.value, preference.source, preference.score)
		.where(preference.customer.isin(customers) & (preference.dimension == "Category"))
		.run(as_dict=True)
	):
		rank = (1 if row.source == "Stated" else 0, row.score or 0.0, row.value)
		if row.customer not in best or rank > best[row.customer]:
			best[row.customer] = rank
	return {customer: rank[2] for customer, rank in best.items()}
