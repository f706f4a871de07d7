"""A customer's visits, from her sales: the facts the Clienteling Impact report adds up.

A visit is a day on which she bought at a store: her submitted sales of that day at that counter
(returns, cancelled invoices and a POS closing's consolidation are not sales, and are left out
before this). Its spend is what those sales came to; its associate is who made the day's first
invoice there. Her first visit is the earliest (on a day she bought at two stores, the store
first in alphabetical order); every other visit is a repeat visit. Each visit knows the next day she
came again, so "came back within 12 months" is read from the first visit without looking further.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class SaleRow:
	customer: str
	day: date
	store: str  # "" when the invoice names no POS Profile
	associate: str  # "" when unknown
	amount: Decimal
	made: datetime  # when the invoice was made, to find the day's first one


@dataclass(frozen=True)
class Visit:
	customer: str
	day: date
	store: str
	associate: str
	amount: Decimal
	invoices: int
	first_visit: bool
	next_visit: date | None  # the next later day she bought anything, anywhere
	referred: bool


def visits_of(sales: Iterable[SaleRow], referred: set[str] | frozenset[str] = frozenset()) -> list[Visit]:
	"""Every visit of the customers in `sales`, by customer, then day, then store."""
	grouped: dict[tuple[str, date, str], list[SaleRow]] = {}
	for sale in sales:
		grouped.setdefault((sale.customer, sale.day, sale.store), []).append(sale)
	days_of: dict[str, list[date]] = {}
	for customer, day, _store in grouped:
		days_of.setdefault(customer, []).append(day)
	next_day: dict[tuple[str, date], date | None] = {}
	for customer, days in days_of.items():
		ordered = sorted(set(days))
		for current, following in zip(ordered, [*ordered[1:], None], strict=True):
			next_day[(customer, current)] = following
	found, seen = [], set()
	for (customer, day, store), rows in sorted(grouped.items()):
		first = customer not in seen
		seen.add(customer)
		opener = min(rows, key=lambda row: (row.made, row.associate))
		found.append(
			Visit(
				customer=customer,
				day=day,
				store=store,
				associate=opener.associate,
				amount=sum((row.amount for row in rows), Decimal(0)),
				invoices=len(rows),
				first_visit=first,
				next_visit=next_day[(customer, day)],
				referred=customer in referred,
			)
		)
	return found


def _fact(visit: Visit) -> tuple:
	"""A visit as stored: amounts to the paisa (the table keeps them as decimals)."""
	return (
		visit.customer,
		visit.day,
		visit.store,
		visit.associate,
		round(Decimal(visit.amount), 2),
		visit.invoices,
		visit.first_visit,
		visit.next_visit,
		visit.referred,
	)


@dataclass(frozen=True)
class Change:
	"""The visits of the customers whose visits changed: as stored before, and as they are now."""

	customers: frozenset[str]
	before: tuple[Visit, ...]
	after: tuple[Visit, ...]

	@property
	def months(self) -> set[date]:
		return {visit.day.replace(day=1) for visit in (*self.before, *self.after)}


def changes(stored: Iterable[Visit], current: Iterable[Visit]) -> Change:
	"""Whose visits differ between what is stored and what the invoices say now: only theirs need
	writing and counting again."""
	stored, current = list(stored), list(current)
	differ = {_fact(v) for v in stored} ^ {_fact(v) for v in current}
	customers = frozenset(fact[0] for fact in differ)
	return Change(
		customers=customers,
		before=tuple(v for v in stored if v.customer in customers),
		after=tuple(v for v in current if v.customer in customers),
	)
