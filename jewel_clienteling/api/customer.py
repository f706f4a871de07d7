"""Endpoints the POS screen and the desk call about one customer."""

import frappe
from frappe import _
from frappe.utils import getdate

from jewel_clienteling.api import arguments_required
from jewel_clienteling.domain.occasions import occasion_type_for_life_event
from jewel_clienteling.services import snapshot


@frappe.whitelist(methods=["GET", "POST"])
@arguments_required
def get_snapshot(customer: str) -> dict:
	"""Her profile, upcoming occasions, preferences, last purchases and notes."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	return snapshot.build(customer)


@frappe.whitelist(methods=["POST"])
@arguments_required
def add_note(
	customer: str,
	note: str,
	note_type: str = "Note",
	event_type: str | None = None,
	event_date: str | None = None,
	person_name: str | None = None,
	relation: str | None = None,
) -> str:
	"""Record a note or a life event ("her daughter just got engaged") on the customer."""
	frappe.has_permission("Customer Note", "create", throw=True)
	frappe.has_permission("Customer", "read", doc=customer, throw=True)
	doc = frappe.get_doc(
		{
			"doctype": "Customer Note",
			"customer": customer,
			"note": note,
			"note_type": note_type,
			"event_type": event_type,
			"event_date": event_date,
			"person_name": person_name,
			"relation": relation,
		}
	).insert()
	return doc.name


@frappe.whitelist(methods=["POST"])
@arguments_required
def make_occasion_from_note(note: str) -> str:
	"""Turn a dated life event into an Occasion so it is remembered every year."""
	frappe.has_permission("Occasion", "create", throw=True)
	doc = frappe.get_doc("Customer Note", note)
	doc.check_permission("write")
	if doc.occasion:
		return doc.occasion
	if not doc.event_date:
		frappe.throw(_("Give the life event a date before making it an occasion."))
	day = getdate(doc.event_date)
	occasion_type = occasion_type_for_life_event(doc.event_type)
	occasion = frappe.get_doc(
		{
			"doctype": "Occasion",
			"customer": doc.customer,
			"occasion_type": occasion_type,
			"person_name": doc.person_name,
			"relation": doc.relation or "Self",
			"day": day.day,
			"month": str(day.month),
			"year": day.year if occasion_type in ("Wedding", "Engagement") else None,
			"source": "Asked",
			"source_doctype": "Customer Note",
			"source_name": doc.name,
			"notes": doc.note,
		}
	)
	existing = frappe.db.get_value("Occasion", {"occasion_key": occasion.make_key()}, "name")
	if existing:
		occasion_name = existing
	else:
		occasion_name = occasion.insert().name
	doc.db_set("occasion", occasion_name)
	return occasion_name
