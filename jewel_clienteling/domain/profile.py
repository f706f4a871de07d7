"""A customer's profile, recomputed from her sales: spend and visit statistics, lifecycle stage, RFM.

Everything here is a function of the facts (her invoices) and of today, so recomputing it any number
of times gives the same answer, and a cancelled or returned sale simply stops being a fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ZERO = Decimal("0")

STAGE_NEW = "New"
STAGE_ACTIVE = "Active"
STAGE_REPEAT = "Repeat"
STAGE_LOYAL = "Loyal"
STAGE_AT_RISK = "At risk"
STAGE_LAPSED = "Lapsed"
LIFECYCLE_STAGES = (STAGE_NEW, STAGE_ACTIVE, STAGE_REPEAT, STAGE_LOYAL, STAGE_AT_RISK, STAGE_LAPSED)


@dataclass(frozen=True)
class Sale:
	"""One submitted invoice of hers. A return has a negative amount and names what it returns."""

	invoice: str
	posting_date: date
	amount: Decimal
	return_against: str | None = None


@dataclass(frozen=True)
class ProfileStats:
	first_purchase_date: date | None = None
	last_purchase_date: date | None = None
	visits: int = 0
	purchases: int = 0
	lifetime_value: Decimal = ZERO
	average_ticket: Decimal = ZERO


def net_sales(sales: Sequence[Sale]) -> tuple[list[tuple[Sale, Decimal]], Decimal]:
	"""Each purchase with what she kept of it after returns, and returns that match no purchase
	here (for example a return booked against a POS closing invoice)."""
	returned: dict[str, Decimal] = defaultdict(Decimal)
	originals = {sale.invoice for sale in sales if not sale.return_against}
	orphan = ZERO
	for sale in sales:
		if sale.return_against:
			if sale.return_against in originals:
				returned[sale.return_against] += Decimal(str(sale.amount))
			else:
				orphan += Decimal(str(sale.amount))
	kept = [
		(sale, Decimal(str(sale.amount)) + returned[sale.invoice])
		for sale in sales
		if not sale.return_against
	]
	return kept, orphan


def compute_stats(sales: Sequence[Sale]) -> ProfileStats:
	"""Statistics over purchases she kept. A visit is a day on which she bought something."""
	kept, orphan_returns = net_sales(sales)
	purchases = [(sale, amount) for sale, amount in kept if amount > 0]
	if not purchases:
		return ProfileStats()
	lifetime_value = max(sum((amount for _, amount in purchases), ZERO) + orphan_returns, ZERO)
	days = sorted({sale.posting_date for sale, _ in purchases})
	return ProfileStats(
		first_purchase_date=days[0],
		last_purchase_date=days[-1],
		visits=len(days),
		purchases=len(purchases),
		lifetime_value=lifetime_value,
		average_ticket=(lifetime_value / len(purchases)).quantize(Decimal("0.01")),
	)


@dataclass(frozen=True)
class LifecycleRules:
	new_days: int = 90
	at_risk_days: int = 120
	lapsed_days: int = 180
	loyal_min_purchases: int = 4


def lifecycle_stage(stats: ProfileStats, today: date, rules: LifecycleRules = LifecycleRules()) -> str:
	"""Where she stands today. Drifting away outranks how much she bought before."""
	if not stats.last_purchase_date:
		return ""
	quiet_days = (today - stats.last_purchase_date).days
	if quiet_days > rules.lapsed_days:
		return STAGE_LAPSED
	if quiet_days > rules.at_risk_days:
		return STAGE_AT_RISK
	if stats.purchases >= rules.loyal_min_purchases:
		return STAGE_LOYAL
	if stats.purchases >= 2:
		return STAGE_REPEAT
	if (today - stats.first_purchase_date).days <= rules.new_days:
		return STAGE_NEW
	return STAGE_ACTIVE


@dataclass(frozen=True)
class RFMThresholds:
	"""Upper bounds of each score band. Recency: days since last purchase (fewer is better)."""

	recency_days: tuple[int, ...] = (30, 90, 180, 365)
	frequency: tuple[int, ...] = (1, 2, 3, 5)
	monetary: tuple[int, ...] = (25000, 100000, 300000, 1000000)


@dataclass(frozen=True)
class RFM:
	recency: int
	frequency: int
	monetary: int
	segment: str

	@property
	def code(self) -> str:
		return f"{self.recency}{self.frequency}{self.monetary}"


def parse_thresholds(text: str, count: int = 4) -> tuple[int, ...]:
	"""'30, 90, 180, 365' as four ascending whole numbers; ValueError otherwise."""
	parts = [part.strip().replace("_", "") for part in (text or "").split(",") if part.strip()]
	values = tuple(int(part) for part in parts)
	if len(values) != count or any(v <= 0 for v in values) or list(values) != sorted(set(values)):
		raise ValueError(text)
	return values


def _score_ascending(value: Decimal | int, bounds: Sequence[int]) -> int:
	return 1 + sum(1 for bound in bounds if value > bound)


def rfm(stats: ProfileStats, today: date, thresholds: RFMThresholds = RFMThresholds()) -> RFM | None:
	if not stats.last_purchase_date:
		return None
	quiet_days = (today - stats.last_purchase_date).days
	recency = 5 - sum(1 for bound in thresholds.recency_days if quiet_days > bound)
	frequency = _score_ascending(stats.purchases, thresholds.frequency)
	monetary = _score_ascending(stats.lifetime_value, thresholds.monetary)
	return RFM(recency, frequency, monetary, rfm_segment(recency, frequency, monetary))


def rfm_segment(recency: int, frequency: int, monetary: int) -> str:
	"""The classic RFM segments, read the way a jeweller would: a big spender who has gone quiet is
	someone we cannot lose."""
	if recency >= 4 and frequency >= 4:
		return "Champion"
	if recency >= 3 and frequency >= 3:
		return "Loyal"
	if recency >= 4 and frequency == 1:
		return "New"
	if recency >= 3:
		return "Promising"
	if frequency >= 4 or monetary >= 4:
		return "Cannot Lose"
	if recency == 2:
		return "At Risk"
	return "Hibernating"


def next_change_on(
	stats: ProfileStats,
	today: date,
	rules: LifecycleRules = LifecycleRules(),
	thresholds: RFMThresholds = RFMThresholds(),
) -> date | None:
	"""The next day on which her stage or RFM scores change with no new sale, so a daily job can
	look only at the customers due that day instead of at everyone."""
	if not stats.last_purchase_date:
		return None
	ages = {rules.at_risk_days, rules.lapsed_days, *thresholds.recency_days}
	days = [stats.last_purchase_date + timedelta(days=age + 1) for age in ages]
	if stats.purchases == 1:
		days.append(stats.first_purchase_date + timedelta(days=rules.new_days + 1))
	future = [day for day in days if day > today]
	return min(future) if future else None
