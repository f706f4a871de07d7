"""Outreach as the days pass: what was planned for a later day falls due on its day (her consent
asked again, quiet hours waited out) and reaches a sender or the associate's Today queue; what is
past its shelf life is withdrawn as Expired with the reason, never sent. Both are idempotent: a row
moves only from the state it is found in, so a rerun, a parallel run or a missed day changes nothing
twice. The rules are in domain/outreach_lifecycle.py."""

from datetime import date, datetime

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, get_datetime, get_time, getdate, now_datetime, nowdate

from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import OUTREACH, skip_text, stale_text
from jewel_clienteling.services.outreach_facts import contact_of, customer_facts
from jewel_clienteling.services.rhythm import send_moment

PAGE = 500


def due_filters(today: date | None = None) -> dict:
	"""What is really due today, as list filters: due, its day come, still worth sending. The Today
	queue lists with these; the workspace's "Outreach Due Today" counts with is_due, the same rule."""
	today = getdate(today or nowdate())
	return {"status": lifecycle.DUE, "due_date": ["<=", today], "expires_on": [">=", today]}


def is_due(outreach, today: date | None = None):
	"""due_filters as a query condition on the Client Outreach table `outreach`."""
	today = getdate(today or nowdate())
	return (outreach.status == lifecycle.DUE) & (outreach.due_date <= today) & (outreach.expires_on >= today)


# --- planned → due ---------------------------------------------------------------------------------


def make_due(today: date | None = None, now: datetime | None = None) -> dict:
	"""Every Planned outreach whose day has come and that is still worth sending becomes Due, on the
	channel her consent allows now, to be sent after quiet hours; when she no longer allows any, it is
	Skipped with the reason. Commits page by page (a scheduler job owns its transaction)."""
	today = getdate(today or nowdate())
	now = get_datetime(now or now_datetime())
	settings = clienteling_settings.get_settings()
	quiet = (_time(settings.quiet_hours_start), _time(settings.quiet_hours_end))
	utility_needs_opt_in = bool(cint(settings.utility_needs_opt_in))
	outreach = DocType(OUTREACH)
	waiting = (
		(outreach.status == lifecycle.PLANNED)
		& (outreach.due_date <= today)
		& (outreach.expires_on.isnull() | (outreach.expires_on >= today))
	)
	done = {"due": 0, "skipped": 0}
	while True:
		rows = (
			frappe.qb.from_(outreach)
			.select(
				outreach.name,
				outreach.customer,
				outreach.purpose,
				outreach.channel,
				outreach.due_date,
				outreach.send_after,
			)
			.where(waiting)
			.orderby(outreach.due_date)
			.orderby(outreach.name)
			.limit(PAGE)
			.run(as_dict=True)
		)
		if not rows:
			return done
		customers = customer_facts(list({row.customer for row in rows}))
		for row in rows:
			facts = customers.get(row.customer)
			contact = contact_of(facts) if facts else None
			channel, skip = lifecycle.recheck(row.purpose, row.channel, contact, utility_needs_opt_in)
			if channel:
				values = {
					outreach.status: lifecycle.DUE,
					outreach.channel: channel,
					outreach.phone: facts.phone,
					# out of quiet hours, at her time of day, and never before a moment its producer
					# chose (an appointment's two-hours-before reminder)
					outreach.send_after: max(
						send_moment(row.purpose, getdate(row.due_date), now, quiet, facts),
						get_datetime(row.send_after) if row.send_after else now,
					),
				}
				done["due"] += 1
			else:
				values = {outreach.status: lifecycle.SKIPPED, outreach.skip_reason: skip_text(skip)}
				done["skipped"] += 1
			query = frappe.qb.update(outreach)
			for column, value in {**values, outreach.modified: now}.items():
				query = query.set(column, value)
			# the row moves only if it is still Planned: another run may have moved it meanwhile
			query.where((outreach.name == row.name) & (outreach.status == lifecycle.PLANNED)).run()
		# a scheduler job, a page per transaction: a rerun skips what moved
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


# --- past its shelf life → expired -----------------------------------------------------------------


def expire(today: date | None = None, now: datetime | None = None) -> int:
	"""Withdraw as Expired, with the reason, every outreach still waiting (Planned or Due) past its
	last day worth sending; one being sent this minute is left to its sender. Returns how many."""
	today = getdate(today or nowdate())
	now = get_datetime(now or now_datetime())
	outreach = DocType(OUTREACH)
	stale = (
		outreach.status.isin(lifecycle.OPEN)
		& (outreach.expires_on < today)
		& (outreach.claimed_until.isnull() | (outreach.claimed_until < now))
	)
	count = 0
	while True:
		rows = (
			frappe.qb.from_(outreach)
			.select(outreach.name, outreach.reason, outreach.step, outreach.due_date, outreach.expires_on)
			.where(stale)
			.orderby(outreach.expires_on)
			.orderby(outreach.name)
			.limit(PAGE)
			.run(as_dict=True)
		)
		if not rows:
			return count
		for row in rows:
			expires = getdate(row.expires_on)
			code = lifecycle.stale_reason(row.reason, row.step or "", getdate(row.due_date), expires)
			(
				frappe.qb.update(outreach)
				.set(outreach.status, lifecycle.EXPIRED)
				.set(outreach.skip_reason, stale_text(code, expires))
				.set(outreach.modified, now)
				.where((outreach.name == row.name) & stale)
				.run()
			)
		count += len(rows)
		# a scheduler job, a page per transaction: a rerun finds the rest
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def _time(value):
	return get_time(value) if value else None
