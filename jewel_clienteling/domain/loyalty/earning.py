"""How a sale earns points. ERPNext's own loyalty earns on the grand total, which pays points on the
gold price. Here points are earned on what the shop chooses (usually the making charge), coins and
bullion earn nothing, and every lot of points lapses on its own day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from jewel_clienteling.domain.loyalty import keys
from jewel_clienteling.domain.loyalty.ledger import EARN, ZERO, Movement, as_points

HUNDRED = Decimal("100")
DEFAULT_EXPIRY_DAYS = 365

BASIS_NET_AMOUNT = "Net Amount"
BASIS_MAKING_CHARGE = "Making Charge"


@dataclass(frozen=True)
class InvoiceLine:
	item_group: str = ""
	metal: str = ""
	net_amount: Decimal = ZERO
	making_charge: Decimal = ZERO
	fields: Mapping[str, str] = field(default_factory=dict)


APPLIES_TO_ITEM_GROUP = "Item Group"
APPLIES_TO_METAL = "Metal"
APPLIES_TO_ITEM_FIELD = "Item Field"


@dataclass(frozen=True)
class Rate:
	"""A line whose item group, metal or item field has `value` earns `points_per_100` instead of the
	shop's usual rate; 0 means it earns nothing (coins, bullion). The first rule that matches wins."""

	applies_to: str
	value: str
	points_per_100: Decimal | int | str
	field_name: str = ""

	def matches(self, line: InvoiceLine) -> bool:
		if self.applies_to == APPLIES_TO_ITEM_GROUP:
			seen = line.item_group
		elif self.applies_to == APPLIES_TO_METAL:
			seen = line.metal
		elif self.applies_to == APPLIES_TO_ITEM_FIELD:
			seen = (line.fields or {}).get(self.field_name) or ""
		else:
			return False
		return bool(str(seen).strip()) and _folded([str(seen)]) == _folded([self.value])


@dataclass(frozen=True)
class EarningRules:
	"""How a sale earns. The default earns 1 point per 100 of making charge: the gold in a piece is
	passed on at the day's rate, the making is the jeweller's own work and margin.
	`min_invoice_amount` is compared with the whole invoice's net amount."""

	basis: str = BASIS_MAKING_CHARGE
	points_per_100: Decimal = Decimal("1")
	excluded_item_groups: frozenset[str] = field(default_factory=lambda: frozenset({"Gold Coins", "Bullion"}))
	excluded_metals: frozenset[str] = frozenset()
	min_invoice_amount: Decimal = ZERO
	birthday_multiplier: Decimal = Decimal("1")
	expiry_days: int = DEFAULT_EXPIRY_DAYS
	rates: tuple[Rate, ...] = ()


def _folded(values: Iterable[str]) -> set[str]:
	return {" ".join(value.split()).casefold() for value in values}


def line_earns(line: InvoiceLine, rules: EarningRules) -> bool:
	"""Coins and bullion (or whatever the shop excludes) earn nothing, by item group or by metal."""
	group = " ".join((line.item_group or "").split()).casefold()
	metal = " ".join((line.metal or "").split()).casefold()
	if group and group in _folded(rules.excluded_item_groups):
		return False
	return not (metal and metal in _folded(rules.excluded_metals))


def line_rate(line: InvoiceLine, rules: EarningRules) -> Decimal:
	"""Points per 100 this line earns at: nothing when excluded, else the first matching rate rule's,
	else the shop's usual rate."""
	if not line_earns(line, rules):
		return ZERO
	for rate in rules.rates:
		if rate.matches(line):
			return max(as_points(rate.points_per_100), ZERO)
	return as_points(rules.points_per_100)


def line_weight(line: InvoiceLine, rules: EarningRules) -> Decimal:
	"""What one line contributes to the points, times 100: its basis at its rate. A return takes back
	points in proportion to the weight of the lines that came back, so returning a coin that earned
	nothing takes nothing back."""
	basis = line.making_charge if rules.basis == BASIS_MAKING_CHARGE else line.net_amount
	return as_points(basis) * line_rate(line, rules)


def points_for_invoice(
	lines: Sequence[InvoiceLine],
	rules: EarningRules,
	invoice_date: date,
	birthday_month: int | None = None,
) -> int:
	"""Whole points one invoice earns, rounded down: the basis of each line at its rate per 100,
	multiplied in her birthday month. Nothing below the minimum invoice amount."""
	invoice_amount = sum((as_points(line.net_amount) for line in lines), ZERO)
	if invoice_amount < as_points(rules.min_invoice_amount):
		return 0
	points = sum((line_weight(line, rules) for line in lines), ZERO) / HUNDRED
	if birthday_month and invoice_date.month == birthday_month:
		points *= as_points(rules.birthday_multiplier)
	return max(int(points.to_integral_value(rounding=ROUND_FLOOR)), 0)


def earn(
	name: str,
	points: Decimal | int,
	posting_date: date,
	voucher: str = "",
	expiry_days: int = DEFAULT_EXPIRY_DAYS,
	kind: str = EARN,
	key: str | None = None,
) -> Movement:
	"""An Earn (or Bonus) lot that lapses `expiry_days` after the sale. An invoice earns once: an Earn
	for a voucher is keyed by it unless `key` is given; a Bonus has the key its caller gives."""
	if key is None:
		key = keys.earning(voucher) if kind == EARN and voucher else ""
	return Movement(
		name,
		kind,
		as_points(points),
		posting_date,
		posting_date + timedelta(days=expiry_days),
		voucher,
		key=key,
	)
