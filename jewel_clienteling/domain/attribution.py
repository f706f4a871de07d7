"""Which sale a message earned: when she buys within a few weeks of a message, the sale is credited
to it, each sale once and each message once. Pure Python; services/attribution.py reads her sales
and what reached her, and writes the credit down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

DEFAULT_ATTRIBUTION_DAYS = 30


@dataclass(frozen=True)
class Touch:
	"""An outreach that reached her (or that the associate did by hand)."""

	key: str
	sent_on: date


@dataclass(frozen=True)
class SaleFact:
	name: str
	posting_date: date
	amount: Decimal  # net of returns; <= 0 means nothing was kept


def attribute(
	touches: Sequence[Touch], sales: Sequence[SaleFact], window_days: int = DEFAULT_ATTRIBUTION_DAYS
) -> dict[str, tuple[str, Decimal]]:
	"""Credit each sale to at most one message and each message at most once. Sales are taken in
	order of date (then name); a kept sale (amount above 0) credits the most recent message not yet
	credited that was sent on or before the sale and no more than `window_days` before it (two sent on
	the same day: the smaller key). Returns {touch key: (sale name, amount)}."""
	newest_first = sorted(touches, key=lambda touch: (-touch.sent_on.toordinal(), touch.key))
	window = timedelta(days=window_days)
	credit: dict[str, tuple[str, Decimal]] = {}
	for sale in sorted(sales, key=lambda sale: (sale.posting_date, sale.name)):
		if not sale.amount > 0:
			continue
		for touch in newest_first:
			if touch.key not in credit and touch.sent_on <= sale.posting_date <= touch.sent_on + window:
				credit[touch.key] = (sale.name, sale.amount)
				break
	return credit
