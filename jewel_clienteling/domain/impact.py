"""What remembering earns: the figures of the Clienteling Impact report, from the counts the Frappe
layer adds up in SQL (services/impact.py, over the monthly counts of services/impact_months.py).
Each figure is defined here once; the report's help and the README say the same in words.

- A *visit* is a day on which a customer bought at a store (domain/visits.py): her submitted
  invoices of that day at that counter; returns, cancelled invoices, a POS closing's consolidation
  and the store's walk-in customer are left out. Its spend is what those invoices came to; a later
  return does not change it.
- Her *first visit* is her first visit ever, at any store, also before the app arrived; every later
  visit is a *repeat visit*.
- She *came back* when she bought again, on a later day and at any store, within 12 months of her
  first visit. The come-back rate counts the first-time buyers of the months that ended at least 12
  months ago, so a recent month is not shown as worse than it will turn out.
- Outreach is *timed* when it is about her (an occasion, after a purchase, a word to stay in touch
  when she has not been in) and *broadcast* when a campaign sends the same message to many. It went
  out when it was sent (its sent time is in the period); it *got a reply* when she answered; it
  *converted* when a sale was credited to it (she bought within the attribution window after it).
- A *referred* customer is one whose "referred by" names another customer.
- Everything is counted by month: the period is whole months, and before and after the app is
  decided by month, the month the app arrived counting as with the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from jewel_clienteling.domain.outreach import (
	CAMPAIGN,
	CHANNELS,
	EMAIL,
	LAPSED,
	MANUAL,
	OCCASION,
	POST_PURCHASE,
	SMS,
	WHATSAPP,
)
from jewel_clienteling.domain.visits import Change, Visit

COME_BACK_MONTHS = 12
TIMED_REASONS = (OCCASION, POST_PURCHASE, LAPSED)
BROADCAST_REASONS = (CAMPAIGN,)
TIMED, BROADCAST = "Timed", "Broadcast"

# What a channel tells us about a message once sent. WhatsApp reports delivery and reading; Frappe's
# email queue reports the hand-over to the mail server and, when the email account tracks it, the
# opening; ERPNext's SMS gateway reports neither, and a message sent from an associate's own phone
# nothing. A step a channel does not report is shown only where some message recorded it anyway.
REPORTED_STEPS = {WHATSAPP: ("delivered", "read"), EMAIL: ("delivered", "read"), SMS: (), MANUAL: ()}
STEPS = ("delivered", "read", "replied")

# How the report's columns are chosen
BEFORE_AND_AFTER = "Before and After the App"
STORE = "Store"
ASSOCIATE = "Associate"
MONTH = "Month"
COMPARE = (BEFORE_AND_AFTER, STORE, ASSOCIATE, MONTH)
BEFORE, AFTER = "Before", "After"


MonthKey = tuple  # (month, store, associate, first visit, referred)


def month_counts(visits: Iterable[Visit], walk_in: str | None = None) -> dict[MonthKey, tuple]:
	"""Visits added up as Clienteling Impact Month keeps them: (visits, spend, came back) by month,
	store, associate, first visit or not and referred or not; the walk-in customer left out."""
	found: dict[MonthKey, tuple] = {}
	for visit in visits:
		if walk_in and visit.customer == walk_in:
			continue
		key = (visit.day.replace(day=1), visit.store, visit.associate, visit.first_visit, visit.referred)
		count, amount, back = found.get(key, (0, Decimal(0), 0))
		found[key] = (
			count + 1,
			amount + Decimal(visit.amount),
			back + came_back(visit.day, visit.next_visit),
		)
	return found


def month_deltas(change: Change, walk_in: str | None = None) -> dict[MonthKey, tuple]:
	"""What a change of some customers' visits adds to (or takes from) each month's counts."""
	before, after = month_counts(change.before, walk_in), month_counts(change.after, walk_in)
	found = {}
	for key in before.keys() | after.keys():
		old, new = before.get(key, (0, Decimal(0), 0)), after.get(key, (0, Decimal(0), 0))
		delta = tuple(n - o for n, o in zip(new, old, strict=True))
		if any(delta):
			found[key] = delta
	return found


@dataclass(frozen=True)
class Figure:
	key: str
	fieldtype: str  # Int, Percent, Currency or Float (a ratio, shown as "2.4x")
	section: str


def _channel_figures(channel: str) -> list[Figure]:
	slug = channel.lower()
	return [
		Figure(f"{slug}_sent", "Int", channel),
		*(Figure(f"{slug}_{step}_rate", "Percent", channel) for step in STEPS),
	]


FIGURES: tuple[Figure, ...] = (
	Figure("first_time_buyers", "Int", "Come-back"),
	Figure("matured_buyers", "Int", "Come-back"),
	Figure("came_back", "Int", "Come-back"),
	Figure("come_back_rate", "Percent", "Come-back"),
	Figure("first_visits", "Int", "Spend"),
	Figure("first_visit_spend", "Currency", "Spend"),
	Figure("repeat_visits", "Int", "Spend"),
	Figure("repeat_visit_spend", "Currency", "Spend"),
	Figure("repeat_over_first", "Float", "Spend"),
	Figure("timed_sent", "Int", "Outreach"),
	Figure("timed_reply_rate", "Percent", "Outreach"),
	Figure("timed_conversion_rate", "Percent", "Outreach"),
	Figure("timed_revenue", "Currency", "Outreach"),
	Figure("broadcast_sent", "Int", "Outreach"),
	Figure("broadcast_reply_rate", "Percent", "Outreach"),
	Figure("broadcast_conversion_rate", "Percent", "Outreach"),
	Figure("broadcast_revenue", "Currency", "Outreach"),
	Figure("timed_over_broadcast", "Float", "Outreach"),
	*(figure for channel in CHANNELS for figure in _channel_figures(channel)),
	Figure("referred_new_buyers", "Int", "Referrals"),
	Figure("referred_visits", "Int", "Referrals"),
	Figure("referred_revenue", "Currency", "Referrals"),
)
FIGURE_KEYS = tuple(figure.key for figure in FIGURES)


def kind_of(reason: str | None) -> str | None:
	"""Timed, broadcast, or neither (repairs, points, reviews… are not compared)."""
	if reason in TIMED_REASONS:
		return TIMED
	if reason in BROADCAST_REASONS:
		return BROADCAST
	return None


def whole_months(from_date: date, to_date: date) -> tuple[date, date]:
	"""The period stretched to whole months: the first day of the first, the last day of the last."""
	first = from_date.replace(day=1)
	return first, month_end(to_date)


def months_between(first: date, last: date) -> list[date]:
	"""The first days of the months from `first`'s to `last`'s, oldest first."""
	month, found = first.replace(day=1), []
	while month <= last:
		found.append(month)
		month += relativedelta(months=1)
	return found


def month_end(month: date) -> date:
	return month.replace(day=1) + relativedelta(months=1, days=-1)


def came_back_by(first_visit: date) -> date:
	"""The last day on which a visit still counts as coming back (SQL adds the same interval)."""
	return first_visit + relativedelta(months=COME_BACK_MONTHS)


def came_back(day: date, next_visit: date | None) -> bool:
	"""Whether a visit on `day` was followed by another within 12 months."""
	return next_visit is not None and day < next_visit <= came_back_by(day)


def last_matured_month(today: date) -> date:
	"""The last month whose first-time buyers have all had their 12 months by `today`: its last day is
	at least 12 months before today."""
	# the month a year back matured if its last day's 12 months are over (29 February 2000's ended on
	# 28 February 2001, as the SQL's interval counts them), else the month before it did
	month = (today - relativedelta(months=COME_BACK_MONTHS)).replace(day=1)
	if came_back_by(month_end(month)) <= today:
		return month
	return month - relativedelta(months=1)


def side_of(month: date, arrival: date | None) -> str:
	"""Before or after the app, by month: the month it arrived in counts as with the app."""
	return BEFORE if arrival and month < arrival.replace(day=1) else AFTER


def arrival(installed_on: date | None, first_sent: date | None) -> date | None:
	"""When the app arrived: the day it was installed, or the day its first message went out when
	that was earlier (a store that brought its message history along, as the demo does)."""
	known = [day for day in (installed_on, first_sent) if day]
	return min(known) if known else None


def rate(part: float, whole: float) -> float | None:
	"""A percentage with one decimal; None (not 0) when there is nothing to take it of."""
	return round(100.0 * part / whole, 1) if whole else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
	return round(numerator / denominator, 2) if numerator and denominator else None


def average(amount: float, count: int) -> float | None:
	return round(amount / count, 2) if count else None


@dataclass
class Messages:
	"""What became of the messages of one kind or channel: how many went out, and of those how many
	were delivered, read, answered and followed by a credited sale."""

	sent: int = 0
	delivered: int = 0
	read: int = 0
	replied: int = 0
	converted: int = 0
	revenue: float = 0.0

	def add(self, other: Messages) -> None:
		for name in (f.name for f in fields(self)):
			setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Counts:
	"""Everything counted for one column of the report."""

	first_time_buyers: int = 0
	matured_buyers: int = 0
	came_back: int = 0
	first_visits: int = 0
	first_amount: float = 0.0
	repeat_visits: int = 0
	repeat_amount: float = 0.0
	referred_new_buyers: int = 0
	referred_visits: int = 0
	referred_amount: float = 0.0
	kinds: dict[str, Messages] = field(default_factory=dict)
	channels: dict[str, Messages] = field(default_factory=dict)

	def add(self, other: Counts) -> None:
		"""Add another column's counts to these (the whole scope's total)."""
		for name in (f.name for f in fields(self) if f.name not in ("kinds", "channels")):
			setattr(self, name, getattr(self, name) + getattr(other, name))
		for mine, theirs in ((self.kinds, other.kinds), (self.channels, other.channels)):
			for key, messages in theirs.items():
				mine.setdefault(key, Messages()).add(messages)

	def add_messages(self, reason: str | None, channel: str | None, messages: Messages) -> None:
		kind = kind_of(reason)
		if kind:
			self.kinds.setdefault(kind, Messages()).add(messages)
		if channel:
			self.channels.setdefault(channel, Messages()).add(messages)


def total(columns: Iterable[Counts]) -> Counts:
	found = Counts()
	for column in columns:
		found.add(column)
	return found


def channel_rates(channel: str, messages: Messages) -> dict[str, float | None]:
	"""Delivered, read and replied as shares of what was sent on the channel; a step the channel
	does not report, and nobody recorded, is None (unknown), not 0 %."""
	found = {}
	for step in STEPS:
		count = getattr(messages, step)
		known = step == "replied" or step in REPORTED_STEPS.get(channel, ()) or count > 0
		found[step] = rate(count, messages.sent) if known else None
	return found


def figures(counts: Counts) -> dict[str, float | int | None]:
	"""Every figure of one column, by key (see FIGURES); None where there is nothing to measure."""
	timed = counts.kinds.get(TIMED, Messages())
	broadcast = counts.kinds.get(BROADCAST, Messages())
	first_spend = average(counts.first_amount, counts.first_visits)
	repeat_spend = average(counts.repeat_amount, counts.repeat_visits)
	timed_reply = rate(timed.replied, timed.sent)
	broadcast_reply = rate(broadcast.replied, broadcast.sent)
	found: dict[str, float | int | None] = {
		"first_time_buyers": counts.first_time_buyers,
		"matured_buyers": counts.matured_buyers,
		"came_back": counts.came_back,
		"come_back_rate": rate(counts.came_back, counts.matured_buyers),
		"first_visits": counts.first_visits,
		"first_visit_spend": first_spend,
		"repeat_visits": counts.repeat_visits,
		"repeat_visit_spend": repeat_spend,
		"repeat_over_first": ratio(repeat_spend, first_spend),
		"timed_sent": timed.sent,
		"timed_reply_rate": timed_reply,
		"timed_conversion_rate": rate(timed.converted, timed.sent),
		"timed_revenue": round(timed.revenue, 2),
		"broadcast_sent": broadcast.sent,
		"broadcast_reply_rate": broadcast_reply,
		"broadcast_conversion_rate": rate(broadcast.converted, broadcast.sent),
		"broadcast_revenue": round(broadcast.revenue, 2),
		"timed_over_broadcast": ratio(timed_reply, broadcast_reply),
		"referred_new_buyers": counts.referred_new_buyers,
		"referred_visits": counts.referred_visits,
		"referred_revenue": round(counts.referred_amount, 2),
	}
	for channel in CHANNELS:
		messages = counts.channels.get(channel, Messages())
		slug = channel.lower()
		found[f"{slug}_sent"] = messages.sent
		for step, value in channel_rates(channel, messages).items():
			found[f"{slug}_{step}_rate"] = value
	return found


def columns_for(compare: str, found: Iterable[str], first: date, last: date) -> list[str]:
	"""The report's columns: before and after the app, every month of the period (empty ones too),
	or each store or associate found, in order, the one with none ("") last."""
	if compare == BEFORE_AND_AFTER:
		return [BEFORE, AFTER]
	if compare == MONTH:
		return [month.isoformat() for month in months_between(first, last)]
	keys = set(found)
	return sorted(keys - {""}) + ([""] if "" in keys else [])


def table(by_column: dict[str, Counts], columns: list[str]) -> list[dict]:
	"""One row a figure, one value a column (c0, c1, … in `columns`' order)."""
	values = {column: figures(by_column.get(column, Counts())) for column in columns}
	return [
		{
			"figure": figure.key,
			"section": figure.section,
			"fieldtype": figure.fieldtype,
			**{f"c{index}": values[column][figure.key] for index, column in enumerate(columns)},
		}
		for figure in FIGURES
	]
