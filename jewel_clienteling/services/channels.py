"""One interface for every way a message reaches her, chosen per outreach by its channel (which the
planner picked from her consent and her preferred channel):

- WhatsApp: the Cloud API, by itself, when it is connected and the reason has an approved template;
- Email: Frappe's email queue, by itself, when the store switched it on and has an outgoing account;
- SMS: ERPNext's SMS Settings gateway, by itself, when switched on and a gateway is set;
- Manual: a wa.me link in the associate's Today queue, to send from her own phone.

Whatever a channel does not send by itself waits in the associate's queue, drafted. Every automatic
send checks her consent again at the moment of sending and never runs inside a sale.
"""

import time

import frappe
from frappe import _
from frappe.utils import cint, escape_html, now_datetime

from jewel_clienteling.domain import messaging, phones
from jewel_clienteling.services import claims, whatsapp
from jewel_clienteling.services import settings as clienteling_settings

WHATSAPP, SMS, EMAIL, MANUAL = "WhatsApp", "SMS", "Email", "Manual"
MAX_ATTEMPTS = 6
PAGE = 200


def email_is_automatic() -> bool:
	settings = clienteling_settings.get_settings()
	return bool(cint(settings.get("send_email_automatically"))) and bool(
		frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
	)


def sms_is_automatic() -> bool:
	settings = clienteling_settings.get_settings()
	return bool(cint(settings.get("send_sms_automatically"))) and bool(
		frappe.db.get_single_value("SMS Settings", "sms_gateway_url")
	)


def automatic_channels() -> dict[str, list[str] | None]:
	"""Channel → the reasons it sends by itself (None: every reason)."""
	found: dict[str, list[str] | None] = {}
	if whatsapp.is_enabled():
		found[WHATSAPP] = whatsapp.sending_reasons(whatsapp.approved_templates())
	if email_is_automatic():
		found[EMAIL] = None
	if sms_is_automatic():
		found[SMS] = None
	return found


def sends_by_itself(row, automatic: dict[str, list[str] | None]) -> bool:
	"""Whether a job will send this outreach, so it need not wait in an associate's queue."""
	if row.channel not in automatic:
		return False
	reasons = automatic[row.channel]
	return reasons is None or row.reason in reasons


def manual_link(row, region: str = "IN") -> str | None:
	"""The wa.me link an associate opens to send the drafted message from her own phone."""
	return phones.whatsapp_link(row.phone, row.message or "", region)


# --- email and SMS -------------------------------------------------------------------------------


def drain_others(max_seconds: float = 50, page: int = PAGE) -> dict:
	"""Send due Email and SMS outreach whose channel sends by itself, until none is left or the time
	is up. Safe in parallel: each row is claimed."""
	result = {"sent": 0, "failed": 0, "retrying": 0, "skipped": 0}
	senders = {EMAIL: send_email, SMS: send_sms}
	channels = [channel for channel in (EMAIL, SMS) if channel in automatic_channels()]
	token = frappe.generate_hash(length=16)
	started = time.monotonic()
	for channel in channels:
		while time.monotonic() - started < max_seconds:
			rows = claims.claim(token, now_datetime(), channel, None, page)
			if not rows:
				break
			for row in rows:
				customer = claims.customer_consent(row.customer)
				if not claims.may_send(row, customer):
					outcome = claims.finish(
						row, "Skipped", _("No {0} consent when it was time to send.").format(_(channel))
					)
				else:
					outcome = claims.hold_if_crowded(row, customer) or senders[channel](row, customer)
				result[outcome] += 1
				# a background drain: each message's result is committed the moment it is known
				frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return result


def send_email(row, customer) -> str:
	attempts = cint(row.attempts) + 1
	if not customer.email_id:
		return claims.finish(
			row, "Failed", _("The customer has no email address."), code="no_email", attempts=attempts
		)
	if not (row.message or "").strip():
		return claims.finish(row, "Failed", _("The message is empty."), code="empty_body", attempts=attempts)
	subject = _("A note from {0}").format(_store_name())
	body = escape_html(row.message).replace("\n", "<br>")
	try:
		frappe.db.savepoint("jc_send_email")
		frappe.sendmail(
			recipients=[customer.email_id],
			subject=subject,
			message=body,
			reference_doctype=claims.OUTREACH,
			reference_name=row.name,
			communication=_communication(row.name, customer.email_id, subject, body),
			delayed=True,
		)
	except frappe.ValidationError as error:
		frappe.db.rollback(save_point="jc_send_email")
		return claims.finish(row, "Failed", str(error), code="rejected", attempts=attempts)
	# Frappe's email queue takes it from here, with its own retries
	return claims.sent(row, attempts)


def _communication(outreach: str, recipient: str, subject: str, body: str) -> str:
	"""The email as a Communication on the outreach: Frappe's email queue then keeps its delivery
	status there, and, when the email account tracks email status, marks it read when she opens it
	(the Clienteling Impact report's email figures)."""
	return (
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"subject": subject,
				"content": body,
				"recipients": recipient,
				"reference_doctype": claims.OUTREACH,
				"reference_name": outreach,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def send_sms(row, customer) -> str:
	from frappe.core.doctype.sms_settings.sms_settings import send_sms as send_through_gateway

	attempts = cint(row.attempts) + 1
	if not row.phone:
		return claims.finish(
			row, "Failed", _("The customer has no mobile number."), code="no_phone", attempts=attempts
		)
	try:
		frappe.db.savepoint("jc_send_sms")
		send_through_gateway([row.phone], row.message, success_msg=False)
	except Exception as error:
		frappe.db.rollback(save_point="jc_send_sms")
		# the gateway's answer sorted like Meta's: 5xx, 429 and no answer back off, other 4xx fail
		status = getattr(getattr(error, "response", None), "status_code", None)
		outcome = messaging.classify_error(status, None)
		code = str(status or "gateway")
		text = f"{type(error).__name__}: {error}"[:500]
		if messaging.should_give_up(outcome, attempts, MAX_ATTEMPTS):
			return claims.finish(row, "Failed", text, code=code, attempts=attempts)
		return claims.retry_later(row, attempts, messaging.retry_delay(outcome, attempts), code, text)
	return claims.sent(row, attempts)


def _store_name() -> str:
	return frappe.defaults.get_global_default("company") or frappe.db.get_default("company") or ""
