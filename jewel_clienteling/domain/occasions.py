"""Occasions: which day-months exist, when one next falls, and what a sale's capture fields mean."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

FEB29_ON_FEB28 = "28 February"
FEB29_ON_MAR1 = "1 March"
FEB29_POLICIES = (FEB29_ON_FEB28, FEB29_ON_MAR1)

CAPTURED_AT_SALE = "Captured at Sale"
# the English names, translated where shown
MONTH_NAMES = (
	"January",
	"February",
	"March",
	"April",
	"May",
	"June",
	"July",
	"August",
	"September",
	"October",
	"November",
	"December",
)

# an occasion's year, when given, lies between these: older is a typing slip, later is not yet planned
EARLIEST_YEAR = 1900
YEARS_AHEAD = 5

OCCASION_TYPES = (
	"Birthday",
	"Anniversary",
	"Wedding",
	"Engagement",
	"Child's Birthday",
	"Festival",
	"Other",
)

# The capture field on an invoice says why she bought; these purchases name a date worth remembering.
_PURCHASE_OCCASION_TO_TYPE = {
	"Anniversary gift": "Anniversary",
	"Birthday gift": "Birthday",
	"Wedding": "Wedding",
	"Engagement": "Engagement",
	"Festival": "Festival",
	"Other": "Other",
}
_CHILDREN = {"Daughter", "Son"}
# A wedding or engagement date is a real event whose year matters (anniversaries count from it);
# a gift's occasion date is only this year's celebration, so its year says nothing.
_TYPES_THAT_KEEP_THE_YEAR = {"Wedding", "Engagement"}

_LIFE_EVENT_TO_TYPE = {
	"Engagement": "Engagement",
	"Wedding": "Wedding",
	"New Baby": "Child's Birthday",
	"Birthday": "Birthday",
	"Anniversary": "Anniversary",
}


class InvalidOccasionDate(ValueError):
	"""A day and month (and year, when given) that no calendar has. `reason` is month, day or date."""

	def __init__(self, reason: str):
		super().__init__(reason)
		self.reason = reason


def validate_day_month(day: int, month: int, year: int | None = None) -> None:
	"""Refuse 31 February, month 13 and, when the year is known, 29 February of a common year."""
	if not 1 <= month <= 12:
		raise InvalidOccasionDate("month")
	# 2000 is a leap year: any day-month that exists in some year exists in it
	if not 1 <= day <= calendar.monthrange(2000, month)[1]:
		raise InvalidOccasionDate("day")
	if year and day > calendar.monthrange(year, month)[1]:
		raise InvalidOccasionDate("date")


def year_is_plausible(year: int | None, today: date) -> bool:
	"""A year nobody could mean for an occasion (1850, 20250) is refused; no year at all is fine."""
	return not year or EARLIEST_YEAR <= year <= today.year + YEARS_AHEAD


def occurrence_in_year(day: int, month: int, year: int, feb29_policy: str = FEB29_ON_FEB28) -> date:
	"""The date on which a day-month is celebrated in `year`; 29 February moves in common years."""
	if (month, day) == (2, 29) and not calendar.isleap(year):
		return date(year, 3, 1) if feb29_policy == FEB29_ON_MAR1 else date(year, 2, 28)
	return date(year, month, day)


def next_occurrence(day: int, month: int, on_or_after: date, feb29_policy: str = FEB29_ON_FEB28) -> date:
	"""The first celebration of day-month on or after `on_or_after`."""
	validate_day_month(day, month)
	this_year = occurrence_in_year(day, month, on_or_after.year, feb29_policy)
	if this_year >= on_or_after:
		return this_year
	return occurrence_in_year(day, month, on_or_after.year + 1, feb29_policy)


def normalise_person(person_name: str | None) -> str:
	return " ".join((person_name or "").split()).casefold()


def occasion_key(customer: str, occasion_type: str, person_name: str | None, day: int, month: int) -> str:
	"""One customer, one type, one person, one day-month: one Occasion. Year and spelling of spaces
	or capitals do not make a second one."""
	return f"{customer}|{occasion_type}|{normalise_person(person_name)}|{month:02d}-{day:02d}"


@dataclass(frozen=True)
class CapturedOccasion:
	occasion_type: str
	person_name: str
	relation: str
	day: int
	month: int
	year: int | None


def occasion_from_purchase(
	purchase_occasion: str | None,
	occasion_date: date | None,
	recipient_name: str | None = None,
	recipient_relation: str | None = None,
) -> CapturedOccasion | None:
	"""What an invoice's capture fields teach us. A purchase for herself, or one without a date,
	names no occasion."""
	occasion_type = _PURCHASE_OCCASION_TO_TYPE.get(purchase_occasion or "")
	if not occasion_type or not occasion_date:
		return None
	relation = recipient_relation or ("Spouse" if occasion_type == "Anniversary" else "Self")
	if occasion_type == "Birthday" and relation in _CHILDREN:
		occasion_type = "Child's Birthday"
	return CapturedOccasion(
		occasion_type=occasion_type,
		person_name=(recipient_name or "").strip(),
		relation=relation,
		day=occasion_date.day,
		month=occasion_date.month,
		year=occasion_date.year if occasion_type in _TYPES_THAT_KEEP_THE_YEAR else None,
	)


def occasion_type_for_life_event(event_type: str | None) -> str:
	"""The Occasion a dated life event becomes: a new baby is a child's birthday, a move is Other."""
	return _LIFE_EVENT_TO_TYPE.get(event_type or "", "Other")
