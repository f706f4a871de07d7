"""What every sending channel shares: claiming due outreach so two workers never send the same row,
checking her consent again at the moment of sending, and writing down how it ended."""

from datetime import timedelta

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_to_date, now_datetime

from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain.outreach import MARKETING, REPLIES, SKIP_FREQUENCY_CAP
from jewel_clienteling.services.outreach import skip_text
from jewel_clienteling.services.rhythm import crowds_her

OUTREACH = "Client Outreach"
CLAIM_MINUTES = 5
CONSENT_FIELDS = {"WhatsApp": "jc_whatsapp_opt_in", "SMS": "jc_sms_opt_in", "Email": "jc_email_opt_in"}


def claim(token: str, now, channel: str, reasons: list[str] | None = None, limit: int = 200) -> list:
	"""Mark up to `limit` due outreach of `channel` (and of these reasons, when given) as ours for a
	few minutes, and return them. The claim is one UPDATE that repeats the conditions, so a row
	another worker claimed meanwhile is left alone."""
	if reasons is not None and not reasons:
		return []
	outreach = DocType(OUTREACH)
	due = (
		(outreach.channel == channel)
		& (outreach.status == lifecycle.DUE)
		# nothing past its shelf life is sent, even before the daily expiry has withdrawn it
		& (outreach.expires_on.isnull() | (outreach.expires_on >= now.date()))
		& outreach.wa_message_id.isnull()
		# a draft with a word missing waits for the associate: no sender takes it
		& (outreach.held_reason.isnull() | (outreach.held_reason == ""))
		& (outreach.send_after.isnull() | (outreach.send_after <= now))
		& (outreach.next_attempt_on.isnull() | (outreach.next_attempt_on <= now))
		& (outreach.claimed_until.isnull() | (outreach.claimed_until < now))
	)
	if reasons is not None:
		due &= outreach.reason.isin(reasons)
	names = [
		row[0]
		for row in frappe.qb.from_(outreach)
		.select(outreach.name)
		.where(due)
		.orderby(outreach.due_date)
		.orderby(outreach.name)
		.limit(limit)
		.run()
	]
	if not names:
		return []
	frappe.qb.update(outreach).set(outreach.claim, token).set(
		outreach.claimed_until, now + timedelta(minutes=CLAIM_MINUTES)
	).where(outreach.name.isin(names) & due).run()
	# the claim is committed before sending, so the other workers skip these rows
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return frappe.get_all(OUTREACH, filters={"claim": token}, fields=["*"], order_by="due_date, name")


def customer_consent(customer: str) -> frappe._dict | None:
	return frappe.db.get_value(
		"Customer",
		customer,
		[
			"jc_do_not_contact",
			*CONSENT_FIELDS.values(),
			"jc_whatsapp_last_inbound",
			"jc_contact_rhythm",
			"email_id",
			"customer_name",
		],
		as_dict=True,
	)


def may_send(row, customer) -> bool:
	"""Marketing only with her consent on this channel as it is now, never to Do Not Contact; an
	answer to her reply (a rhythm confirmation) likewise: never after her STOP."""
	if not customer:
		return False
	if row.purpose != MARKETING and row.reason not in REPLIES:
		return True
	return not customer.jc_do_not_contact and bool(customer.get(CONSENT_FIELDS.get(row.channel, "")))


def hold_if_crowded(row, customer) -> str | None:
	"""Another marketing message reached her within her rhythm (or the store's cap) since this one was
	planned: it does not go, and is Skipped with the frequency cap's reason ("skipped"); else None."""
	if not crowds_her(row, customer.jc_contact_rhythm):
		return None
	return finish(row, lifecycle.SKIPPED, skip_text(SKIP_FREQUENCY_CAP))


def sent(row, attempts: int, **values) -> str:
	frappe.db.set_value(
		OUTREACH,
		row.name,
		{
			"status": lifecycle.SENT,
			"sent_on": now_datetime(),
			"attempts": attempts,
			"claim": None,
			"claimed_until": None,
			"error_code": None,
			"error_message": None,
			**values,
		},
	)
	return "sent"


def retry_later(row, attempts: int, seconds: float, code: str, text: str) -> str:
	frappe.db.set_value(
		OUTREACH,
		row.name,
		{
			"attempts": attempts,
			"next_attempt_on": add_to_date(now_datetime(), seconds=seconds),
			"error_code": code,
			"error_message": text,
			"claim": None,
			"claimed_until": None,
		},
	)
	return "retrying"


def finish(row, status: str, why: str, code: str = "", attempts: int | None = None) -> str:
	frappe.db.set_value(
		OUTREACH,
		row.name,
		{
			"status": status,
			"skip_reason": why,
			"error_code": code or None,
			"error_message": why if status == lifecycle.FAILED else None,
			"attempts": attempts if attempts is not None else row.attempts,
			"claim": None,
			"claimed_until": None,
		},
	)
	return "failed" if status == lifecycle.FAILED else "skipped"


def release(row, outcome: str, seconds: float = 0) -> str:
	values = {"claim": None, "claimed_until": None}
	if seconds:
		values["next_attempt_on"] = add_to_date(now_datetime(), seconds=seconds)
	frappe.db.set_value(OUTREACH, row.name, values)
	return outcome
