"""Her rights over her data while she is an enquiry (ERPNext's Lead) and not a customer: a copy of
everything the app holds about the lead, and its erasure.

The Lead row stays, emptied of everything personal (it counts in the store's pipeline figures, as an
erased customer's invoices do): her name, numbers, email, what she was looking for, her notes, her
contacts and addresses, its history and mail go. Her walk-in visits and appointments as a lead and
the messages she sent from her number go; her consent history stays as an anonymous audit under a
keyed pseudonym. A customer made from the lead keeps her own data: that is the customer's erasure
(services/privacy)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime

# privacy imports this module: its names are read when called
from jewel_clienteling.services import inbox, mobile_keys, privacy, webhook_intake
from jewel_clienteling.setup.custom_fields_leads import LEAD_FIELDS

LEAD = "Lead"
VISIT = "Walk-in Visit"
MESSAGE = "Clienteling WhatsApp Message"
# ERPNext's own fields of a Lead that are about her
PERSONAL_FIELDS = (
	"lead_name",
	"first_name",
	"middle_name",
	"last_name",
	"title",
	"salutation",
	"gender",
	"email_id",
	"mobile_no",
	"phone",
	"phone_ext",
	"whatsapp_no",
	"fax",
	"website",
	"company_name",
	"job_title",
	"city",
	"state",
	"country",
	"image",
)
LAYOUT = ("Section Break", "Column Break", "Tab Break", "HTML")
APP_FIELDS = tuple(
	field["fieldname"]
	for field in LEAD_FIELDS
	if field["fieldtype"] not in LAYOUT and not field.get("is_virtual")
)
# what stays on an erased lead: how far it went and whose it was (for the store's figures)
KEPT = {"jc_stage", "jc_store", "jc_category", "jc_budget_band"}


# ------------------------------------------------------------------------------------------ export


def export(lead: str, request_reference: str | None = None) -> dict:
	"""Everything the app and the lead hold about her, as plain data, with an audit row."""
	number = frappe.db.get_value(LEAD, lead, mobile_keys.MOBILE_KEY)
	fields = ["name", "creation", "source", "lead_owner", "status", *PERSONAL_FIELDS, *APP_FIELDS]
	data = {
		"lead": frappe.db.get_value(LEAD, lead, fields, as_dict=True),
		"notes": frappe.get_all(
			"CRM Note", filters={"parent": lead, "parenttype": LEAD}, fields=["note", "added_on"]
		),
		"walk_in_visits": _visits(lead),
		"consent_changes": frappe.get_all(
			"Consent Change",
			filters={"lead": lead},
			fields=["channel", "opted_in", "changed_on", "via", "evidence"],
			order_by="changed_on asc",
		),
		"appointments": frappe.get_all(
			"Appointment",
			filters={"jc_lead": lead},
			fields=["name", "scheduled_time", "status", "jc_purpose", "jc_store", "customer_details"],
		),
		"whatsapp_messages": frappe.get_all(
			MESSAGE,
			filters={"name": ("in", _messages(lead, number) or [""])},
			fields=["received_on", "phone", "profile_name", "kind", "text"],
			order_by="received_on asc",
		),
	}
	summary = {key: len(value) for key, value in data.items() if isinstance(value, list)}
	audit("Export", lead, request_reference, summary)
	return {"exported_on": str(now_datetime()), **data}


def _visits(lead: str) -> list[dict]:
	visits = frappe.get_all(
		VISIT,
		filters={"lead": lead, "customer": ("is", "not set")},
		fields=["name", "visited_on", "store", "budget", "occasion", "occasion_date", "notes"],
	)
	for visit in visits:
		visit["wishlist"] = frappe.get_all(
			"Walk-in Wishlist Item",
			filters={"parent": visit["name"], "parenttype": VISIT},
			fields=["item", "item_name", "description", "size", "notes"],
		)
	return visits


def _messages(lead: str, number: str | None) -> list[str]:
	"""The messages she sent as this lead and not as a customer: by the lead where the inbox names
	it, else by her number."""
	message = DocType(MESSAGE)
	whose = message.phone == number if number else None
	if frappe.get_meta(MESSAGE).has_field("lead"):
		whose = (message.lead == lead) if whose is None else (whose | (message.lead == lead))
	if whose is None:
		return []
	unclaimed = message.customer.isnull() | (message.customer == "")
	return [row[0] for row in frappe.qb.from_(message).select(message.name).where(whose & unclaimed).run()]


# ----------------------------------------------------------------------------------------- erasure


def erase(lead: str, request_reference: str | None = None) -> dict:
	"""Erase her personal data as a lead; returns how many records of each kind were touched. In the
	caller's transaction: all or nothing. Running it again finds little left and changes nothing."""
	row = frappe.db.get_value(
		LEAD, lead, ["name", mobile_keys.MOBILE_KEY, "mobile_no"], as_dict=True, for_update=True
	)
	if not row:
		frappe.throw(_("Lead {0} does not exist.").format(lead), frappe.DoesNotExistError)
	number = row.get(mobile_keys.MOBILE_KEY)
	messages = _messages(lead, number)
	visits = frappe.get_all(VISIT, filters={"lead": lead, "customer": ("is", "not set")}, pluck="name")
	appointments = frappe.get_all(
		"Appointment", filters={"jc_lead": lead, "jc_customer": ("is", "not set")}, pluck="name"
	)
	summary = {
		"consent_changes_made_anonymous": _anonymise_consent(lead),
		"whatsapp_messages_deleted": _delete(MESSAGE, messages),
		"walk_in_visits_deleted": _delete(VISIT, visits, children=("Walk-in Wishlist Item",)),
		"appointments_deleted": _delete("Appointment", appointments),
		"contacts_deleted": _delete_contacts(lead),
		"notes_deleted": frappe.db.count("CRM Note", {"parent": lead, "parenttype": LEAD}),
	}
	frappe.db.delete("CRM Note", {"parent": lead, "parenttype": LEAD})
	for doctype in ("Version", "Comment", "Communication", "ToDo"):
		field = {"Version": "ref_doctype", "ToDo": "reference_type"}.get(doctype, "reference_doctype")
		name_field = "docname" if doctype == "Version" else "reference_name"
		frappe.db.delete(doctype, {field: LEAD, name_field: lead})
	summary["webhook_events_deleted"] = webhook_intake.forget(
		[number, number.removeprefix("+")] if number else []
	)
	# her inbox conversation, with its to-dos and alerts (by her number, and by the lead)
	summary["conversations_deleted"] = inbox.forget([number] if number else [], lead=lead)
	_empty_lead(lead)
	audit("Erasure", lead, request_reference, summary)
	return summary


def _anonymise_consent(lead: str) -> int:
	change = DocType("Consent Change")
	count = frappe.db.count("Consent Change", {"lead": lead})
	if count:
		# a row already anonymous as her customer's keeps that pseudonym
		unnamed = change.subject.isnull() | (change.subject == "")
		frappe.qb.update(change).set(change.subject, privacy.pseudonym(lead)).where(
			(change.lead == lead) & unnamed
		).run()
		frappe.qb.update(change).set(change.lead, None).set(change.evidence, "").where(
			change.lead == lead
		).run()
	return count


def _delete(doctype: str, names: list[str], children: tuple[str, ...] = ()) -> int:
	if not names:
		return 0
	for child in children:
		frappe.db.delete(child, {"parent": ("in", names), "parenttype": doctype})
	frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
	frappe.db.delete(doctype, {"name": ("in", names)})
	return len(names)


def _delete_contacts(lead: str) -> int:
	"""The Contacts and Addresses ERPNext made for the lead, when they belong to nobody else."""
	deleted = 0
	for doctype in ("Contact", "Address"):
		linked = frappe.get_all(
			"Dynamic Link",
			filters={"link_doctype": LEAD, "link_name": lead, "parenttype": doctype},
			pluck="parent",
		)
		for name in set(linked):
			others = frappe.db.count(
				"Dynamic Link", {"parent": name, "parenttype": doctype, "link_name": ("!=", lead)}
			)
			if others:
				frappe.db.delete("Dynamic Link", {"parent": name, "link_doctype": LEAD, "link_name": lead})
			else:
				frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
				deleted += 1
	return deleted


def _empty_lead(lead: str) -> None:
	values = {field: None for field in PERSONAL_FIELDS + APP_FIELDS if field not in KEPT}
	values.update(
		{"lead_name": privacy.ERASED, "title": privacy.ERASED, "unsubscribed": 1, "status": "Do Not Contact"}
	)
	values["jc_whatsapp_opt_in"] = 0
	frappe.db.set_value(LEAD, lead, values, update_modified=False)


def audit(action: str, lead: str, request_reference: str | None, summary: dict) -> None:
	frappe.get_doc(
		{
			"doctype": privacy.LOG,
			"action": action,
			"lead": lead,
			"request_reference": request_reference,
			"done_by": frappe.session.user,
			"done_on": now_datetime(),
			"summary": frappe.as_json(summary),
		}
	).insert(ignore_permissions=True)


# ----------------------------------------------------------------------- a customer who was a lead


def leads_of(customer: str) -> list[str]:
	"""The leads she was before she bought: her Customer's lead, and those won into her."""
	lead = frappe.db.get_value("Customer", customer, "lead_name")
	return [lead] if lead else []


def export_for_customer(customer: str) -> list[dict]:
	"""The leads she was, for her customer's export (what moved onto her customer is exported there)."""
	fields = ["name", "creation", "source", "lead_owner", "status", *PERSONAL_FIELDS, *APP_FIELDS]
	return [frappe.db.get_value(LEAD, lead, fields, as_dict=True) for lead in leads_of(customer)]


def erase_for_customer(customer: str) -> int:
	"""Her customer's erasure empties the leads she was too (no audit row of their own)."""
	for lead in leads_of(customer):
		_anonymise_consent(lead)
		_delete_contacts(lead)
		frappe.db.delete("CRM Note", {"parent": lead, "parenttype": LEAD})
		frappe.db.delete("Version", {"ref_doctype": LEAD, "docname": lead})
		_empty_lead(lead)
	return len(leads_of(customer))
