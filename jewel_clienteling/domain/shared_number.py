"""One number, one webhook: when a store sends through frappe_whatsapp's WhatsApp Account, Meta's
webhook is frappe_whatsapp's, which keeps each message as a "WhatsApp Message" row. This tells such a
row again as the webhook body Meta would have sent, so the same intake (stored once, applied by jobs,
retried) takes her reply, her STOP or START and the delivery statuses, exactly as from our own
webhook. Pure: plain values in, a dict out.
"""

from datetime import datetime

# the statuses Meta reports (frappe_whatsapp also writes "Success" when its own text send went out:
# that is not Meta's word and tells us nothing)
META_STATUSES = frozenset({"sent", "delivered", "read", "failed"})

# frappe_whatsapp's content_type → where Meta puts the words of a message of that type
_WORDS = {
	"text": "body",
	"button": "text",
	"reaction": "emoji",
	"image": "caption",
	"video": "caption",
	"document": "caption",
}


def _unix(moment: datetime) -> str:
	if moment.tzinfo is None:
		raise ValueError("the moment must carry its time zone")
	return str(int(moment.timestamp()))


def _digits(phone: str | None) -> str:
	return "".join(ch for ch in (phone or "") if ch.isdigit())


def _envelope(phone_number_id: str, value: dict) -> dict:
	value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": phone_number_id}, **value}
	return {
		"object": "whatsapp_business_account",
		"entry": [{"id": "", "changes": [{"field": "messages", "value": value}]}],
	}


def incoming_body(
	*,
	message_id: str,
	from_phone: str,
	kind: str | None,
	text: str | None,
	profile_name: str | None,
	at: datetime,
	phone_number_id: str,
) -> dict | None:
	"""Meta's body for her message as frappe_whatsapp kept it; None when it lacks an id or a sender."""
	sender = _digits(from_phone)
	if not message_id or not sender:
		return None
	kind = (kind or "text").strip().lower()
	message = {"from": sender, "id": message_id, "timestamp": _unix(at), "type": kind}
	words = _WORDS.get(kind)
	message[kind] = {words: text} if words and text else {}
	if kind == "button" and text:
		message[kind]["payload"] = text
	contact = {"wa_id": sender, "profile": {"name": profile_name}} if profile_name else {"wa_id": sender}
	return _envelope(phone_number_id, {"contacts": [contact], "messages": [message]})


def status_body(
	*, message_id: str, status: str | None, recipient: str | None, at: datetime, phone_number_id: str
) -> dict | None:
	"""Meta's status body for a message we sent that frappe_whatsapp marked `status`; None when that is
	not one of Meta's statuses."""
	status = (status or "").strip().lower()
	if not message_id or status not in META_STATUSES:
		return None
	event = {"id": message_id, "status": status, "timestamp": _unix(at), "recipient_id": _digits(recipient)}
	return _envelope(phone_number_id, {"statuses": [event]})
