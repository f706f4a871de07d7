"""The manager's figures, from plain rows: months, the outreach funnel, the repeat purchase rate."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

# The stages of an outreach, in order; each counts the outreach that got at least that far
FUNNEL = ("Planned", "Sent", "Delivered", "Read", "Replied", "Bought")


def months(end: date, count: int) -> list[date]:
	"""The first days of the `count` months ending with `end`'s month, oldest first."""
	last = end.replace(day=1)
	return [last - relativedelta(months=back) for back in range(count - 1, -1, -1)]


def month_of(day: date) -> date:
	return day.replace(day=1)


@dataclass(frozen=True)
class OutreachRow:
	due: date
	sent: bool
	delivered: bool
	read: bool
	replied: bool
	bought: bool


def stage_reached(row: OutreachRow) -> int:
	"""How far down the funnel one outreach went: 0 planned … 5 bought. A later sign implies the
	earlier ones (a read receipt means it was delivered, a reply that it was read), as WhatsApp does
	not always report every step."""
	for stage, reached in (
		(5, row.bought),
		(4, row.replied),
		(3, row.read),
		(2, row.delivered),
		(1, row.sent),
	):
		if reached:
			return stage
	return 0


def funnel_by_month(rows: Iterable[OutreachRow], month_starts: list[date]) -> dict[str, list[int]]:
	"""For each stage, how many of each month's outreach reached it."""
	index = {month: position for position, month in enumerate(month_starts)}
	counts = {stage: [0] * len(month_starts) for stage in FUNNEL}
	for row in rows:
		position = index.get(month_of(row.due))
		if position is None:
			continue
		for stage in FUNNEL[: stage_reached(row) + 1]:
			counts[stage][position] += 1
	return counts


def repeat_rate(purchases_per_customer: Iterable[int]) -> float:
	"""Of the customers who bought at all, the percentage who came back and bought again."""
	buyers = repeaters = 0
	for purchases in purchases_per_customer:
		if purchases >= 1:
			buyers += 1
			repeaters += purchases >= 2
	return round(100.0 * repeaters / buyers, 1) if buyers else 0.0


def returning_share_by_month(
	visits: Iterable[tuple[date, str, date | None]], month_starts: list[date]
) -> list[float]:
	"""Of each month's buyers, the percentage who had bought before that month. `visits` holds
	(sale date, customer, her first purchase date); a customer is counted once a month."""
	index = {month: position for position, month in enumerate(month_starts)}
	buyers: list[set[str]] = [set() for _ in month_starts]
	returning: list[set[str]] = [set() for _ in month_starts]
	for day, customer, first_purchase in visits:
		month = month_of(day)
		position = index.get(month)
		if position is None:
			continue
		buyers[position].add(customer)
		if first_purchase and first_purchase < month:
			returning[position].add(customer)
	return [
		round(100.0 * len(returning[i]) / len(buyers[i]), 1) if buyers[i] else 0.0
		for i in range(len(month_starts))
	]
