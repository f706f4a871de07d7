"""Learning profiles from sales: one rule for a customer learnt after a sale at the counter and for a
page of thousands learnt from a store's past.

`learn_page` takes the facts of many customers at once, as grouped reads return them (rows of every
customer mixed, in any order), and says for each what her profile, captured occasions and inferred
preferences must be, and what to change to get there. Everything is a function of the facts and of
today, so learning twice changes nothing, and a cancelled or returned sale simply stops counting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from jewel_clienteling.domain.loyalty import tier_for, tier_recheck_on
from jewel_clienteling.domain.occasions import (
	CAPTURED_AT_SALE,
	CapturedOccasion,
	occasion_from_purchase,
	occasion_key,
	year_is_plausible,
)
from jewel_clienteling.domain.preferences import (
	DEFAULT_BUDGET_BANDS,
	DEFAULT_SOURCES,
	ExistingPreference,
	ItemFacts,
	PreferencePlan,
	PreferenceSource,
	PurchaseLine,
	infer_preferences,
	item_dimensions,
	plan_preferences,
)
from jewel_clienteling.domain.profile import (
	LifecycleRules,
	RFMThresholds,
	Sale,
	compute_stats,
	lifecycle_stage,
	net_sales,
	next_change_on,
	rfm,
)

SEPARATOR = "::"
# a purchase for herself tells her own sizes; a gift tells someone else's
FOR_SELF = frozenset({None, "", "Self"})
# who made an invoice serves her only when that is a person at the counter
NOT_AN_ASSOCIATE = frozenset({None, "", "Administrator", "Guest"})


@dataclass(frozen=True)
class SaleRecord:
	"""One submitted invoice of hers, as read: a sale, or a return (negative amount)."""

	doctype: str
	name: str
	customer: str
	posting_date: date
	amount: Decimal
	is_return: bool = False
	return_against: str | None = None
	pos_profile: str | None = None
	owner: str | None = None
	purchase_occasion: str | None = None
	recipient_name: str | None = None
	recipient_relation: str | None = None
	occasion_date: date | None = None
	modified: datetime | None = None  # when the invoice last changed (submitted, cancelled)

	@property
	def key(self) -> str:
		return f"{self.doctype}{SEPARATOR}{self.name}"


@dataclass(frozen=True)
class LineRecord:
	"""One item row of one of her invoices."""

	customer: str
	doctype: str
	parent: str
	idx: int
	item_code: str | None
	item_group: str | None
	qty: float
	size: str | None = None


@dataclass(frozen=True)
class CurrentProfile:
	"""What is stored of her now and matters to learning."""

	customer: str
	home_store: str | None = None
	tier: str = ""
	erased: bool = False


@dataclass(frozen=True)
class ExistingOccasion:
	name: str
	key: str
	source: str


@dataclass(frozen=True)
class LearningRules:
	"""The store's settings as plain values. `tiers` is None when there is no points programme."""

	lifecycle: LifecycleRules = field(default_factory=LifecycleRules)
	rfm: RFMThresholds = field(default_factory=RFMThresholds)
	tiers: tuple[tuple[str, Decimal], ...] | None = None
	sources: tuple[PreferenceSource, ...] = DEFAULT_SOURCES
	half_life_days: int = 365
	min_score: float = 0.1
	budget_bands: tuple[int, ...] = DEFAULT_BUDGET_BANDS


@dataclass
class Learnt:
	"""What learning decided for one customer."""

	customer: str
	sales: list[SaleRecord]  # every sale and return read, oldest first: all of them are now learnt
	erased: bool = False  # her data was erased at her request: nothing is learnt, nothing written
	profile: dict[str, object] = field(default_factory=dict)  # Customer fields, but who served her
	last_kept: SaleRecord | None = None  # her latest kept purchase: who served it serves her
	tier_before: str = ""
	sale_facts: list[Sale] = field(default_factory=list)  # what outreach is credited against
	occasions_add: list[tuple[CapturedOccasion, SaleRecord]] = field(default_factory=list)
	occasions_remove: list[str] = field(default_factory=list)
	preferences: PreferencePlan = field(default_factory=PreferencePlan)
	problem: str | None = None  # why she cannot be learnt (a captured date no calendar has)


def learn_page(
	customers: Sequence[CurrentProfile],
	sales: Iterable[SaleRecord],
	lines: Iterable[LineRecord],
	items: Mapping[str, ItemFacts],
	preferences: Mapping[str, Sequence[ExistingPreference]],
	occasions: Mapping[str, Sequence[ExistingOccasion]],
	today: date,
	rules: LearningRules = LearningRules(),
) -> list[Learnt]:
	"""Learn every customer of a page from its facts, read for all of them at once."""
	sales_of: dict[str, list[SaleRecord]] = defaultdict(list)
	for sale in sales:
		sales_of[sale.customer].append(sale)
	lines_of: dict[str, list[LineRecord]] = defaultdict(list)
	for line in lines:
		lines_of[line.customer].append(line)
	dimensions: dict[str, dict[str, str]] = {}  # what each item is, worked out once a page
	return [
		learn_customer(
			current,
			sales_of.get(current.customer, ()),
			lines_of.get(current.customer, ()),
			items,
			preferences.get(current.customer, ()),
			occasions.get(current.customer, ()),
			today,
			rules,
			dimensions=dimensions,
		)
		for current in customers
	]


def learn_customer(
	current: CurrentProfile,
	sales: Sequence[SaleRecord],
	lines: Sequence[LineRecord],
	items: Mapping[str, ItemFacts],
	preferences: Sequence[ExistingPreference],
	occasions: Sequence[ExistingOccasion],
	today: date,
	rules: LearningRules = LearningRules(),
	*,
	dimensions: dict[str, dict[str, str]] | None = None,
) -> Learnt:
	"""One customer: her statistics, stage, RFM and tier; her home store; the occasions her sales
	captured; the preferences her kept purchases say. `dimensions` caches what each item is."""
	ordered = sorted(sales, key=lambda sale: (sale.posting_date, sale.name, sale.doctype))
	learnt = Learnt(customer=current.customer, sales=ordered, tier_before=current.tier or "")
	if current.erased:
		learnt.erased = True
		return learnt

	facts = [
		Sale(
			invoice=sale.key,
			posting_date=sale.posting_date,
			amount=sale.amount or 0,
			return_against=f"{sale.doctype}{SEPARATOR}{sale.return_against}" if sale.is_return else None,
		)
		for sale in ordered
	]
	stats = compute_stats(facts)
	scores = rfm(stats, today, rules.rfm)
	due_on = next_change_on(stats, today, rules.lifecycle, rules.rfm)
	tier = ""
	if rules.tiers is not None:
		tier = tier_for([(sale.posting_date, sale.amount) for sale in facts], today, rules.tiers)
		recheck = tier_recheck_on([sale.posting_date for sale in facts], today)
		if recheck and (not due_on or recheck < due_on):
			due_on = recheck
	kept_keys = {sale.invoice for sale, amount in net_sales(facts)[0] if amount > 0}
	kept = [sale for sale in ordered if sale.key in kept_keys]

	learnt.sale_facts = facts
	learnt.last_kept = kept[-1] if kept else None
	learnt.profile = {
		"jc_home_store": current.home_store
		or next((sale.pos_profile for sale in kept if sale.pos_profile), None),
		"jc_first_purchase_date": stats.first_purchase_date,
		"jc_last_purchase_date": stats.last_purchase_date,
		"jc_visits": stats.visits,
		"jc_purchases": stats.purchases,
		"jc_lifetime_value": stats.lifetime_value,
		"jc_average_ticket": stats.average_ticket,
		"jc_lifecycle_stage": lifecycle_stage(stats, today, rules.lifecycle),
		"jc_rfm_score": scores.code if scores else "",
		"jc_rfm_segment": scores.segment if scores else "",
		"jc_profile_due_on": due_on,
		"jc_loyalty_tier": tier,
	}
	_learn_occasions(learnt, kept, occasions, today)
	inferred = infer_preferences(
		purchase_lines(ordered, lines, items, rules.sources, dimensions),
		today,
		half_life_days=rules.half_life_days,
		min_score=rules.min_score,
		tickets=[(sale.posting_date, sale.amount) for sale in kept],
		bands=rules.budget_bands,
	)
	learnt.preferences = plan_preferences(preferences, inferred)
	return learnt


def _learn_occasions(
	learnt: Learnt, kept: Sequence[SaleRecord], existing: Sequence[ExistingOccasion], today: date
) -> None:
	"""Captured occasions equal to what her kept sales say: the first sale to tell one is its source.
	Occasions asked or edited by an associate are left alone."""
	told: dict[str, tuple[CapturedOccasion, SaleRecord]] = {}
	for sale in kept:
		captured = occasion_from_purchase(
			sale.purchase_occasion, sale.occasion_date, sale.recipient_name, sale.recipient_relation
		)
		if captured:
			key = occasion_key(
				learnt.customer, captured.occasion_type, captured.person_name, captured.day, captured.month
			)
			told.setdefault(key, (captured, sale))
	known = {row.key for row in existing}
	for key, (captured, sale) in told.items():
		if key in known:
			continue
		if not year_is_plausible(captured.year, today):
			learnt.problem = f"year {captured.year} on {sale.doctype} {sale.name}"
		learnt.occasions_add.append((captured, sale))
	learnt.occasions_remove = sorted(
		row.name for row in existing if row.source == CAPTURED_AT_SALE and row.key not in told
	)


def purchase_lines(
	sales: Sequence[SaleRecord],
	lines: Sequence[LineRecord],
	items: Mapping[str, ItemFacts],
	sources: Sequence[PreferenceSource],
	dimensions: dict[str, dict[str, str]] | None = None,
) -> list[PurchaseLine]:
	"""Her item rows with what each piece is (by the store's preference sources), in sale order."""
	dimensions = {} if dimensions is None else dimensions
	position = {(sale.doctype, sale.name): (index, sale) for index, sale in enumerate(sales)}
	result = []
	for line in sorted(
		(line for line in lines if (line.doctype, line.parent) in position),
		key=lambda line: (position[(line.doctype, line.parent)][0], line.idx),
	):
		sale = position[(line.doctype, line.parent)][1]
		item = items.get(line.item_code) if line.item_code else None
		if item is None:
			told = {"Category": line.item_group} if line.item_group else {}
		else:
			told = dimensions.get(line.item_code)
			if told is None:
				told = dimensions[line.item_code] = item_dimensions(item, sources)
		result.append(
			PurchaseLine(
				invoice=line.parent,
				posting_date=sale.posting_date,
				item_code=line.item_code or "",
				qty=float(line.qty or 0),
				dimensions=told,
				size=line.size,
				for_self=sale.purchase_occasion in FOR_SELF,
				return_against=sale.return_against if sale.is_return else None,
			)
		)
	return result


def served_by(team_user: str | None, owner: str | None) -> str | None:
	"""Who served a sale: its first salesperson's user when the sales team names one, else whoever
	made the invoice (not Administrator, who is no associate)."""
	if team_user:
		return team_user
	return None if owner in NOT_AN_ASSOCIATE else owner


def _is_empty(value) -> bool:
	return value is None or value == "" or (not isinstance(value, bool | date) and value == 0)


def changed_fields(stored: Mapping[str, object], wanted: Mapping[str, object]) -> dict[str, object]:
	"""The fields of `wanted` whose stored value differs. Empty, zero and NULL are one state (a
	customer made by an import has NULL where one made in the desk has 0)."""
	changed = {}
	for fieldname, value in wanted.items():
		before = stored.get(fieldname)
		if _is_empty(value) and _is_empty(before):
			continue
		if value != before:
			changed[fieldname] = value
	return changed
