"""Putting outreach in the queue: consent, the frequency cap, the associate, the drafted message.

Every producer (the daily planner, repairs, loyalty, a campaign) hands over Candidates; this module
decides with domain/outreach.py and writes the rows in bulk. A Candidate's dedupe key is unique in
the table, so handing the same one over twice, or from two workers at once, plans it once.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, formatdate, get_datetime, get_time, getdate, now_datetime, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach_facts import (
	OUTREACH,
	contact_of,
	customer_facts,
	existing_keys,
	existing_marketing,
	insert_ignoring_duplicates,
	preferred_categories,
)
from jewel_clienteling.services.rendering import Drafter
from jewel_clienteling.services.rhythm import send_moment

CHUNK = 2000  # customers decided and written together

# what a planned row is written with: docstatus and idx are left to their column default, 0
INSERT_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"customer",
	"customer_name",
	"reason",
	"step",
	"purpose",
	"status",
	"skip_reason",
	"held_reason",
	"due_date",
	"expires_on",
	"send_after",
	"assigned_to",
	"channel",
	"phone",
	"template",
	"message",
	"reference_doctype",
	"reference_name",
	"cycle",
	"dedupe_key",
	"context",
)


def skip_text(code: str) -> str:
	return {
		outreach_rules.SKIP_DO_NOT_CONTACT: _("The customer asked not to be contacted."),
		outreach_rules.SKIP_NO_CONSENT: _("No consent to marketing messages on any channel."),
		outreach_rules.SKIP_UNREACHABLE: _("No phone number or email to reach the customer on."),
		outreach_rules.SKIP_FREQUENCY_CAP: _(
			"Another message reaches the customer within the frequency cap."
		),
		outreach_rules.SKIP_SUPERSEDED: _(
			"A more important message replaced this one within the frequency cap."
		),
	}.get(code, code)


def stale_text(code: str, expires: date) -> str:
	"""Why an outreach was withdrawn unsent as Expired."""
	if code == lifecycle.STALE_EVENT_PASSED:
		return _("Withdrawn unsent: the day it was about has come.")
	return _("Withdrawn unsent: worth sending only until {0}.").format(formatdate(expires))


class Queue:
	"""One planning run's view of the shared facts (settings, templates, user names)."""

	def __init__(self, today: date | None = None, now: datetime | None = None):
		self.settings = clienteling_settings.get_settings()
		self.today = getdate(today or nowdate())
		self.now = get_datetime(now or now_datetime())
		self.cap_days = cint(self.settings.frequency_cap_days)
		self.utility_needs_opt_in = bool(cint(self.settings.utility_needs_opt_in))
		self.quiet = (_time(self.settings.quiet_hours_start), _time(self.settings.quiet_hours_end))
		self.region = (self.settings.default_region or "IN").upper()
		self.manager = self.settings.store_manager or None
		self.walk_in = clienteling_settings.walk_in_customer(self.settings)
		self.drafter = Drafter()
		self.store_name = _default_company()
		self._user_names: dict[str, str] = {}
		self._skip_texts: dict[str, str] = {}
		self.planned = 0
		self.skipped = 0
		self.withdrawn = 0
		self.expired = 0

	def add(self, candidates: list[outreach_rules.Candidate]) -> None:
		"""Decide and write these candidates, a chunk of customers at a time."""
		by_customer: dict[str, list[outreach_rules.Candidate]] = defaultdict(list)
		for candidate in candidates:
			if candidate.customer and candidate.customer != self.walk_in:
				by_customer[candidate.customer].append(candidate)
		customers = sorted(by_customer)
		for start in range(0, len(customers), CHUNK):
			chunk = customers[start : start + CHUNK]
			self._add_chunk({customer: by_customer[customer] for customer in chunk})

	def totals(self) -> dict[str, int]:
		return {
			"planned": self.planned,
			"skipped": self.skipped,
			"withdrawn": self.withdrawn,
			"expired": self.expired,
		}

	def _add_chunk(self, by_customer: dict[str, list[outreach_rules.Candidate]]) -> None:
		known = existing_keys([c.key for cands in by_customer.values() for c in cands])
		fresh = {
			customer: [c for c in cands if c.key not in known] for customer, cands in by_customer.items()
		}
		fresh = {customer: cands for customer, cands in fresh.items() if cands}
		if not fresh:
			return
		customers = customer_facts(list(fresh))
		dues = [c.due_date for cands in fresh.values() for c in cands]
		widest = _days(max(self.cap_days, rhythm.LONGEST_GAP))  # her own rhythm may be longer
		existing = existing_marketing(list(customers), min(dues) - widest, max(dues) + widest)
		tastes = preferred_categories(list(customers))
		rows, withdraw = [], []
		for customer, candidates in fresh.items():
			facts = customers.get(customer)
			if not facts:
				continue  # disabled or deleted
			contact = contact_of(facts)
			# a planner catching up on missed days records what went stale meanwhile, and sends none
			stale = {c.key for c in candidates if lifecycle.is_stale(self._expires_on(c), self.today)}
			rows.extend(self._row(None, facts, None, stale=c) for c in candidates if c.key in stale)
			candidates = [c for c in candidates if c.key not in stale]
			decisions, withdrawn = outreach_rules.decide(
				candidates,
				existing.get(customer, []),
				contact,
				rhythm.gap_days(facts.jc_contact_rhythm, self.cap_days),
				self.utility_needs_opt_in,
				every_topic=rhythm.is_her_own(facts.jc_contact_rhythm),
			)
			withdraw.extend(withdrawn)
			for decision in decisions:
				rows.append(self._row(decision, facts, tastes.get(customer)))
		self._withdraw(withdraw)
		insert_ignoring_duplicates(INSERT_FIELDS, rows)

	def _expires_on(self, candidate: outreach_rules.Candidate):
		return lifecycle.expires_on(
			candidate.reason, candidate.step, candidate.due_date, candidate.event_date
		)

	def _row(
		self,
		decision: outreach_rules.Decision | None,
		customer: frappe._dict,
		taste: str | None,
		stale: outreach_rules.Candidate | None = None,
	) -> tuple:
		"""One row to insert: planned (Due, or Planned for a later day), skipped with the reason, or,
		for a `stale` candidate (a planner catching up on missed days), already Expired."""
		candidate = stale or decision.candidate
		expires = self._expires_on(candidate)
		associate = outreach_rules.assignee(
			customer.jc_preferred_associate, customer.jc_last_served_by, self.manager
		)
		if stale:
			self.expired += 1
			status, template, message, send_after, channel, context = (
				lifecycle.EXPIRED,
				None,
				"",
				None,
				None,
				None,
			)
			held = None
			code = lifecycle.stale_reason(candidate.reason, candidate.step, candidate.due_date, expires)
			skip_reason = stale_text(code, expires)
		elif decision.plan:
			self.planned += 1
			status = lifecycle.DUE if candidate.due_date <= self.today else lifecycle.PLANNED
			context = {
				"first_name": (customer.customer_name or "").split(" ")[0],
				"customer_name": customer.customer_name,
				"associate_name": self._user_name(associate),
				"store_name": self.store_name,
				"preferred_category": taste or "",
				**candidate.context,
			}
			template = candidate.context.get("outreach_template") or self.drafter.pick(
				candidate.reason, candidate.step, candidate.context.get("occasion_type") or ""
			)
			draft = self.drafter.compose(template, context)
			# a word missing where one was needed: no sender takes it, the associate puts it right
			message, held = draft.message, draft.wait_reason
			send_after = send_moment(candidate.purpose, candidate.due_date, self.now, self.quiet, customer)
			channel, skip_reason = decision.channel, None
		else:
			self.skipped += 1
			status, template, message, send_after, channel = lifecycle.SKIPPED, None, "", None, None
			# translated once a run: a day's thousands of skips share a handful of reasons
			if decision.skip_reason not in self._skip_texts:
				self._skip_texts[decision.skip_reason] = skip_text(decision.skip_reason)
			skip_reason = self._skip_texts[decision.skip_reason]
			context, held = None, None
		return (
			frappe.generate_hash(length=12),
			self.now,
			self.now,
			frappe.session.user,
			frappe.session.user,
			candidate.customer,
			customer.customer_name,
			candidate.reason,
			candidate.step,
			candidate.purpose,
			status,
			skip_reason,
			held,
			candidate.due_date,
			expires,
			send_after,
			associate,
			channel,
			customer.phone,
			template,
			message,
			candidate.reference_doctype,
			candidate.reference_name,
			candidate.cycle,
			candidate.key,
			frappe.as_json(context, indent=None) if context else None,
		)

	def _withdraw(self, keys: list[str]) -> None:
		if not keys:
			return
		outreach = DocType(OUTREACH)
		(
			frappe.qb.update(outreach)
			.set(outreach.status, lifecycle.SKIPPED)
			.set(outreach.skip_reason, skip_text(outreach_rules.SKIP_SUPERSEDED))
			.set(outreach.modified, self.now)
			.where(outreach.dedupe_key.isin(keys) & outreach.status.isin(lifecycle.OPEN))
			.run()
		)
		self.withdrawn += len(keys)

	def _user_name(self, user: str | None) -> str:
		if not user:
			return ""
		if user not in self._user_names:
			self._user_names[user] = (
				frappe.db.get_value("User", user, "first_name") or user.split("@")[0]
			).strip()
		return self._user_names[user]


def _time(value):
	return get_time(value) if value else None


def _days(n: int) -> timedelta:
	return timedelta(days=max(n, 0))


def _default_company() -> str:
	return frappe.db.get_single_value("Global Defaults", "default_company") or ""
