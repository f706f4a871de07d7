"""Preferences: what her purchases say she likes, how that strengthens and fades, and how it merges
with what she told us herself (which inference never overwrites)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

STATED = "Stated"
INFERRED = "Inferred"

DIMENSIONS = (
	"Metal",
	"Purity",
	"Stone",
	"Category",
	"Style",
	"Colour",
	"Ring Size",
	"Bangle Size",
	"Chain Length",
	"Budget Band",
	"Other",
)
# She has one ring size per finger and one budget, but may love both gold and platinum.
SINGLE_VALUED = frozenset({"Ring Size", "Bangle Size", "Chain Length", "Budget Band"})

SOURCE_ITEM_GROUP = "Item Group"
SOURCE_ITEM_ATTRIBUTE = "Item Attribute"
SOURCE_ITEM_FIELD = "Item Field"

DEFAULT_BUDGET_BANDS = (25000, 100000, 300000, 1000000)


@dataclass(frozen=True)
class PreferenceSource:
	"""Where a dimension is read from: the item's group, one of its variant attributes, or a field."""

	dimension: str
	source_type: str
	source_name: str = ""


DEFAULT_SOURCES = (
	PreferenceSource("Category", SOURCE_ITEM_GROUP),
	PreferenceSource("Metal", SOURCE_ITEM_ATTRIBUTE, "Metal"),
	PreferenceSource("Purity", SOURCE_ITEM_ATTRIBUTE, "Purity"),
	PreferenceSource("Stone", SOURCE_ITEM_ATTRIBUTE, "Stone"),
)


@dataclass(frozen=True)
class ItemFacts:
	item_group: str | None = None
	attributes: Mapping[str, str] = field(default_factory=dict)
	fields: Mapping[str, object] = field(default_factory=dict)


def item_dimensions(item: ItemFacts, sources: Iterable[PreferenceSource]) -> dict[str, str]:
	"""The preference values one item carries, by dimension. The first source that answers wins."""
	values: dict[str, str] = {}
	for source in sources:
		if source.dimension in values:
			continue
		if source.source_type == SOURCE_ITEM_GROUP:
			value = item.item_group
		elif source.source_type == SOURCE_ITEM_ATTRIBUTE:
			value = item.attributes.get(source.source_name)
		else:
			value = item.fields.get(source.source_name)
		# spaces tidied as a stored Preference keeps them, so a learnt value compares equal to its row
		value = " ".join(str(value).split()) if value not in (None, "") else ""
		if value and value.casefold() not in ("all item groups", "none", "n/a"):
			values[source.dimension] = value
	return values


def size_dimension(category: str | None) -> str | None:
	"""Which size a sold piece tells: a ring's size, a bangle's, a chain's length."""
	text = (category or "").casefold()
	# "Ear Rings" and "Pearl Strings" contain "ring" but have no ring size
	if "ring" in text and not any(word in text for word in ("earring", "ear ring", "string")):
		return "Ring Size"
	if any(word in text for word in ("bangle", "bracelet", "kada")):
		return "Bangle Size"
	if any(word in text for word in ("chain", "necklace", "mangalsutra")):
		return "Chain Length"
	return None


def preference_key(dimension: str, qualifier: str | None, value: str) -> str:
	"""Rows with the same key are the same preference: a size per dimension and finger, other
	dimensions per value."""
	qualifier = " ".join((qualifier or "").split()).casefold()
	if dimension in SINGLE_VALUED:
		return f"{dimension}|{qualifier}"
	return f"{dimension}|{qualifier}|{' '.join(value.split()).casefold()}"


def decay(age_days: int, half_life_days: int) -> float:
	"""How much a purchase `age_days` old still counts: 1 today, 1/2 after one half-life."""
	return 0.5 ** (max(age_days, 0) / max(half_life_days, 1))


@dataclass(frozen=True)
class PurchaseLine:
	"""One invoice row of hers. Return rows have negative qty and name the invoice they return."""

	invoice: str
	posting_date: date
	item_code: str
	qty: float
	dimensions: Mapping[str, str] = field(default_factory=dict)
	size: str | None = None
	for_self: bool = True
	return_against: str | None = None


def kept_lines(lines: Sequence[PurchaseLine]) -> list[PurchaseLine]:
	"""Purchase rows she kept: returns are netted against the invoice and item they return."""
	returned: dict[tuple[str, str], float] = defaultdict(float)
	for line in lines:
		if line.return_against:
			returned[(line.return_against, line.item_code)] += abs(line.qty)
	kept = []
	for line in lines:
		if line.return_against or line.qty <= 0:
			continue
		key = (line.invoice, line.item_code)
		if returned[key] >= line.qty:
			returned[key] -= line.qty
			continue
		kept.append(line)
	return kept


@dataclass(frozen=True)
class InferredPreference:
	dimension: str
	value: str
	qualifier: str = ""
	score: float = 0.0
	last_seen: date | None = None
	purchases: int = 0

	@property
	def key(self) -> str:
		return preference_key(self.dimension, self.qualifier, self.value)


def budget_band(ticket: Decimal | float, bands: Sequence[int] = DEFAULT_BUDGET_BANDS) -> str:
	"""The band an amount falls in, labelled as a jeweller says it."""
	ticket = Decimal(str(ticket))
	lower = 0
	for upper in bands:
		if ticket < upper:
			return (
				f"Under {group_digits(upper)}"
				if lower == 0
				else f"{group_digits(lower)} to {group_digits(upper)}"
			)
		lower = upper
	return f"{group_digits(lower)} and above"


def group_digits(amount: int) -> str:
	"""Indian digit grouping: 100000 is 1,00,000."""
	text = str(int(amount))
	if len(text) <= 3:
		return text
	head, tail = text[:-3], text[-3:]
	pairs = []
	while len(head) > 2:
		pairs.insert(0, head[-2:])
		head = head[:-2]
	return ",".join([head, *pairs, tail])


def median(values: Sequence[Decimal]) -> Decimal:
	ordered = sorted(values)
	middle = len(ordered) // 2
	if len(ordered) % 2:
		return ordered[middle]
	return (ordered[middle - 1] + ordered[middle]) / 2


def infer_preferences(
	lines: Sequence[PurchaseLine],
	today: date,
	half_life_days: int = 365,
	min_score: float = 0.1,
	tickets: Sequence[tuple[date, Decimal]] = (),
	bands: Sequence[int] = DEFAULT_BUDGET_BANDS,
) -> list[InferredPreference]:
	"""Every preference her kept purchases support, strongest first.

	Each invoice that carries a value adds that purchase's decayed weight once, so a second polki set
	strengthens Polki and a purchase three half-lives ago barely counts. Sizes and the budget band are
	single-valued: the latest purchase for herself tells them.
	"""
	scores: dict[tuple[str, str], float] = defaultdict(float)
	last_seen: dict[tuple[str, str], date] = {}
	invoices: dict[tuple[str, str], set[str]] = defaultdict(set)
	sizes: dict[str, tuple[date, str, str]] = {}

	for line in kept_lines(lines):
		weight = decay((today - line.posting_date).days, half_life_days)
		for dimension, value in line.dimensions.items():
			key = (dimension, value)
			if line.invoice not in invoices[key]:
				invoices[key].add(line.invoice)
				scores[key] += weight
			last_seen[key] = max(last_seen.get(key, line.posting_date), line.posting_date)
		size_dim = size_dimension(line.dimensions.get("Category"))
		size = " ".join((line.size or "").split())
		if size and line.for_self and size_dim:
			# on the same day the later invoice tells, so the answer never depends on the lines' order
			latest = (line.posting_date, line.invoice, size)
			if size_dim not in sizes or sizes[size_dim] < latest:
				sizes[size_dim] = latest

	found = [
		InferredPreference(
			dim, value, "", round(score, 4), last_seen[(dim, value)], len(invoices[(dim, value)])
		)
		for (dim, value), score in scores.items()
	]
	for dimension, (seen, _invoice, size) in sizes.items():
		score = decay((today - seen).days, half_life_days)
		found.append(InferredPreference(dimension, size, "", round(score, 4), seen, 1))

	kept_tickets = [(day, Decimal(str(amount))) for day, amount in tickets if Decimal(str(amount)) > 0]
	if kept_tickets:
		seen = max(day for day, _ in kept_tickets)
		band = budget_band(median([amount for _, amount in kept_tickets]), bands)
		score = decay((today - seen).days, half_life_days)
		found.append(InferredPreference("Budget Band", band, "", round(score, 4), seen, len(kept_tickets)))

	found = [pref for pref in found if pref.score >= min_score]
	return sorted(found, key=lambda p: (-p.score, p.dimension, p.value))


@dataclass(frozen=True)
class ExistingPreference:
	name: str
	dimension: str
	value: str
	source: str
	qualifier: str = ""
	score: float = 0.0
	last_seen: date | None = None
	purchases: int = 0

	@property
	def key(self) -> str:
		return preference_key(self.dimension, self.qualifier, self.value)


@dataclass
class PreferencePlan:
	insert: list[InferredPreference] = field(default_factory=list)
	update: dict[str, InferredPreference] = field(default_factory=dict)
	delete: list[str] = field(default_factory=list)

	def is_empty(self) -> bool:
		return not (self.insert or self.update or self.delete)


def plan_preferences(
	existing: Sequence[ExistingPreference], inferred: Sequence[InferredPreference]
) -> PreferencePlan:
	"""What to write so the stored inferred rows equal `inferred`.

	Stated rows are hers: never touched, and they block inference of the same key, and of any value
	of a single-valued dimension she has stated (her ring size is what she says it is)."""
	keys = {id(row): row.key for row in existing}  # each key worked out once
	stated_keys = {keys[id(row)] for row in existing if row.source == STATED}
	stated_single = {
		row.dimension for row in existing if row.source == STATED and row.dimension in SINGLE_VALUED
	}
	current = {keys[id(row)]: row for row in existing if row.source == INFERRED}

	plan = PreferencePlan()
	wanted: set[str] = set()
	for pref in inferred:
		key = pref.key
		if key in stated_keys or pref.dimension in stated_single or key in wanted:
			continue
		wanted.add(key)
		row = current.get(key)
		if row is None:
			plan.insert.append(pref)
		elif (row.value, row.score, row.last_seen, row.purchases) != (
			pref.value,
			pref.score,
			pref.last_seen,
			pref.purchases,
		):
			plan.update[row.name] = pref
	# a second inferred row of the same key (left by a race or an older version) goes too
	plan.delete = sorted(
		row.name
		for row in existing
		if row.source == INFERRED and (keys[id(row)] not in wanted or current[keys[id(row)]] is not row)
	)
	return plan
