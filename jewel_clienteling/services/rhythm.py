"""Her rhythm on a real site: set at the counter or on her form (api/rhythm.py), or by her reply on
WhatsApp (services/webhook.py, beside STOP and START); read by the queue (services/outreach.py) for
her gap between messages and the moment a message goes. Rules: domain/rhythm.py."""

from datetime import date, datetime

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_days, cint, get_datetime, getdate, now_datetime, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services import settings as clienteling_settings

CHANNELS = ("WhatsApp", "SMS", "Email")  # jc_preferred_channel's options


def send_moment(purpose: str, due: date, now: datetime, quiet: tuple, customer) -> datetime:
	"""When it may go: out of quiet hours and, for marketing, at her time of day. A message about
	her own piece, order or visit keeps its time."""
	preferred = customer.jc_preferred_time if purpose == outreach_rules.MARKETING else None
	return rhythm.send_after(due, now, *quiet, preferred)


def set_rhythm(
	customer: str,
	how_often: str | None,
	time_of_day: str | None,
	channel: str | None,
	when: datetime | None = None,
) -> dict:
	"""Write her choice (empty: the store's default) and when it was made (the privacy export and
	erasure take these fields with the rest of the app's fields on her Customer)."""
	how_often, time_of_day, channel = how_often or "", time_of_day or "", channel or ""
	if how_often not in ("", *rhythm.RHYTHMS):
		frappe.throw(_("Choose how often from the list."))
	if time_of_day not in ("", *rhythm.TIMES_OF_DAY):
		frappe.throw(_("Choose a time of day from the list."))
	if channel not in ("", *CHANNELS):
		frappe.throw(_("Choose a channel from the list."))
	values = {
		"jc_contact_rhythm": how_often,
		"jc_preferred_time": time_of_day,
		"jc_preferred_channel": channel,
		"jc_rhythm_set_on": when or now_datetime(),
	}
	frappe.db.set_value("Customer", customer, values)
	hold_what_crowds_her(customer, how_often)
	return {key: value for key, value in values.items() if key != "jc_rhythm_set_on"}


def crowds_her(row, her_rhythm: str | None) -> int:
	"""At the moment a marketing outreach goes, by a sender or by an associate's hand days after it
	was planned: the days of her gap (her rhythm, else the store's cap) when another marketing
	message reached her within them (domain/rhythm.crowded_at_send), else 0. Utility never waits."""
	if row.purpose != outreach_rules.MARKETING:
		return 0
	cap = cint(clienteling_settings.get_settings().frequency_cap_days)
	gap = rhythm.gap_days(her_rhythm, cap)
	if gap <= 0:
		return 0
	today = getdate(nowdate())
	since = add_days(today, -gap)
	outreach = DocType("Client Outreach")
	rows = (
		frappe.qb.from_(outreach)
		.select(outreach.name, outreach.sent_on, outreach.due_date, outreach.reference_doctype)
		.select(outreach.reference_name)
		.where(
			(outreach.customer == row.customer)
			& (outreach.name != row.name)
			& (outreach.purpose == outreach_rules.MARKETING)
			& outreach.status.isin(lifecycle.REACHED)
			& ((outreach.sent_on >= since) | (outreach.sent_on.isnull() & (outreach.due_date >= since)))
		)
		.run(as_dict=True)
	)
	reached = [(getdate(other.sent_on or other.due_date), _topic(other)) for other in rows]
	crowded = rhythm.crowded_at_send(row.purpose, _topic(row), today, reached, her_rhythm, cap)
	return gap if crowded else 0


def _topic(row) -> str:
	"""What a message is about, as the planner tells topics apart; one added by hand, about nothing
	in particular, is its own topic."""
	if row.reference_doctype and row.reference_name:
		return f"{row.reference_doctype}:{row.reference_name}"
	return f"Client Outreach:{row.name}"


def take_reply(customer: str, text: str | None, received: datetime) -> str | None:
	"""Her reply asks to hear from the store more or less often: set it, unless she (or the counter)
	chose after she wrote it. Returns her new rhythm when the reply changed it, else None (a reply
	asking for what she has is still her latest word, and dated as such)."""
	current = frappe.db.get_value(
		"Customer", customer, ["jc_contact_rhythm", "jc_preferred_time", "jc_preferred_channel", "jc_rhythm_set_on"],
		as_dict=True, for_update=True,
	)  # fmt: skip
	if not current:
		return None
	cap = cint(clienteling_settings.get_settings().frequency_cap_days)
	chosen = rhythm.reply_rhythm(text, current.jc_contact_rhythm, cap)
	if not chosen:
		return None
	if current.jc_rhythm_set_on and get_datetime(current.jc_rhythm_set_on) > received:
		return None  # her latest word wins: a late or redelivered reply never undoes a newer choice
	set_rhythm(customer, chosen, current.jc_preferred_time, current.jc_preferred_channel, received)
	return chosen if rhythm.confirms(current.jc_contact_rhythm, chosen) else None


def hold_what_crowds_her(customer: str, how_often: str | None) -> int:
	"""Her rhythm changed: withdraw the queued marketing messages that now come too close to what
	she was sent or to a more important one still waiting, with the frequency cap's reason (the
	queue's own rule, outreach.decide). Returns how many."""
	if not rhythm.is_her_own(how_often):
		return 0  # back to the store's cap: what is queued was decided under it or a stricter one
	outreach = DocType("Client Outreach")
	today = getdate(nowdate())
	rows = (
		frappe.qb.from_(outreach)
		.select(
			outreach.dedupe_key,
			outreach.status,
			outreach.reason,
			outreach.due_date,
			outreach.reference_doctype,
			outreach.reference_name,
			outreach.cycle,
		)
		.where(
			(outreach.customer == customer)
			& (outreach.purpose == outreach_rules.MARKETING)
			& outreach.status.isin((*lifecycle.OPEN, *lifecycle.REACHED))
			& (outreach.due_date >= add_days(today, -rhythm.LONGEST_GAP))
		)
		.run(as_dict=True)
	)
	sent = [
		outreach_rules.Existing(
			row.dedupe_key, getdate(row.due_date), outreach_rules.PRIORITY[row.reason], "", sent=True
		)
		for row in rows
		if row.status in lifecycle.REACHED
	]
	waiting = {
		row.dedupe_key: outreach_rules.Candidate(
			customer, row.reason, row.reference_doctype, row.reference_name, row.cycle, getdate(row.due_date)
		)
		for row in rows
		if row.status in lifecycle.OPEN and row.reason in outreach_rules.PURPOSE
	}
	# the cap alone is asked here: her consent is asked again when each message falls due and is sent
	anyone = outreach_rules.Contact(whatsapp_opt_in=True, has_mobile=True)
	decisions, _withdrawn = outreach_rules.decide(
		list(waiting.values()), sent, anyone, rhythm.gap_days(how_often, 0), every_topic=True
	)
	crowded = [
		key
		for key, decision in zip(waiting, decisions, strict=True)
		if decision.skip_reason == outreach_rules.SKIP_FREQUENCY_CAP
	]
	if crowded:
		from jewel_clienteling.services.outreach import skip_text  # it reads her rhythm from here

		(
			frappe.qb.update(outreach)
			.set(outreach.status, lifecycle.SKIPPED)
			.set(outreach.skip_reason, skip_text(outreach_rules.SKIP_FREQUENCY_CAP))
			.set(outreach.modified, now_datetime())
			.where(outreach.dedupe_key.isin(crowded) & outreach.status.isin(lifecycle.OPEN))
			.run()
		)
	return len(crowded)
