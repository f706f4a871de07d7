"""A word back when her reply changed how often she hears from the store ("LESS", "MONTHLY"): one short
free-text WhatsApp message, queued as a Client Outreach (reason Rhythm confirmed, a service message,
never marketing) so it goes through the WhatsApp sender with its pacing and retries, inside the
24-hour window her reply just opened (services/whatsapp.py). Once per reply: its dedupe key, unique in
the table, is made of her message. Never to a number that asked for no messages (STOP), asked here
and again when it is sent (services/claims.may_send)."""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services import whatsapp

OUTREACH = "Client Outreach"
MESSAGE = "Clienteling WhatsApp Message"


def in_words(chosen: str) -> str:
	"""Her rhythm as she would say it."""
	return {
		rhythm.WEEKLY: _("about once a week"),
		rhythm.FORTNIGHTLY: _("about once every two weeks"),
		rhythm.MONTHLY: _("about once a month"),
		rhythm.TWO_MONTHS: _("about once every two months"),
		rhythm.THREE_MONTHS: _("about once every three months"),
	}[chosen]


def confirmation_text(chosen: str) -> str:
	return _("Thank you — we will write to you {0} from now on. Reply MORE or LESS to change it.").format(
		in_words(chosen)
	)


def confirm(customer: str, chosen: str, message: str, message_id: str, phone: str) -> str | None:
	"""Queue the confirmation of her new rhythm `chosen`, asked for by her message `message` (its
	WhatsApp id `message_id`), to the number she wrote from. Returns the outreach, or None when
	nothing is queued (WhatsApp not connected, she asked for no messages, already queued)."""
	if not whatsapp.is_enabled():
		return None  # nobody would send it: it must not wait in an associate's queue
	her = frappe.db.get_value(
		"Customer", customer, ["customer_name", "jc_whatsapp_opt_in", "jc_do_not_contact"], as_dict=True
	)
	if not her or not her.jc_whatsapp_opt_in or her.jc_do_not_contact:
		return None
	reason = outreach_rules.RHYTHM_CONFIRMED
	key = outreach_rules.dedupe_key(customer, reason, MESSAGE, message, message_id)
	doc = frappe.get_doc(
		{
			"doctype": OUTREACH,
			"customer": customer,
			"customer_name": her.customer_name,
			"reason": reason,
			"status": lifecycle.DUE,
			"due_date": getdate(nowdate()),
			"send_after": now_datetime(),
			"channel": outreach_rules.WHATSAPP,
			"phone": phone,
			"message": confirmation_text(chosen),
			"reference_doctype": MESSAGE,
			"reference_name": message,
			"cycle": message_id,
			"dedupe_key": key,
		}
	)
	frappe.db.savepoint("jc_rhythm_confirmed")
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		frappe.db.rollback(save_point="jc_rhythm_confirmed")
		return None  # this reply is confirmed already: the table's unique key says so
	return doc.name
