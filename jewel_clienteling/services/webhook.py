"""What Meta tells us: delivery statuses of our messages, and her messages to us, applied by the
drain jobs of services/webhook_intake.py (the webhook itself only stores them).

Statuses arrive at least once and out of order: they are keyed on the message id and only ever move
an outreach forward. Her message is kept once (its id is unique), linked to her by phone number,
marks the outreach she answered Replied, lands on her conversation (a number no customer has makes
or updates her lead, services/inbox.py) whose owner is told, STOP or START changes her WhatsApp
consent with an audit row, unless her consent changed after she said it, and "MONTHLY" or "LESS" her
rhythm. One bad entry never spoils the rest of a
batch.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max
from frappe.utils import add_to_date, convert_utc_to_system_timezone, get_datetime, now_datetime

from jewel_clienteling.domain import incoming
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import webhook as intake
from jewel_clienteling.domain.phones import normalise_phone
from jewel_clienteling.services import inbox, rhythm, rhythm_reply
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.customer_lookup import find_customer

OUTREACH = "Client Outreach"
STATUS_FIELD = {
	"sent": lifecycle.SENT,
	"delivered": lifecycle.DELIVERED,
	"read": lifecycle.READ,
	"failed": lifecycle.FAILED,
}
# she answered, or the associate finished it by hand: a late status never moves it back
ANSWERED = (lifecycle.REPLIED, lifecycle.DONE)
REPLY_WINDOW_DAYS = 7


def logger():
	return frappe.logger("jewel_clienteling.webhook", allow_site=True)


def local(moment):
	return convert_utc_to_system_timezone(moment).replace(tzinfo=None) if moment else now_datetime()


def process(payload: dict) -> dict:
	batch = incoming.parse_webhook(payload)
	done = {"statuses": 0, "messages": 0, "unknown": 0, "problems": len(batch.problems)}
	for problem in batch.problems:
		logger().warning(f"webhook entry skipped: {problem}")
	for event in batch.statuses:
		done["statuses" if apply_status(event) else "unknown"] += 1
	for message in batch.messages:
		take_in(message)
		done["messages"] += 1
	return done


def apply_status(event: incoming.StatusEvent) -> bool:
	"""Move her outreach forward; False when we never sent that message id (acknowledged, logged)."""
	row = frappe.db.get_value(
		OUTREACH,
		{"wa_message_id": event.message_id},
		["name", "status", "delivered_on", "read_on"],
		as_dict=True,
		for_update=True,
	)
	if not row:
		logger().info(f"status {event.status} for unknown message {event.message_id}")
		return False
	current = row.status.lower() if row.status in STATUS_FIELD.values() else None
	if row.status in ANSWERED:
		current = "read"
	new = incoming.next_status(current, event.status)
	values = {}
	# a replayed or late status never moves a date already set
	if event.status == "delivered" and not row.delivered_on:
		values["delivered_on"] = local(event.timestamp)
	if event.status == "read" and not row.read_on:
		values["read_on"] = local(event.timestamp)
	if new and row.status not in ANSWERED:
		values["status"] = STATUS_FIELD[new]
		if new == "failed":
			values["error_code"] = str(event.error_code or "")
			values["error_message"] = event.error_title or _("Meta reported the message failed")
	if values:
		frappe.db.set_value(OUTREACH, row.name, values)
	return True


def take_in(message: incoming.InboundMessage) -> None:
	if frappe.db.exists("Clienteling WhatsApp Message", {"message_id": message.message_id}):
		return  # a redelivery
	region = clienteling_settings.get_settings().default_region or "IN"
	phone = normalise_phone("+" + message.from_phone, region) or "+" + message.from_phone
	# the shop's number serves every store: her message finds her wherever she is a customer
	match = find_customer(phone, every_store=True)
	customer = match.customer
	received = local(message.timestamp)
	outreach = _answered_outreach(customer, received) if customer else None
	owner = frappe.db.get_value(OUTREACH, outreach, "assigned_to") if outreach else None
	# her conversation, and for a number no customer has, her lead (services/inbox.py)
	conversation = inbox.conversation_for(phone, customer, owner, message.profile_name)
	doc = frappe.get_doc(
		{
			"doctype": "Clienteling WhatsApp Message",
			"message_id": message.message_id,
			"customer": customer,
			"lead": conversation.lead if not customer else None,
			"phone": phone,
			"profile_name": message.profile_name,
			"received_on": received,
			"kind": message.kind,
			"text": message.text,
			"outreach": outreach,
			"direction": "Inbound",
		}
	).insert(ignore_permissions=True)
	inbox.received(conversation, doc.name, received, message.text, message.kind)
	if not customer:
		return
	last_inbound = frappe.db.get_value("Customer", customer, "jc_whatsapp_last_inbound", for_update=True)
	if not last_inbound or get_datetime(last_inbound) < received:  # a late message never moves it back
		frappe.db.set_value("Customer", customer, "jc_whatsapp_last_inbound", received, update_modified=False)
	if outreach:
		frappe.db.set_value(OUTREACH, outreach, {"status": lifecycle.REPLIED, "replied_on": received})
	# "MONTHLY", "LESS": how often she hears from the store, her latest word winning as with STOP
	changed = rhythm.take_reply(customer, message.text, received)
	if changed:  # a word back that it is done, once for this reply (never after her STOP)
		rhythm_reply.confirm(customer, changed, doc.name, message.message_id, phone)
	intent = incoming.consent_intent(message.text)
	# a STOP is about the phone: no record of any store with that number writes to it again
	targets = {"start": [customer], "stop": match.same_number}.get(intent, [])
	for target in targets:
		# her latest word wins: a late or redelivered message never undoes a newer choice
		if intake.her_latest_word(received, _last_consent_change(target)):
			change_consent(target, intent == "start", message.message_id, received)


def _last_consent_change(customer: str):
	"""When her WhatsApp consent last changed: by a message, the desk or an erasure's audit row."""
	change = DocType("Consent Change")
	logged = (
		frappe.qb.from_(change)
		.select(Max(change.changed_on))
		.where((change.customer == customer) & (change.channel == "WhatsApp"))
		.run()
	)[0][0]
	given = frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in_on")
	moments = [get_datetime(moment) for moment in (logged, given) if moment]
	return max(moments) if moments else None


def _answered_outreach(customer: str, received) -> str | None:
	outreach = DocType(OUTREACH)
	found = (
		frappe.qb.from_(outreach)
		.select(outreach.name)
		.where(
			(outreach.customer == customer)
			& outreach.status.isin((lifecycle.SENT, lifecycle.DELIVERED, lifecycle.READ))
			# her answer is to what the store wrote, not to its word back to her
			& outreach.reason.notin(outreach_rules.REPLIES)
			& (outreach.sent_on >= add_to_date(received, days=-REPLY_WINDOW_DAYS))
		)
		.orderby(outreach.sent_on, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	return found[0][0] if found else None


def change_consent(customer: str, opted_in: bool, evidence: str, when) -> None:
	current = frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in")
	if bool(current) == opted_in:
		return
	frappe.db.set_value(
		"Customer",
		customer,
		{
			"jc_whatsapp_opt_in": int(opted_in),
			"jc_whatsapp_opt_in_on": when if opted_in else None,
			"jc_whatsapp_opt_in_via": "WhatsApp" if opted_in else None,
		},
	)
	frappe.get_doc(
		{
			"doctype": "Consent Change",
			"customer": customer,
			"channel": "WhatsApp",
			"opted_in": int(opted_in),
			"changed_on": when,
			"via": _("WhatsApp reply"),
			"evidence": evidence,
		}
	).insert(ignore_permissions=True)
