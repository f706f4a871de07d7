"""The daily planner's "stay in touch": a valued customer (domain/rhythm.py) the store has not
written to, nor seen at the counter, for the settings' days gets one warm note, never an offer and
never sooner than her own rhythm allows. Once per silence: the cycle is the day of her last touch,
so the dedupe key (unique in the table) plans it once however often the planner runs, and the next
silence starts from the note itself.

A day's cost follows the silences that reach their length that day, not how many customers there
are: those whose last purchase, or whose last message, lies exactly one silence back are read by
index (the last purchase's, and the outreach's status and due date).

Silences that reached their length before the first day planned (the store's past just learnt, the
rule just switched on or shortened) are caught up as lapsed customers are
(services/planner_backlog.py): at most the catching-up allowance a day per associate, the most
valuable first, until nobody silent too long is left."""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Cast_, Max
from frappe.utils import cint, getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services.planner_backlog import (
	SCAN,
	SETTINGS,
	SILENT_SINCE,
	allowance_left,
	most_valuable_first,
	past_still_to_learn,
)
from jewel_clienteling.services.planner_queries import pages

CUSTOMER_FIELDS = (
	"name",
	"jc_lifetime_value",
	"jc_last_purchase_date",
	"jc_contact_rhythm",
	"jc_preferred_associate",
	"jc_last_served_by",
)


def stay_in_touch_candidates(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	"""A note for each valued customer whose silence reaches its length between `first` and `last`,
	due that day; then, while catching up, today's share of those silent too long already."""
	days, cap = cint(settings.stay_in_touch_days), cint(settings.frequency_cap_days)
	seen: set[str] = set()
	for rows in _touched_one_silence_back(first, last, rhythm.silence_lengths(days)):
		rows = _once_each(rows, seen)
		page = [
			_note(row, touched, due, has_category)
			for row, touched, due, has_category in _silences(rows, last, days, cap)
			if first <= due <= last
		]
		if page:
			yield page
	if settings.get(SILENT_SINCE):
		yield from _catch_up(first, last, settings)


def _once_each(rows: list, seen: set[str]) -> list:
	"""Those not met yet: she may have several messages one silence back, or have bought then too."""
	fresh = []
	for row in rows:
		if row.name not in seen:
			seen.add(row.name)
			fresh.append(row)
	return fresh


def start_catching_up(before, after) -> None:
	"""The rule switched on, or its days shortened (Clienteling Settings saved): those now silent too
	long are caught up from today, a few a day."""
	old, new = cint(before.stay_in_touch_days) if before else 0, cint(after.stay_in_touch_days)
	if new > 0 and (old <= 0 or new < old) and not after.get(SILENT_SINCE):
		frappe.db.set_single_value(SETTINGS, SILENT_SINCE, getdate(nowdate()))


def _valued(customer):
	return (
		(customer.disabled == 0)
		& customer.jc_erased_on.isnull()
		& (
			customer.jc_lifecycle_stage.isin(rhythm.VALUED_STAGES)
			| customer.jc_rfm_segment.isin(rhythm.VALUED_SEGMENTS)
		)
	)


def _touched_one_silence_back(first: date, last: date, lengths: tuple[int, ...]) -> Iterator[list]:
	"""Valued customers whose last purchase, or one of whose messages, lies one silence (of any length
	a rhythm gives) before a planned day: the only ones whose note can fall due on it."""
	customer = DocType("Customer")
	outreach = DocType("Client Outreach")
	fields = [customer[field] for field in CUSTOMER_FIELDS]
	for start, end in rhythm.silences_reaching_length(first, last, lengths):
		bought = (
			frappe.qb.from_(customer)
			.select(*fields)
			.where(
				(customer.jc_last_purchase_date >= start)
				& (customer.jc_last_purchase_date <= end)
				& _valued(customer)
			)
		)
		yield from pages(bought, customer.jc_last_purchase_date, customer.name)
		written = (
			frappe.qb.from_(outreach)
			.join(customer)
			.on(customer.name == outreach.customer)
			.select(*fields, outreach.due_date, outreach.name.as_("outreach"))
			.where(
				outreach.status.isin(lifecycle.COUNTED)
				& (outreach.due_date >= start)
				& (outreach.due_date <= end)
				& (outreach.purpose == outreach_rules.MARKETING)
				& _valued(customer)
			)
		)
		yield from pages(written, outreach.due_date, outreach.name, key=("due_date", "outreach"))


def _silences(rows: list, last: date, days: int, cap: int) -> Iterable[tuple]:
	"""Each one's silence now: (her row, her last touch, the day her note falls due, whether her
	category is known)."""
	names = [row.name for row in rows]
	written = _last_written(names, last)
	with_category = _with_category(names)
	for row in rows:
		touched = rhythm.last_touch(written.get(row.name), getdate(row.jc_last_purchase_date))
		due = rhythm.stay_in_touch_due(touched, days, row.jc_contact_rhythm, cap)
		yield row, touched, due, row.name in with_category


def _note(row, touched: date, due: date, has_category: bool) -> outreach_rules.Candidate:
	return outreach_rules.Candidate(
		customer=row.name,
		reason=outreach_rules.STAY_IN_TOUCH,
		reference_doctype="Customer",
		reference_name=row.name,
		cycle=touched.isoformat(),
		due_date=due,
		step=rhythm.touch_kind(due, has_category),
		context={"last_purchase_date": getdate(row.jc_last_purchase_date)},
	)


def _catch_up(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	"""Today's share of the valued customers silent too long before `first`: per associate, what is
	left of the day's allowance, the most valuable first. Ends the catching up when none is left."""
	per_associate = cint(settings.lapsed_backlog_per_associate)
	if per_associate <= 0:
		return
	days, cap = cint(settings.stay_in_touch_days), cint(settings.frequency_cap_days)
	manager = settings.store_manager or None
	left = allowance_left(last, per_associate, outreach_rules.STAY_IN_TOUCH)
	read, overdue = 0, 0
	for rows in _silent_too_long(first - timedelta(days=days), last):
		read += len(rows)
		page = []
		for row, touched, due, has_category in _silences(rows, last, days, cap):
			if due >= first:
				continue  # her own rhythm is longer: her regular day is still to come
			overdue += 1
			associate = (
				outreach_rules.assignee(row.jc_preferred_associate, row.jc_last_served_by, manager) or ""
			)
			if left.get(associate, per_associate) <= 0:
				continue
			left[associate] = left.get(associate, per_associate) - 1
			page.append(_note(row, touched, last, has_category))
		if page:
			yield page
		if read >= SCAN:
			return
	if not overdue and not past_still_to_learn():
		frappe.db.set_single_value(SETTINGS, SILENT_SINCE, None)  # nobody is left, and nobody is to come


def _silent_too_long(bought_before: date, last: date) -> Iterator[list]:
	"""Valued customers whose last purchase is before `bought_before`, with no note yet for this
	silence or a later one and no marketing message since `bought_before`: the most valuable first,
	pages read down the lifetime value's index, so a day's share costs what it reads."""
	customer = DocType("Customer")
	note = DocType("Client Outreach").as_("note")
	message = DocType("Client Outreach").as_("message")
	query = (
		frappe.qb.from_(customer)
		.left_join(note)
		.on(
			(note.customer == customer.name)
			& (note.reason == outreach_rules.STAY_IN_TOUCH)
			& (note.cycle >= Cast_(customer.jc_last_purchase_date, "varchar"))
		)
		.left_join(message)
		.on(
			(message.customer == customer.name)
			& (message.due_date >= bought_before)
			& (message.due_date <= last)
			& (message.purpose == outreach_rules.MARKETING)
			& message.status.isin(lifecycle.COUNTED)
		)
		.select(*(customer[field] for field in CUSTOMER_FIELDS))
		.where(
			(customer.jc_last_purchase_date < bought_before)
			& _valued(customer)
			& note.name.isnull()
			& message.name.isnull()
		)
	)
	yield from most_valuable_first(query, customer)


def _last_written(customers: list[str], until: date) -> dict[str, date]:
	"""The due day of the last marketing message each was sent or has waiting, up to `until`."""
	if not customers:
		return {}
	outreach = DocType("Client Outreach")
	found: dict[str, date] = {}
	for name, day in (
		frappe.qb.from_(outreach)
		.select(outreach.customer, Max(outreach.due_date))
		.where(
			outreach.customer.isin(customers)
			& (outreach.purpose == outreach_rules.MARKETING)
			& outreach.status.isin(lifecycle.COUNTED)
			& (outreach.due_date <= until)
		)
		.groupby(outreach.customer)
		.run()
	):
		found[name] = getdate(day)
	return found


def _with_category(customers: list[str]) -> set[str]:
	"""Those whose category the store knows (stated or learnt): "new pieces in her category"."""
	if not customers:
		return set()
	preference = DocType("Preference")
	return set(
		frappe.qb.from_(preference)
		.select(preference.customer)
		.where(preference.customer.isin(customers) & (preference.dimension == "Category"))
		.distinct()
		.run(pluck=True)
	)
