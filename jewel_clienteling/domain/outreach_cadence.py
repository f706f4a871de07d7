"""When each reason to write to her falls due: an occasion's reminders ahead of the day, the
follow-ups after a purchase (with the care advice the 90-day one carries), the day she counts as
lapsed, who bought around a festival, and which days the daily planner must still cover.

Pure Python, like the rest of domain/: the planner (services/planner.py) turns these rules into
indexed range queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

# a shop closed for a month does not wake up to a month of stale greetings
DEFAULT_CATCH_UP_DAYS = 31

POST_PURCHASE_STEPS = ("Check-in", "Care", "New arrivals", "Purchase anniversary")

CARE_DIAMOND = "diamond"
CARE_POLKI = "polki"
CARE_PEARL = "pearl"
CARE_GEMSTONE = "gemstone"
CARE_PLATINUM = "platinum"
CARE_SILVER = "silver"
CARE_GOLD = "gold"


# --- occasions ---------------------------------------------------------------------------------

_WHOLE_NUMBER = re.compile(r"[0-9]+")


def parse_days(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
	"""'42, 7, 0' as (42, 7, 0): whole days ahead, duplicates dropped, largest first. Nothing written
	gives `default`; anything else (a negative, a fraction, a word) raises ValueError."""
	pieces = [piece.strip() for piece in (text or "").split(",")]
	pieces = [piece for piece in pieces if piece]
	if not pieces:
		return tuple(default)
	for piece in pieces:
		if not _WHOLE_NUMBER.fullmatch(piece):
			raise ValueError(f"not a whole number of days: {piece!r}")
	return tuple(sorted({int(piece) for piece in pieces}, reverse=True))


def occasion_leads(
	own_lead_days: int | None,
	by_type: dict[str, tuple[int, ...]],
	occasion_type: str,
	default: tuple[int, ...],
) -> tuple[int, ...]:
	"""Which days ahead to remind for one occasion, largest first. An occasion with its own lead
	(above zero) is reminded that many days ahead and greeted on the day; otherwise the settings for
	its type apply, and without those (missing or empty) the default."""
	if own_lead_days and own_lead_days > 0:
		leads: Iterable[int] = (own_lead_days, 0)
	else:
		leads = by_type.get(occasion_type) or default
	return tuple(sorted(set(leads), reverse=True))


def occasion_step(lead: int) -> str:
	"""The label an associate reads in the queue."""
	return "On the day" if lead == 0 else f"{lead} days ahead"


def occasion_cycle(occurrence: date, lead: int) -> str:
	"""One occurrence and one lead: this year's 7-day reminder is not next year's."""
	return f"{occurrence.isoformat()}/{lead}"


def occasion_reminders(
	occurrence: date, leads: Iterable[int], first_day: date, last_day: date
) -> list[tuple[date, int]]:
	"""(due date, lead) of every reminder of one occurrence that falls due between `first_day` and
	`last_day`, both included, each once, earliest first. A planner that missed a few days covers
	them all in one run and still reminds nothing twice."""
	found = set()
	for lead in set(leads):
		try:
			due = occurrence - timedelta(days=lead)
		except OverflowError:  # so far ahead it is outside the calendar, and so outside the window
			continue
		if first_day <= due <= last_day:
			found.add((due, lead))
	return sorted(found)


def years_since(year: int | None, occurrence: date) -> int | None:
	"""Which anniversary this is (25 for a 2002 wedding in 2027), when the year is known."""
	if not year:
		return None
	years = occurrence.year - year
	return years if years > 0 else None


def planning_days(
	last_planned: date | None, today: date, max_catch_up: int = DEFAULT_CATCH_UP_DAYS
) -> list[date]:
	"""The days the planner must still cover, oldest first: those after the last day it planned up to
	today, but no more than the last `max_catch_up` (a shop closed for a month does not wake up to a
	month of stale greetings). Today alone when it has never run; nothing when today is done."""
	if last_planned is None:
		return [today]
	if last_planned >= today:
		return []
	span = min((today - last_planned).days, max(max_catch_up, 1))
	return [today - timedelta(days=back) for back in range(span - 1, -1, -1)]


# --- after a purchase --------------------------------------------------------------------------


def cadence(check_in: int, care: int, new_arrivals: int, anniversary: int) -> tuple[tuple[str, int], ...]:
	"""(step, days after the purchase) for each follow-up the shop has switched on (days above 0)."""
	days = (check_in, care, new_arrivals, anniversary)
	return tuple(
		(step, after) for step, after in zip(POST_PURCHASE_STEPS, days, strict=True) if after and after > 0
	)


# Polki and kundan are uncut diamonds set on foil: water behind the foil dulls them, so an "uncut
# diamond" gets polki care, which is why polki words are looked for first in a stone's name.
_STONE_WORDS = (
	(CARE_POLKI, ("polki", "kundan", "uncut")),
	(CARE_DIAMOND, ("diamond", "solitaire")),
	(CARE_PEARL, ("pearl",)),
)
_STONE_PRECEDENCE = (CARE_DIAMOND, CARE_POLKI, CARE_PEARL, CARE_GEMSTONE)
_METAL_PRECEDENCE = (CARE_PLATINUM, CARE_SILVER, CARE_GOLD)


def _stone_kind(name: str) -> str:
	for kind, words in _STONE_WORDS:
		if any(word in name for word in words):
			return kind
	return CARE_GEMSTONE


def _metal_kind(name: str) -> str:
	for kind in (CARE_PLATINUM, CARE_SILVER):
		if kind in name:
			return kind
	return CARE_GOLD


NO_STONE = frozenset({"plain", "none", "no stone", "n/a", "-"})


def care_topic(metals: Iterable[str], stones: Iterable[str]) -> str:
	"""The care advice the 90-day reminder carries, from what she bought. A stone needs more care
	than the metal around it, so any stone wins: diamond, then polki (polki, kundan, uncut), then pearl,
	then any other gemstone. Without stones: platinum, then silver, else gold. "Plain" or "None" in
	a Stone attribute means a piece without stones."""
	stone_kinds = {
		_stone_kind(name.casefold())
		for name in stones
		if name and name.strip() and name.strip().casefold() not in NO_STONE
	}
	for kind in _STONE_PRECEDENCE:
		if kind in stone_kinds:
			return kind
	metal_kinds = {_metal_kind(name.casefold()) for name in metals if name and name.strip()}
	for kind in _METAL_PRECEDENCE:
		if kind in metal_kinds:
			return kind
	return CARE_GOLD


def lapse_due(last_purchase: date, lapsed_days: int) -> date:
	"""The day she counts as lapsed and is asked back."""
	return last_purchase + timedelta(days=lapsed_days)


def lapse_cycle(last_purchase: date) -> str:
	"""Once per lapse: a new purchase starts a new one."""
	return last_purchase.isoformat()


def bought_around(festival: date, days_before: int, days_after: int) -> tuple[date, date]:
	"""The days a purchase counts as bought around an (earlier) festival: from `days_before` days
	before it to `days_after` days after, both ends included. A Dhanteras buyer is worth a Dhanteras
	campaign; the planner reads the sales of these days by their indexed posting date."""
	return festival - timedelta(days=days_before), festival + timedelta(days=days_after)
