"""When a lead buys: the lead is Won, and the customer she is carries over everything the store knew of
her as a lead: her walk-in visits (with their wishlists, remembered as her preferences), her consent
and its audit rows, who referred her, her WhatsApp messages and her appointments.

She buys in one of two ways: a Customer is made from her lead (ERPNext's Customer.lead_name, set by
Lead > Create Customer or by a walk-in naming the lead), or a customer whose mobile is the lead's
makes a purchase (found by the profile refresh queued after each sale). Running it twice changes
nothing: what was carried over is found carried over."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max
from frappe.utils import cint, getdate

from jewel_clienteling.domain import leads as rules
from jewel_clienteling.services import leads, mobile_keys, walk_ins
from jewel_clienteling.services.customer_lookup import open_leads
from jewel_clienteling.services.facts import SALE_DOCTYPES

MESSAGE = "Clienteling WhatsApp Message"
CONVERSATION = "Clienteling Conversation"  # the inbox's (issue 20 item 2), when it is there
CONSENT_FIELDS = ("jc_whatsapp_opt_in", "jc_whatsapp_opt_in_on", "jc_whatsapp_opt_in_via")


def customer_on_update(doc, method=None) -> None:
	"""Customer.on_update: a customer made from a lead (or linked to one now) is that lead, won."""
	if doc.get("lead_name") and doc.has_value_changed("lead_name"):
		convert(doc.lead_name, doc.name)


def convert(lead: str, customer: str) -> dict:
	"""The lead is Won by her purchase and her customer inherits what it held. Returns the counts."""
	if not frappe.db.get_value("Customer", customer, "lead_name"):
		# ERPNext's own link: the Lead shows its customer and is marked Converted
		frappe.db.set_value("Customer", customer, "lead_name", lead, update_modified=False)
	moved = carry_over(lead, customer)
	leads.mark_won(lead, rules.WON_BY_SALE)
	return moved


def won_by_sale(customer: str) -> list[str]:
	"""After her sale: her open leads (any store; the sale is hers wherever she enquired) made before
	her latest sale, by her customer record's lead or her mobile, are Won and carried over."""
	row = frappe.db.get_value("Customer", customer, ["lead_name", mobile_keys.MOBILE_KEY], as_dict=True)
	if not row:
		return []
	candidates = set(open_leads(row.get(mobile_keys.MOBILE_KEY), every_store=True))
	if row.lead_name and rules.is_open(frappe.db.get_value("Lead", row.lead_name, "jc_stage")):
		candidates.add(row.lead_name)
	last_sale = _last_sale(customer) if candidates else None  # most refreshes stop at the indexed read
	if not last_sale:
		return []
	won = []
	for lead in sorted(candidates):
		if getdate(frappe.db.get_value("Lead", lead, "creation")) <= last_sale:
			convert(lead, customer)
			won.append(lead)
	return won


def _last_sale(customer: str):
	"""The day of her latest submitted sale (not a return, not a POS closing's consolidated copy)."""
	days = []
	for doctype in SALE_DOCTYPES:
		table = DocType(doctype)
		query = (
			frappe.qb.from_(table)
			.select(Max(table.posting_date))
			.where((table.customer == customer) & (table.docstatus == 1) & (table.is_return == 0))
		)
		if doctype == "Sales Invoice":
			query = query.where(table.is_consolidated == 0)
		day = query.run()[0][0]
		if day:
			days.append(getdate(day))
	return max(days) if days else None


def carry_over(lead: str, customer: str) -> dict:
	"""Her visits, consent, referrer, messages and appointments as a lead, moved onto her customer."""
	values = frappe.db.get_value(
		"Lead", lead, ["jc_referred_by", mobile_keys.MOBILE_KEY, *CONSENT_FIELDS], as_dict=True
	)
	moved = {
		"visits": _visits(lead, customer),
		"consent_changes": _set_customer("Consent Change", "lead", lead, customer),
		"appointments": _appointments(lead, customer),
		"messages": _messages(lead, values.get(mobile_keys.MOBILE_KEY), customer),
		"conversations": _conversations(lead, customer),
	}
	current = frappe.db.get_value(
		"Customer", customer, ["jc_referred_by", "jc_whatsapp_opt_in"], as_dict=True
	)
	update = {}
	if values.jc_referred_by and not current.jc_referred_by and values.jc_referred_by != customer:
		update["jc_referred_by"] = values.jc_referred_by
	if cint(values.jc_whatsapp_opt_in) and not cint(current.jc_whatsapp_opt_in):
		update.update({field: values.get(field) for field in CONSENT_FIELDS})
	if update:
		frappe.db.set_value("Customer", customer, update)
	moved["consent"] = int("jc_whatsapp_opt_in" in update)
	moved["referral"] = int("jc_referred_by" in update)
	return moved


def _set_customer(doctype: str, lead_field: str, lead: str, customer: str, field: str = "customer") -> int:
	table = DocType(doctype)
	count = frappe.db.count(doctype, {lead_field: lead, field: ("is", "not set")})
	if count:
		(
			frappe.qb.update(table)
			.set(table[field], customer)
			.where((table[lead_field] == lead) & (table[field].isnull() | (table[field] == "")))
			.run()
		)
	return count


def _visits(lead: str, customer: str) -> int:
	"""Her visits as a lead are her customer's, and the pieces she liked become her preferences."""
	names = frappe.get_all(
		walk_ins.VISIT, filters={"lead": lead, "customer": ("is", "not set")}, pluck="name"
	)
	name = frappe.db.get_value("Customer", customer, "customer_name")
	for visit in names:
		frappe.db.set_value(
			walk_ins.VISIT, visit, {"customer": customer, "customer_name": name}, update_modified=False
		)
		walk_ins.remember_preferences(frappe.get_doc(walk_ins.VISIT, visit))
	return len(names)


def _appointments(lead: str, customer: str) -> int:
	return _set_customer("Appointment", "jc_lead", lead, customer, field="jc_customer")


def _conversations(lead: str, customer: str) -> int:
	"""Her WhatsApp conversation as a lead (the inbox's, where it is installed) is her customer's."""
	if not frappe.db.exists("DocType", CONVERSATION):
		return 0
	meta = frappe.get_meta(CONVERSATION)
	if not (meta.has_field("lead") and meta.has_field("customer")):
		return 0
	return _set_customer(CONVERSATION, "lead", lead, customer)


def _messages(lead: str, number: str | None, customer: str) -> int:
	"""Messages she sent before she was a customer (by her lead, where the inbox names it, or by her
	number) are her customer's conversation."""
	message = DocType(MESSAGE)
	whose = message.phone == number if number else None
	if frappe.get_meta(MESSAGE).has_field("lead"):
		by_lead = message.lead == lead
		whose = by_lead if whose is None else (whose | by_lead)
	if whose is None:
		return 0
	unclaimed = message.customer.isnull() | (message.customer == "")
	count = len(frappe.qb.from_(message).select(message.name).where(whose & unclaimed).run())
	if count:
		frappe.qb.update(message).set(message.customer, customer).where(whose & unclaimed).run()
	return count
