"""Sending through frappe_whatsapp's WhatsApp Account: the number a store already runs there.

Meta allows one webhook per app, so a store that runs frappe_whatsapp can tick "Share frappe_whatsapp's
Number" in Clienteling WhatsApp Settings and pick its account. Our drain then sends with the account's
token and phone number id against its Graph URL — the same drain, so pacing, the 24-hour window,
consent, Meta's error classes and the retries are ours unchanged, and a failed send is logged on the
outreach and retried by the queue — and each message sent is written once into frappe_whatsapp's
"WhatsApp Message", so the store sees it in its chats and frappe_whatsapp's webhook finds it when
Meta reports its status (services/shared_inbound.py learns that status from there).

Without frappe_whatsapp, or with the box unticked, nothing here is used.
"""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint

ACCOUNT = "WhatsApp Account"
MESSAGE = "WhatsApp Message"
APP = "frappe_whatsapp"
OUTREACH = "Client Outreach"
SETTINGS = "Clienteling WhatsApp Settings"


def installed() -> bool:
	"""Whether frappe_whatsapp's account doctype is on this site (asked once per request or job)."""
	if "jc_whatsapp_account_doctype" not in frappe.local.flags:
		frappe.local.flags.jc_whatsapp_account_doctype = bool(frappe.db.exists("DocType", ACCOUNT))
	return frappe.local.flags.jc_whatsapp_account_doctype


def account(config) -> str | None:
	"""The frappe_whatsapp account the store chose to share, when frappe_whatsapp is installed."""
	if not cint(config.get("use_whatsapp_account")) or not config.get("whatsapp_account"):
		return None
	return config.whatsapp_account if installed() else None


@dataclass(frozen=True)
class Line:
	"""Where a drain sends: the URL, the bearer token, the number (its pace) and, when shared, the
	frappe_whatsapp account."""

	url: str
	token: str
	phone_id: str
	account: str | None = None


def account_line(name: str) -> Line:
	doc = frappe.get_doc(ACCOUNT, name)
	base = (doc.url or "https://graph.facebook.com").rstrip("/")
	return Line(
		url=f"{base}/{doc.version or 'v21.0'}/{doc.phone_id}/messages",
		token=doc.get_password("token", raise_exception=False) or "",
		phone_id=doc.phone_id or "",
		account=doc.name,
	)


def record_sent(row, payload: dict, message_id: str, account_name: str) -> None:
	"""Write the message just sent into frappe_whatsapp's "WhatsApp Message", once. Its controller
	sends in before_insert, and this one has gone already, so the row is written as it is. A failure
	here is logged and never undoes the send (the outreach keeps its message id)."""
	template = payload.get("template") or {}
	doc = frappe.get_doc(
		{
			"doctype": MESSAGE,
			"type": "Outgoing",
			"to": payload.get("to"),
			"message": row.message or template.get("name") or "",
			"message_type": "Template" if payload.get("type") == "template" else "Manual",
			"content_type": "text",
			"message_id": message_id,
			"whatsapp_account": account_name,
			"reference_doctype": OUTREACH,
			"reference_name": row.name,
		}
	)
	try:
		frappe.db.savepoint("jc_record_sent")
		# frappe_whatsapp's before_insert would send it a second time: the row is written directly
		doc.db_insert()
	except Exception:
		frappe.db.rollback(save_point="jc_record_sent")
		frappe.log_error(title=_("Could not record WhatsApp message {0} in {1}").format(message_id, MESSAGE))


def forget(outreach: list[str]) -> int:
	"""Erasure: delete the rows this app wrote into frappe_whatsapp's "WhatsApp Message" for these
	outreach (her number and the words). Her own messages there are frappe_whatsapp's records."""
	if not outreach or not installed():
		return 0
	filters = {"reference_doctype": OUTREACH, "reference_name": ("in", outreach)}
	count = frappe.db.count(MESSAGE, filters)
	if count:
		frappe.db.delete(MESSAGE, filters)
	return count


def forget_account(app_name: str) -> None:
	"""before_app_uninstall: when frappe_whatsapp leaves, sending goes back to our own settings (a
	Link to a doctype that is gone would make the settings unsaveable)."""
	if app_name != APP or not frappe.db.exists("DocType", SETTINGS):
		return  # not frappe_whatsapp leaving, or this app already gone (its hooks may still be cached)
	chosen = [frappe.db.get_single_value(SETTINGS, f) for f in ("use_whatsapp_account", "whatsapp_account")]
	if any(chosen):  # a store that never shared its number keeps its settings untouched
		frappe.db.set_single_value(SETTINGS, {"use_whatsapp_account": 0, "whatsapp_account": None})
		frappe.clear_document_cache(SETTINGS, SETTINGS)
