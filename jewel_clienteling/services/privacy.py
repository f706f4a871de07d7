"""Her rights over her data (India's DPDP Act, GDPR): a copy of everything this app holds about one
customer, and the erasure of the app's personal data about her.

Erasure keeps what the law or the books need: her invoices (tax law keeps them for years), her
Customer record that they point to, the Loyalty Ledger (it is money owed) and repair tickets (goods
she entrusted). It keeps an anonymous audit that consent existed: her Consent Change rows lose her
name and carry a keyed pseudonym instead. Everything else the app learnt or wrote about her goes (the
lead she was and her appointments too). A walk-in has no User, Frappe's deletion request cannot reach
her: keyed by Customer."""

import hashlib
import hmac

import frappe
from frappe import _
from frappe.model import no_value_fields
from frappe.query_builder import DocType
from frappe.utils import now_datetime
from frappe.utils.password import get_encryption_key

from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain.phones import normalise_phone
from jewel_clienteling.services import (
	appointments,
	duplicates,
	old_gold,
	privacy_leads,
	privacy_logs,
	shared_number,
	webhook_intake,
)
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.inbox import forget as forget_conversations
from jewel_clienteling.services.privacy_logs import ERASED  # noqa: F401 (privacy.ERASED, for leads)
from jewel_clienteling.setup.custom_fields import CUSTOMER_FIELDS, INVOICE_FIELDS

LOG = "Clienteling Privacy Log"
# deleted outright, in this order (a note may point at an occasion)
PERSONAL = ("Customer Note", "Occasion", "Preference", "Clienteling WhatsApp Message", "Customer Feedback")
# kept, without these fields
OUTREACH_REDACTED = ("phone", "message", "context", "error_message")
REPAIR_REDACTED = ("walk_in_name", "walk_in_phone")
INVOICE_REDACTED = ("jc_purchase_occasion", "jc_recipient_name", "jc_recipient_relation", "jc_occasion_date")
INVOICES = ("Sales Invoice", "POS Invoice")
CHANNELS = ("WhatsApp", "SMS", "Email")
# what her export leaves out: the app's own bookkeeping, not data about her
INTERNAL = {
	"claim",
	"claimed_until",
	"dedupe_key",
	"occasion_key",
	"preference_key",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"_seen",
	"idx",
	"docstatus",
	"owner",
	"modified_by",
	"jc_profile_seen",
}
KEPT_ON_CUSTOMER = {"jc_erased_on", "jc_do_not_contact", "jc_home_store"}


def pseudonym(customer: str) -> str:
	"""A keyed hash of her customer ID: the same for the same customer on this site, and not
	reversible without the site's encryption key."""
	key = get_encryption_key().encode()
	return hmac.new(key, customer.encode(), hashlib.sha256).hexdigest()[:32]


# ------------------------------------------------------------------------------------------ export


def export(customer: str, request_reference: str | None = None) -> dict:
	"""Everything the app holds about her, as plain data, with an audit row."""
	data = {
		"customer": _customer_data(customer),
		"occasions": _rows("Occasion", customer),
		"preferences": _rows("Preference", customer),
		"notes": _rows("Customer Note", customer),
		"outreach": _rows("Client Outreach", customer),
		"whatsapp_messages": _rows("Clienteling WhatsApp Message", customer),
		"whatsapp_conversations": _rows("Clienteling Conversation", customer),
		"consent_changes": _rows("Consent Change", customer),
		"repair_tickets": _rows("Repair Ticket", customer),
		"loyalty_ledger": _rows("Loyalty Ledger", customer),
		"catalogue_shares": _rows("Catalogue Share", customer),
		"feedback": _rows("Customer Feedback", customer),
		"old_gold_exchanges": old_gold.export_rows(customer),
		"possible_duplicates": [_clean(row) for row in duplicates.rows_about(customer)],
		"appointments": [_clean(row) for row in appointments.about(customer)],
		"invoices": _invoices(customer),
		"leads": privacy_leads.export_for_customer(customer),
	}
	summary = {key: len(value) for key, value in data.items() if isinstance(value, list)}
	_audit("Export", customer, request_reference, summary)
	return {
		"exported_on": str(now_datetime()),
		"store": frappe.defaults.get_global_default("company") or frappe.local.site,
		**data,
	}


def _customer_data(customer: str) -> dict:
	fields = ["name", "customer_name", "mobile_no", "email_id", "customer_group", "territory", "creation"]
	fields += [field["fieldname"] for field in CUSTOMER_FIELDS if _is_data(field)]
	row = frappe.db.get_value("Customer", customer, fields, as_dict=True)
	return _clean(row)


def _rows(doctype: str, customer: str) -> list[dict]:
	rows = frappe.get_all(doctype, filters={"customer": customer}, fields=["*"], order_by="creation asc")
	return [_clean(row) for row in rows]


def _invoices(customer: str) -> list[dict]:
	fields = ["name", "posting_date", "grand_total", "currency", "is_return", "docstatus"]
	fields += [field["fieldname"] for field in INVOICE_FIELDS if _is_data(field)]
	found = []
	for doctype in INVOICES:
		for row in frappe.get_all(
			doctype, filters={"customer": customer}, fields=fields, order_by="posting_date"
		):
			found.append({"doctype": doctype, **_clean(row)})
	return found


def _is_data(field: dict) -> bool:
	return field["fieldtype"] not in no_value_fields and not field.get("hidden")


def _clean(row) -> dict:
	return {key: value for key, value in (row or {}).items() if key not in INTERNAL}


# ----------------------------------------------------------------------------------------- erasure


def erase(customer: str, request_reference: str | None = None) -> dict:
	"""Erase the app's personal data about her; returns how many records of each kind were touched.
	Runs in the caller's transaction: it all happens or none of it does. Running it again finds
	little left and changes nothing else."""
	if not frappe.db.get_value("Customer", customer, "name", for_update=True):
		frappe.throw(_("Customer {0} does not exist.").format(customer), frappe.DoesNotExistError)
	before = frappe.db.get_value(
		"Customer", customer, ["customer_name", "mobile_no", *_consent_fields()], as_dict=True
	)
	subject = pseudonym(customer)
	summary = {}
	summary["consent_changes_made_anonymous"] = _anonymise_consent(customer, before, subject)
	phones = _phones(customer, before.mobile_no)
	outreach = frappe.get_all("Client Outreach", filters={"customer": customer}, pluck="name")
	for doctype in PERSONAL:
		names = frappe.get_all(doctype, filters={"customer": customer}, pluck="name")
		# a low score's ToDo quotes her name and comment
		frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", names or [""])})
		_forget_history(doctype, names)
		frappe.db.delete(doctype, {"customer": customer})
		summary[_key(doctype, "deleted")] = len(names)
	summary["possible_duplicates_deleted"] = duplicates.forget(customer)
	summary["leads_emptied"] = privacy_leads.erase_for_customer(customer)  # the lead she was
	summary.update(appointments.forget(customer))
	shares = frappe.get_all("Catalogue Share", filters={"customer": customer}, pluck="name")
	for child in ("Catalogue Share Item", "Catalogue Share View"):
		frappe.db.delete(child, {"parent": ("in", shares or [""]), "parenttype": "Catalogue Share"})
	frappe.db.delete("Catalogue Share", {"customer": customer})
	summary["catalogue_shares_deleted"] = len(shares)
	summary["outreach_redacted"] = _redact_outreach(customer, outreach)
	summary["repair_tickets_redacted"] = _blank("Repair Ticket", {"customer": customer}, REPAIR_REDACTED)
	summary["old_gold_exchanges_redacted"] = old_gold.forget(customer)
	for doctype in INVOICES:
		summary[_key(doctype, "redacted")] = _blank(doctype, {"customer": customer}, INVOICE_REDACTED)
	_forget_customer_history(customer)
	_reset_customer(customer)
	texts = [text for text in (customer, before.customer_name, *phones) if text and len(text) >= 4]
	summary["error_logs_redacted"] = privacy_logs.scrub_error_logs(texts)
	summary["sms_logs_redacted"] = privacy_logs.scrub_sms_log(phones)
	summary["webhook_events_deleted"] = webhook_intake.forget(phones)
	summary["conversations_deleted"] = forget_conversations(phones)  # with their to-dos and alerts
	summary["emails_withdrawn"] = _withdraw_emails(outreach)
	summary["shared_number_messages_deleted"] = shared_number.forget(outreach)
	_audit("Erasure", customer, request_reference, summary)
	return summary


def is_erased(customer: str) -> bool:
	return bool(frappe.db.get_value("Customer", customer, "jc_erased_on"))


def _key(doctype: str, what: str) -> str:
	return f"{frappe.scrub(doctype)}_{what}"


def _consent_fields() -> list[str]:
	fields = []
	for channel in CHANNELS:
		key = channel.lower()
		fields += [f"jc_{key}_opt_in", f"jc_{key}_opt_in_on", f"jc_{key}_opt_in_via"]
	return fields


def _anonymise_consent(customer: str, before, subject: str) -> int:
	"""Her consent history loses her name and evidence; consent she holds today is written down
	(given on, via) and then withdrawn by the erasure, so the audit shows it existed."""
	now = now_datetime()
	for channel in CHANNELS:
		key = channel.lower()
		if not before.get(f"jc_{key}_opt_in"):
			continue
		if not frappe.db.exists("Consent Change", {"customer": customer, "channel": channel, "opted_in": 1}):
			_consent_row(
				subject,
				channel,
				1,
				before.get(f"jc_{key}_opt_in_on") or now,
				before.get(f"jc_{key}_opt_in_via") or _("In store"),
			)
		_consent_row(subject, channel, 0, now, _("Erasure of the customer's data"))
	change = DocType("Consent Change")
	rows = frappe.db.count("Consent Change", {"customer": customer})
	(
		frappe.qb.update(change)
		.set(change.customer, None)
		.set(change.subject, subject)
		.set(change.evidence, "")
		.where(change.customer == customer)
		.run()
	)
	return rows


def _consent_row(subject: str, channel: str, opted_in: int, when, via: str) -> None:
	frappe.get_doc(
		{
			"doctype": "Consent Change",
			"subject": subject,
			"channel": channel,
			"opted_in": opted_in,
			"changed_on": when,
			"via": via,
		}
	).insert(ignore_permissions=True)


def _phones(customer: str, mobile_no: str | None) -> list[str]:
	"""Her numbers as they may appear in logs: as typed, in E.164 and as bare digits."""
	region = clienteling_settings.get_settings().default_region or "IN"
	raw = {mobile_no}
	for doctype in ("Client Outreach", "Clienteling WhatsApp Message"):
		raw.update(frappe.get_all(doctype, filters={"customer": customer}, pluck="phone", distinct=True))
	found = set()
	for text in (text for text in raw if text):
		found.add(text.strip())
		number = normalise_phone(text, region)
		if number:
			found.update({number, number.removeprefix("+")})
	# the longest first, so '+91…' is replaced before the bare digits inside it
	return sorted(found, key=len, reverse=True)


def _forget_history(doctype: str, names: list[str]) -> None:
	"""Versions keep old values of every field: they go with the record (or, for her Customer, all
	of them: the app's fields were in them)."""
	if names:
		frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})


def _forget_customer_history(customer: str) -> None:
	"""Her Customer's Versions that hold the app's fields (consent, referral, associate) go; ERPNext's
	others stay."""
	version = DocType("Version")
	(
		frappe.qb.from_(version)
		.delete()
		.where(
			(version.ref_doctype == "Customer")
			& (version.docname == customer)
			& version.data.like('%"jc\\_%')
		)
		.run()
	)


def _redact_outreach(customer: str, names: list[str]) -> int:
	"""Outreach stays for the store's figures (sent, replied, sales it brought), without her
	number or the words; what had not gone out is withdrawn."""
	if not names:
		return 0
	outreach = DocType("Client Outreach")
	(
		frappe.qb.update(outreach)
		.set(outreach.status, lifecycle.SKIPPED)
		.set(outreach.skip_reason, _("The customer's data was erased on request."))
		.where((outreach.customer == customer) & outreach.status.isin(lifecycle.OPEN))
		.run()
	)
	_forget_history("Client Outreach", names)
	return _blank("Client Outreach", {"customer": customer}, OUTREACH_REDACTED)


def _blank(doctype: str, filters: dict, fields: tuple[str, ...]) -> int:
	count = frappe.db.count(doctype, filters)
	if count:
		table = DocType(doctype)
		query = frappe.qb.update(table)
		for field in fields:
			query = query.set(table[field], None)
		for field, value in filters.items():
			query = query.where(table[field] == value)
		query.run()
	return count


def _reset_customer(customer: str) -> None:
	"""Her Customer keeps what ERPNext needs; the app's fields about her are emptied, she is never
	contacted again, and sales from now on do not rebuild a profile."""
	values = {}
	for field in CUSTOMER_FIELDS:
		if not _is_data(field) or field["fieldname"] in KEPT_ON_CUSTOMER:
			continue
		values[field["fieldname"]] = 0 if field["fieldtype"] in ("Check", "Int", "Currency") else None
	values.update({"jc_do_not_contact": 1, "jc_erased_on": now_datetime()})
	frappe.db.set_value("Customer", customer, values, update_modified=False)


def _withdraw_emails(outreach: list[str]) -> int:
	"""Frappe's email queue keeps the whole message and her address: her outreach emails go."""
	if not outreach:
		return 0
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Client Outreach", "reference_name": ("in", outreach)},
		pluck="name",
	)
	if queued:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued)})
		frappe.db.delete("Email Queue", {"name": ("in", queued)})
	return len(queued)


def _audit(action: str, customer: str, request_reference: str | None, summary: dict) -> None:
	frappe.get_doc(
		{
			"doctype": LOG,
			"action": action,
			"customer": customer,
			"request_reference": request_reference,
			"done_by": frappe.session.user,
			"done_on": now_datetime(),
			"summary": frappe.as_json(summary),
		}
	).insert(ignore_permissions=True)
