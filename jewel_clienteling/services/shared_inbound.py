"""Learning from frappe_whatsapp's webhook when the store shares its number (services/shared_number.py).

frappe_whatsapp keeps each message Meta sends it as a "WhatsApp Message": hers as "Incoming", and the
status Meta reports of one we sent on the row we wrote for it. A doc_event on that doctype (hooks.py;
on a site without frappe_whatsapp the key names no doctype and never fires) tells the row again as
Meta's webhook body (domain/shared_number.py) and hands it to the same intake as our own webhook
(services/webhook_intake.py): stored once, applied by the drain jobs — her reply, STOP or START,
the 24-hour window, the outreach's delivered and read — and retried when applying fails.

Nothing of ours may break frappe_whatsapp's webhook: a failure here is rolled back to a savepoint and
logged, and a sweep every ten minutes hands the intake whatever it does not hold yet.
"""

import json
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import add_to_date, get_datetime, get_system_timezone, now_datetime

from jewel_clienteling.domain import incoming
from jewel_clienteling.domain import shared_number as body
from jewel_clienteling.domain import webhook as intake
from jewel_clienteling.services import shared_number, webhook_intake, whatsapp

SWEEP_HOURS = 24
SWEEP_PAGE = 1000
FIELDS = ("name", "type", "reference_doctype", "message_id", "from", "to", "content_type", "message")
FIELDS += ("profile_name", "status", "creation", "modified", "whatsapp_account")


def on_message(doc, method=None) -> None:
	"""doc_events "WhatsApp Message" on_update (an insert runs it too)."""
	name = shared_number.account(whatsapp.settings())
	if not name or doc.whatsapp_account != name or not _concerns_us(doc.type, doc.reference_doctype):
		return
	try:
		frappe.db.savepoint("jc_shared_inbound")
		payload = meta_body(doc, _phone_id(name))
		if payload:
			webhook_intake.receive(json.dumps(payload, sort_keys=True).encode(), payload)
	except Exception:
		frappe.db.rollback(save_point="jc_shared_inbound")
		frappe.log_error(title=_("WhatsApp Message {0} could not reach clienteling").format(doc.name))


def _concerns_us(kind: str | None, reference_doctype: str | None) -> bool:
	"""Her messages, and the statuses of the messages we sent (other outgoing rows are the store's)."""
	return kind == "Incoming" or (kind == "Outgoing" and reference_doctype == shared_number.OUTREACH)


def _phone_id(account: str) -> str:
	return frappe.db.get_value(shared_number.ACCOUNT, account, "phone_id") or ""


def _aware(moment):
	return get_datetime(moment).replace(tzinfo=ZoneInfo(get_system_timezone()))


def meta_body(doc, phone_id: str) -> dict | None:
	"""The webhook body Meta sent frappe_whatsapp for this row, as near as the row keeps it."""
	if doc.type == "Incoming":
		return body.incoming_body(
			message_id=doc.message_id,
			from_phone=doc.get("from"),
			kind=doc.content_type,
			text=doc.message,
			profile_name=doc.profile_name,
			at=_aware(doc.creation),
			phone_number_id=phone_id,
		)
	return body.status_body(
		message_id=doc.message_id,
		status=doc.status,
		recipient=doc.to,
		at=_aware(doc.modified),
		phone_number_id=phone_id,
	)


def sweep(hours: int = SWEEP_HOURS, page: int = SWEEP_PAGE) -> int:
	"""Hand the intake what frappe_whatsapp kept in the last `hours` and the intake does not hold (a
	doc_event that failed, or ran before the store ticked the box); returns how many."""
	name = shared_number.account(whatsapp.settings())
	if not name:
		return 0
	phone_id = _phone_id(name)
	rows = frappe.get_all(
		shared_number.MESSAGE,
		filters={"whatsapp_account": name, "modified": (">=", add_to_date(now_datetime(), hours=-hours))},
		fields=[*FIELDS],
		order_by="modified asc",
		limit=page,
	)
	waiting = {}
	for row in rows:
		if not _concerns_us(row.type, row.reference_doctype):
			continue
		payload = meta_body(row, phone_id)
		if payload:
			raw = json.dumps(payload, sort_keys=True).encode()
			waiting[intake.event_key(incoming.parse_webhook(payload), raw)] = (raw, payload)
	if not waiting:
		return 0
	held = set(frappe.get_all(webhook_intake.EVENT, {"name": ("in", list(waiting))}, pluck="name"))
	for key, (raw, payload) in waiting.items():
		if key not in held:
			webhook_intake.receive(raw, payload)
	return len(waiting) - len(held)
