"""Her tier, by what she spent in the twelve months up to today."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from jewel_clienteling.domain.loyalty.ledger import ZERO, as_points

DEFAULT_TIER_THRESHOLDS = (
	("Silver", 50000),
	("Gold", 200000),
	("Platinum", 500000),
	("Diamond", 1000000),
)


def year_before(day: date) -> date:
	"""The same day a year earlier; 29 February looks back to 28 February."""
	try:
		return day.replace(year=day.year - 1)
	except ValueError:
		return day.replace(year=day.year - 1, day=28)


def tier_for(
	spend_by_date: Mapping[date, Decimal] | Iterable[tuple[date, Decimal]],
	today: date,
	thresholds: Sequence[tuple[str, Decimal | int]] = DEFAULT_TIER_THRESHOLDS,
) -> str:
	"""Her tier by what she spent in the twelve months up to today (returns count against it): the
	highest threshold she reaches, or "" below the first."""
	items = spend_by_date.items() if isinstance(spend_by_date, Mapping) else spend_by_date
	start = year_before(today)
	spend = sum((as_points(amount) for day, amount in items if start < day <= today), ZERO)
	reached = ""
	for tier, minimum in sorted(thresholds, key=lambda pair: as_points(pair[1])):
		if spend >= as_points(minimum):
			reached = tier
	return reached


def leaves_window_on(day: date) -> date:
	"""The first day whose twelve-month window no longer holds a sale made on `day`."""
	try:
		candidate = day.replace(year=day.year + 1)
	except ValueError:
		candidate = date(day.year + 1, 3, 1)
	while year_before(candidate) < day:
		candidate += timedelta(days=1)
	return candidate


def tier_recheck_on(sale_dates: Iterable[date], today: date) -> date | None:
	"""The next day on which a sale leaves her twelve-month window (and her tier may fall)."""
	start = year_before(today)
	days = [leaves_window_on(day) for day in sale_dates if start < day <= today]
	return min(days, default=None)
