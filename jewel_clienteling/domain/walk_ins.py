"""Walk-ins: she came in, liked a few pieces and did not buy. When to call her back, and about what.

Why she did not buy decides when the associate writes: someone comparing shops decides within days,
so she hears from us in two; a price worry is answered in three (a lighter design, a scheme), before
the piece leaves her mind; "I'll come with my family" gets a word before the weekend she planned;
a size we did not have is followed up in a week, when a piece can be made or resized (or on the day
the associate knows the stock arrives); a design we did not have waits for new arrivals; and
someone just browsing is not chased: three weeks, then news of what is new.

An occasion changes everything: a piece for an anniversary must be chosen, and perhaps made or
resized, a week before the day, so the follow-up never comes later than that. The associate's own
date, when she sets one, wins over all of it.

What she liked is remembered: a piece from the catalogue tells her category, metal, purity and stone,
and a size tried on tells her ring or bangle size, as preferences she stated at the counter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from jewel_clienteling.domain.preferences import (
	ItemFacts,
	PreferenceSource,
	group_digits,
	item_dimensions,
	size_dimension,
)

# Why she did not buy, exactly as spelled in the Walk-in Visit doctype
PRICE = "Price"
DESIGN_NOT_FOUND = "Design not found"
SIZE_NOT_AVAILABLE = "Size not available"
JUST_BROWSING = "Just browsing"
WITH_FAMILY = "Will come with family"
COMPARING = "Comparing"
OTHER = "Other"
REASONS_NOT_BOUGHT = (
	PRICE,
	DESIGN_NOT_FOUND,
	SIZE_NOT_AVAILABLE,
	JUST_BROWSING,
	WITH_FAMILY,
	COMPARING,
	OTHER,
)

# Days after the visit the associate writes to her, by why she did not buy
FOLLOW_UP_DAYS = {
	COMPARING: 2,
	PRICE: 3,
	WITH_FAMILY: 5,
	SIZE_NOT_AVAILABLE: 7,
	OTHER: 7,
	DESIGN_NOT_FOUND: 14,
	JUST_BROWSING: 21,
}
DEFAULT_FOLLOW_UP_DAYS = 7  # she did not say why
OCCASION_LEAD_DAYS = 7  # a piece for an occasion is chosen at least a week before the day
WISHLIST_DAYS = 180  # what she liked at a visit stays on the counter's snapshot this long

# A budget beyond this is a typing slip (an extra zero or two), not a customer: 100 crore
MAX_BUDGET = Decimal("1000000000")


class WalkInError(ValueError):
	"""A visit that cannot be recorded as given; `reason` is a code the Frappe layer puts in words."""

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(reason if not detail else f"{reason}: {detail}")
		self.reason = reason
		self.detail = detail


def check_budget(value) -> Decimal | None:
	"""Her budget as a Decimal; None when she gave none (empty or 0). A negative amount, one that is
	not a number, or an impossible one raises WalkInError."""
	if value is None or (isinstance(value, str) and not value.strip()):
		return None
	if isinstance(value, bool):
		raise WalkInError("budget_not_a_number")
	try:
		amount = Decimal(str(value).strip())
	except InvalidOperation as error:
		raise WalkInError("budget_not_a_number") from error
	if not amount.is_finite():
		raise WalkInError("budget_not_a_number")
	if amount < 0:
		raise WalkInError("budget_negative")
	if amount > MAX_BUDGET:
		raise WalkInError("budget_too_large")
	return amount if amount > 0 else None


def follow_up_date(
	visit_day: date,
	reason_not_bought: str | None,
	occasion_date: date | None = None,
	chosen: date | None = None,
) -> date:
	"""The day the associate writes to her about this visit.

	The associate's chosen day wins (it may not be before the visit). Otherwise FOLLOW_UP_DAYS after
	the visit by why she did not buy (DEFAULT_FOLLOW_UP_DAYS when she did not say), brought forward to
	OCCASION_LEAD_DAYS before an occasion still to come, but never earlier than the day after the
	visit."""
	if chosen is not None:
		if chosen < visit_day:
			raise WalkInError("follow_up_before_visit")
		return chosen
	due = visit_day + timedelta(days=FOLLOW_UP_DAYS.get(reason_not_bought or "", DEFAULT_FOLLOW_UP_DAYS))
	if occasion_date is not None and occasion_date > visit_day:
		due = min(due, occasion_date - timedelta(days=OCCASION_LEAD_DAYS))
	return max(due, visit_day + timedelta(days=1))


@dataclass(frozen=True)
class WishlistItem:
	"""One piece she liked: from the catalogue (item) or described in words, or both."""

	item: str | None = None
	item_name: str | None = None
	description: str | None = None
	size: str | None = None
	notes: str | None = None

	@property
	def label(self) -> str:
		"""What the associate and the message call the piece."""
		return (self.description or self.item_name or self.item or "").strip()


def clean_wishlist(rows: Iterable[WishlistItem]) -> list[WishlistItem]:
	"""The rows with spaces tidied; a row naming neither a piece nor a description raises WalkInError
	(an empty row left at the end of the table is dropped instead)."""
	cleaned = []
	for row in rows:
		fields = {
			name: " ".join(str(getattr(row, name) or "").split()) or None
			for name in ("item", "item_name", "description", "size", "notes")
		}
		item = WishlistItem(**fields)
		if not item.item and not item.description:
			if item.size or item.notes:
				raise WalkInError("wishlist_row_empty")
			continue
		cleaned.append(item)
	return cleaned


def message_context(
	visit_day: date,
	reason_not_bought: str | None,
	wishlist: Sequence[WishlistItem],
	budget: Decimal | None = None,
	occasion: str | None = None,
	occasion_date: date | None = None,
) -> dict:
	"""What the follow-up message may say: the pieces she liked (by name), her budget in Indian
	digits, the occasion and why she did not buy. Plain strings and lists, ready for a template."""
	pieces = [row.label for row in wishlist if row.label]
	return {
		"reason_not_bought": reason_not_bought or "",
		"pieces": pieces,
		"piece": pieces[0] if pieces else "",
		"budget": group_digits(int(budget)) if budget else "",
		"purchase_occasion": occasion or "",
		"purchase_occasion_date": occasion_date.isoformat() if occasion_date else "",
		"visit_date": visit_day.isoformat(),
	}


def wishlist_preferences(
	pieces: Sequence[tuple[ItemFacts | None, str | None]], sources: Iterable[PreferenceSource]
) -> list[tuple[str, str]]:
	"""(dimension, value) she stated by liking these pieces, each once, in order: the category,
	metal, purity and stone of each catalogue piece (as the shop's preference sources read them), and
	the size she tried on where the piece's category has a size (a ring's size, a bangle's)."""
	sources = tuple(sources)
	found: dict[tuple[str, str], None] = {}
	for facts, size in pieces:
		if facts is None:
			continue
		dimensions = item_dimensions(facts, sources)
		for dimension, value in dimensions.items():
			found.setdefault((dimension, value), None)
		size = " ".join((size or "").split())
		size_of = size_dimension(dimensions.get("Category") or facts.item_group)
		if size and size_of:
			found.setdefault((size_of, size), None)
	return list(found)


def is_recent(visit_day: date, today: date, days: int = WISHLIST_DAYS) -> bool:
	"""Is a visit recent enough for its wishlist to be shown at the counter?"""
	return today - timedelta(days=days) <= visit_day <= today
