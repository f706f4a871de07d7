"""Possible duplicates across stores: an associate limited to her store recorded someone whose mobile
belongs to another store's customer. She was not told (that customer is not hers to see); the
visit or repair was kept for her store against a new customer, and a Possible Duplicate Customer
row tells the managers. A Clienteling Manager merges the two with ERPNext's own rename-merge (the
new record into the older one, every link following), or marks them as not the same person (two
people sharing a phone)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_datetime, now_datetime

from jewel_clienteling.domain import duplicates
from jewel_clienteling.domain.occasions import occasion_key
from jewel_clienteling.domain.outreach import dedupe_key
from jewel_clienteling.domain.outreach_lifecycle import OPEN as OPEN_OUTREACH
from jewel_clienteling.domain.preferences import preference_key
from jewel_clienteling.services import sync
from jewel_clienteling.services.customer_lookup import Match

DUPLICATE = "Possible Duplicate Customer"
CONSENT_CHANNELS = ("WhatsApp", "SMS", "Email")


def flag(customer: str, match: Match, mobile: str, reference_doctype: str, reference_name: str) -> int:
	"""One open row per customer of another store that `customer` may be; returns how many were added."""
	store = frappe.db.get_value("Customer", customer, "jc_home_store")
	added = 0
	for existing in match.elsewhere:
		if existing == customer or frappe.db.exists(
			DUPLICATE, {"customer": customer, "existing_customer": existing}
		):
			continue
		frappe.get_doc(
			{
				"doctype": DUPLICATE,
				"customer": customer,
				"store": store,
				"recorded_by": frappe.session.user,
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
				"existing_customer": existing,
				"existing_store": frappe.db.get_value("Customer", existing, "jc_home_store"),
				"mobile": mobile,
				"status": duplicates.OPEN,
			}
		).insert(ignore_permissions=True)  # the associate never reads it; the managers do
		added += 1
	return added


def merge(name: str) -> str:
	"""Merge the customer recorded at the second store into the existing one, with ERPNext's rename
	(which asks for the user's write and delete rights on Customer): her visits, repairs, points,
	notes, consent history and contacts follow. Her consent is her latest word on either record.
	Returns the customer kept."""
	row = frappe.get_doc(DUPLICATE, name, for_update=True)
	if row.status != duplicates.OPEN:
		frappe.throw(_("This possible duplicate is already {0}.").format(_(row.status)))
	kept, dropped = row.existing_customer, row.customer
	for customer, ptype in ((kept, "write"), (dropped, "write"), (dropped, "delete")):
		frappe.has_permission("Customer", ptype, doc=customer, throw=True)
	consent = _merged_consent(kept, dropped)
	frappe.rename_doc("Customer", dropped, kept, merge=True, show_alert=False)
	if consent:
		frappe.db.set_value("Customer", kept, consent)
	_resolve(row.name, duplicates.MERGED, merged_from=dropped)
	# other rows about the record merged away now point at the kept one: nothing left to merge there
	table = DocType(DUPLICATE)
	for other in (
		frappe.qb.from_(table)
		.select(table.name)
		.where((table.status == duplicates.OPEN) & (table.customer == table.existing_customer))
		.run(pluck=True)
	):
		_resolve(other, duplicates.MERGED, merged_from=dropped)
	sync.refresh_after_commit(kept)
	return kept


def rekey(customer: str) -> dict:
	"""After ERPNext renames a Customer or merges one into her (Customer after_rename): the keys that
	keep her preferences, occasions and outreach unique carry her ID, and those that came with the old
	ID are made hers. A preference or occasion she already had on both records is kept once (hers);
	an outreach planned for both is sent once (the other is skipped). Returns what was done."""
	done = {"rekeyed": 0, "duplicates_removed": 0, "outreach_skipped": 0}
	keyed = (
		("Preference", "preference_key", ["dimension", "qualifier", "value"], _preference_key),
		("Occasion", "occasion_key", ["occasion_type", "person_name", "day", "month"], _occasion_key),
		(
			"Client Outreach",
			"dedupe_key",
			["reason", "reference_doctype", "reference_name", "cycle", "status"],
			_outreach_key,
		),
	)
	for doctype, key_field, fields, make_key in keyed:
		rows = frappe.get_all(
			doctype,
			filters={"customer": customer},
			fields=["name", key_field, *fields],
			order_by="creation asc",
		)
		taken = {row[key_field] for row in rows}
		for row in rows:
			wanted = make_key(customer, row)
			if row[key_field] == wanted:
				continue
			if wanted not in taken:
				frappe.db.set_value(doctype, row.name, key_field, wanted, update_modified=False)
				taken.add(wanted)
				done["rekeyed"] += 1
			elif doctype != "Client Outreach":
				frappe.delete_doc(doctype, row.name, ignore_permissions=True, force=True)
				done["duplicates_removed"] += 1
			elif row.status in OPEN_OUTREACH:
				frappe.db.set_value(
					doctype,
					row.name,
					{
						"status": "Skipped",
						"skip_reason": _("The customer's records were merged; the message goes out once."),
					},
				)
				done["outreach_skipped"] += 1
	return done


def _preference_key(customer: str, row) -> str:
	return f"{customer}|{preference_key(row.dimension, row.qualifier, row.value)}"


def _occasion_key(customer: str, row) -> str:
	return occasion_key(customer, row.occasion_type, row.person_name, int(row.day), int(row.month))


def _outreach_key(customer: str, row) -> str:
	return dedupe_key(customer, row.reason, row.reference_doctype, row.reference_name, row.cycle)


def not_the_same(name: str) -> None:
	row = frappe.get_doc(DUPLICATE, name, for_update=True)
	if row.status != duplicates.OPEN:
		frappe.throw(_("This possible duplicate is already {0}.").format(_(row.status)))
	_resolve(row.name, duplicates.NOT_THE_SAME)


def _resolve(name: str, status: str, merged_from: str | None = None) -> None:
	values = {"status": status, "resolved_by": frappe.session.user, "resolved_on": now_datetime()}
	if merged_from:
		values["merged_from"] = merged_from
	frappe.db.set_value(DUPLICATE, name, values)


def _merged_consent(kept: str, dropped: str) -> dict:
	"""The consent fields the kept customer takes from the dropped one (her latest word per channel),
	and do-not-contact if either record had it."""
	fields = ["jc_do_not_contact"]
	for channel in CONSENT_CHANNELS:
		key = channel.lower()
		fields += [f"jc_{key}_opt_in", f"jc_{key}_opt_in_on", f"jc_{key}_opt_in_via"]
	records = {
		customer: frappe.db.get_value("Customer", customer, fields, as_dict=True)
		for customer in (kept, dropped)
	}
	values = {}
	for channel in CONSENT_CHANNELS:
		key = channel.lower()
		states = {customer: _consent(records[customer], customer, channel) for customer in (kept, dropped)}
		if duplicates.latest_word(states[kept], states[dropped]) == duplicates.DROPPED:
			values.update(
				{field: records[dropped].get(field) for field in fields if field.startswith(f"jc_{key}_")}
			)
	if duplicates.do_not_contact(records[kept].jc_do_not_contact, records[dropped].jc_do_not_contact):
		values["jc_do_not_contact"] = 1
	return values


def _consent(record, customer: str, channel: str) -> duplicates.Consent:
	key = channel.lower()
	withdrawn = frappe.db.get_value(
		"Consent Change",
		{"customer": customer, "channel": channel, "opted_in": 0},
		"changed_on",
		order_by="changed_on desc",
	)
	given = record.get(f"jc_{key}_opt_in_on")
	return duplicates.Consent(
		opted_in=bool(record.get(f"jc_{key}_opt_in")),
		given_on=get_datetime(given) if given else None,
		withdrawn_on=get_datetime(withdrawn) if withdrawn else None,
	)


def rows_about(customer: str) -> list[dict]:
	"""Her possible-duplicate rows, either side, for her access request."""
	table = DocType(DUPLICATE)
	return (
		frappe.qb.from_(table)
		.select("*")
		.where((table.customer == customer) | (table.existing_customer == customer))
		.orderby(table.creation)
		.run(as_dict=True)
	)


def forget(customer: str) -> int:
	"""Her erasure: the rows naming her (with her name and mobile) go."""
	table = DocType(DUPLICATE)
	names = (
		frappe.qb.from_(table)
		.select(table.name)
		.where((table.customer == customer) | (table.existing_customer == customer))
		.run(pluck=True)
	)
	for name in names:
		frappe.delete_doc(DUPLICATE, name, ignore_permissions=True, force=True)
	return len(names)
