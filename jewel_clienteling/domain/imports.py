"""A jeweller's spreadsheet read the way she typed it: dates with or without a year ('14-02',
'14/2/1988', '14 Feb', or the '1988-02-14 00:00:00' a spreadsheet cell becomes), a consent column
that says yes or no in words, and what a row means beside what the store has already recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from jewel_clienteling.domain.occasions import InvalidOccasionDate, validate_day_month
from jewel_clienteling.domain.preferences import INFERRED

# What a row does beside the records already there
INSERT = "insert"
ALREADY_THERE = "already there"
CLAIM = "claim"  # a preference her purchases suggested becomes what she told us
CONFLICT = "conflict"  # she already told us another value of a single-valued dimension
APPLY = "apply"  # a consent row that changes her choice today
RECORD = "record"  # a consent row that agrees with her choice today: history only
NEWER_CHOICE_STANDS = "newer choice stands"

_MONTHS = {
	name: number
	for number, names in enumerate(
		(
			("jan", "january"),
			("feb", "february"),
			("mar", "march"),
			("apr", "april"),
			("may",),
			("jun", "june"),
			("jul", "july"),
			("aug", "august"),
			("sep", "sept", "september"),
			("oct", "october"),
			("nov", "november"),
			("dec", "december"),
		),
		start=1,
	)
	for name in names
}
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-/.,]+")

_YES = {"yes", "y", "opted in", "opt in", "in", "agreed", "agree", "subscribed", "true", "1"}
_NO = {"no", "n", "opted out", "opt out", "out", "stop", "declined", "unsubscribed", "false", "0"}


class UnreadableDate(ValueError):
	"""What was typed is not a day we can name. `reason`: format (no way to read it), short_year
	('88': which century?), month, day (no such day in that month) or date (29 February of a
	common year)."""

	def __init__(self, reason: str, text: str, day: int = 0, month: int = 0, year: int | None = None):
		super().__init__(f"{reason}: {text}")
		self.reason = reason
		self.text = text
		self.day, self.month, self.year = day, month, year


class UnreadableChoice(ValueError):
	"""A consent cell that says neither yes nor no."""


@dataclass(frozen=True)
class TypedDate:
	day: int
	month: int
	year: int | None = None

	def as_date(self) -> date | None:
		return date(self.year, self.month, self.day) if self.year else None


def parse_typed_date(text: str | None) -> TypedDate | None:
	"""Day first, as India writes it: '14-02', '14/2', '14.02.1988', '14 Feb', 'Feb 14, 1988', '14th
	February'; a year first only in full ('1988-02-14', what a spreadsheet's date cell becomes). None
	when the cell is empty. A day that no calendar has is refused, and so is a two-digit year."""
	raw = " ".join(str(text or "").split())
	if not raw:
		return None
	cleaned = _ORDINAL.sub("", _TIME.sub("", raw))
	tokens = [token for token in _SEPARATORS.split(cleaned) if token]
	named = [token for token in tokens if token.casefold() in _MONTHS]
	numbers = [token for token in tokens if token.isdigit()]
	if len(named) + len(numbers) != len(tokens) or len(named) > 1:
		raise UnreadableDate("format", raw)
	if named:
		day, year = _day_and_year(numbers, raw)
		return _checked(raw, day, _MONTHS[named[0].casefold()], year)
	if len(numbers) == 3 and len(numbers[0]) == 4:
		year, month, day = numbers
		return _checked(raw, _small(day, raw), _small(month, raw), int(year))
	if len(numbers) in (2, 3):
		day, month = _small(numbers[0], raw), _small(numbers[1], raw)
		year = _year(numbers[2], raw) if len(numbers) == 3 else None
		return _checked(raw, day, month, year)
	raise UnreadableDate("format", raw)


def _day_and_year(numbers: list[str], raw: str) -> tuple[int, int | None]:
	if len(numbers) == 1:
		return _small(numbers[0], raw), None
	if len(numbers) == 2:
		return _small(numbers[0], raw), _year(numbers[1], raw)
	raise UnreadableDate("format", raw)


def _small(token: str, raw: str) -> int:
	if len(token) > 2:
		raise UnreadableDate("format", raw)
	return int(token)


def _year(token: str, raw: str) -> int:
	if len(token) == 2:
		raise UnreadableDate("short_year", raw)
	if len(token) != 4:
		raise UnreadableDate("format", raw)
	return int(token)


def _checked(raw: str, day: int, month: int, year: int | None) -> TypedDate:
	try:
		validate_day_month(day, month, year)
	except InvalidOccasionDate as error:
		raise UnreadableDate(error.reason, raw, day, month, year) from None
	return TypedDate(day, month, year)


def parse_consent_choice(text: str | None) -> bool:
	"""True for a yes ('Yes', 'Y', 'Opted in', 'opt-in', 'agreed'), False for a no ('No', 'Opted out',
	'STOP', 'declined'); anything else, an empty cell included, is not a choice we may guess."""
	words = " ".join(str(text or "").replace("-", " ").replace("_", " ").split()).casefold()
	if words in _YES:
		return True
	if words in _NO:
		return False
	raise UnreadableChoice(str(text or ""))


def preference_outcome(recorded: tuple[str, str] | None, value: str) -> str:
	"""A stated preference from the sheet beside the one already recorded with the same key (its
	source and value; None when there is none): insert it; already there when she told us the same;
	claim an inferred one (what she says replaces what her purchases suggested); a conflict when she
	told us another size or budget than the row says, which only a person can settle."""
	if recorded is None:
		return INSERT
	source, recorded_value = recorded
	if source == INFERRED:
		return CLAIM
	if " ".join(recorded_value.split()).casefold() == " ".join(value.split()).casefold():
		return ALREADY_THERE
	return CONFLICT


def consent_outcome(
	opted_in: bool,
	on: date,
	current: bool,
	last_change: date | None,
	same_row_recorded: bool,
) -> str:
	"""What a consent row (her choice on a channel, and the day she made it) does beside what the
	store knows today: her current choice and the day of the latest change it knows of.

	The same row recorded before: already there. A row that agrees with her current choice is
	history: recorded, her choice unchanged. A row that changes it applies only if it is not older
	than the latest change the store knows (a STOP she sent last week outlives an old list of
	yeses); on that same day a sheet (which has no hour) may withdraw consent but not give it."""
	if same_row_recorded:
		return ALREADY_THERE
	if opted_in == current:
		return RECORD
	if last_change and (on < last_change or (on == last_change and opted_in)):
		return NEWER_CHOICE_STANDS
	return APPLY
