"""Her loyalty points, kept the way a jeweller keeps a ledger: every movement is a row that is never
edited, a mistake is put right by a Reverse row, and what she holds today is read off the rows.

ERPNext's own loyalty earns on the grand total, which pays points on the gold price. Here points are
earned on what the shop chooses (usually the making charge), coins and bullion earn nothing, every lot
of points lapses on its own day, and spending takes the points closest to lapsing first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")

EARN = "Earn"
REDEEM = "Redeem"
EXPIRE = "Expire"
ADJUST = "Adjust"
REVERSE = "Reverse"
BONUS = "Bonus"
KINDS = (EARN, REDEEM, EXPIRE, ADJUST, REVERSE, BONUS)
# Rows of these kinds with positive points are lots: points she holds until their expiry date.
LOT_KINDS = frozenset({EARN, BONUS, ADJUST})

DEFAULT_EXPIRY_DAYS = 365

BASIS_NET_AMOUNT = "Net Amount"
BASIS_MAKING_CHARGE = "Making Charge"

DEFAULT_TIER_THRESHOLDS = (
	("Silver", 50000),
	("Gold", 200000),
	("Platinum", 500000),
	("Diamond", 1000000),
)


class LoyaltyError(ValueError):
	"""A movement the ledger refuses. `reason` is a short code the desk can translate:
	invalid_movement, not_positive, insufficient_balance, unknown_row, duplicate_row, not_reversible,
	already_reversed."""

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(f"{reason}: {detail}" if detail else reason)
		self.reason = reason
		self.detail = detail


def as_points(value: Decimal | int | float | str) -> Decimal:
	return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Movement:
	"""One row of her ledger; points carry their sign. Earn and Bonus are positive, Redeem and Expire
	negative, Adjust either, and a Reverse has the opposite sign of the row it reverses (named in
	`against`). An Expire names the lot that lapsed in `against`.

	A positive Earn, Bonus or Adjust is a lot and must have a name and an expiry date: the day on which
	its points lapse (usable up to the day before)."""

	name: str
	kind: str
	points: Decimal
	posting_date: date
	expiry_date: date | None = None
	voucher: str = ""
	against: str = ""

	def __post_init__(self):
		object.__setattr__(self, "points", as_points(self.points))
		if self.kind not in KINDS:
			raise LoyaltyError("invalid_movement", f"kind {self.kind!r}")
		if not self.points:
			raise LoyaltyError("invalid_movement", "a movement of no points")
		if self.kind in (EARN, BONUS) and self.points < 0:
			raise LoyaltyError("invalid_movement", f"{self.kind} must be positive")
		if self.kind in (REDEEM, EXPIRE) and self.points > 0:
			raise LoyaltyError("invalid_movement", f"{self.kind} must be negative")
		if self.kind in (REVERSE, EXPIRE) and not self.against:
			raise LoyaltyError("invalid_movement", f"{self.kind} must name the row it concerns")
		if self.is_lot and not (self.name and self.expiry_date):
			raise LoyaltyError("invalid_movement", "a lot needs a name and an expiry date")

	@property
	def is_lot(self) -> bool:
		return self.kind in LOT_KINDS and self.points > 0


@dataclass(frozen=True)
class Lot:
	"""Points from one Earn, Bonus or positive Adjust, and what is left of them. `owed` is what a return
	took back from this lot that she had already spent elsewhere; points restored to the lot later (a
	cancelled redemption) settle it first."""

	name: str
	posting_date: date
	expiry_date: date
	earned: Decimal
	remaining: Decimal
	owed: Decimal = ZERO

	def is_live(self, day: date) -> bool:
		return self.expiry_date > day


# --- earning ------------------------------------------------------------------------------------------


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
) -> Movement:
	"""An Earn (or Bonus) lot that lapses `expiry_days` after the sale."""
	return Movement(
		name, kind, as_points(points), posting_date, posting_date + timedelta(days=expiry_days), voucher
	)


# --- reading the ledger -------------------------------------------------------------------------------


@dataclass
class _LotState:
	row: Movement
	order: int
	remaining: Decimal
	owed: Decimal = ZERO

	def key(self) -> tuple:
		return (self.row.expiry_date, self.row.posting_date, self.order)

	def restore(self, points: Decimal) -> None:
		settled = min(points, self.owed)
		self.owed -= settled
		self.remaining += points - settled


@dataclass
class _Debit:
	"""What a negative row took, lot by lot, and what it could not take (forgiven, and owed by the lot it reversed)."""

	takes: list[list] = field(default_factory=list)
	forgiven: Decimal = ZERO
	owed_by: _LotState | None = None


def _replay(rows: Sequence[Movement], today: date) -> list[_LotState]:
	"""Every lot as it stands after the rows posted up to today, in posting-date order (rows of one
	day in the order given). Debits never take more than a lot holds, so nothing is ever negative."""
	lots: dict[str, _LotState] = {}
	debits: dict[str, _Debit] = {}
	seen: dict[str, Movement] = {}
	ordered = sorted((row for row in rows if row.posting_date <= today), key=lambda row: row.posting_date)
	for order, row in enumerate(ordered):
		if row.name:
			if row.name in seen:
				raise LoyaltyError("duplicate_row", row.name)
			seen[row.name] = row
		if row.is_lot:
			lots[row.name] = _LotState(row, order, row.points)
			continue
		amount = abs(row.points)
		debit = _Debit()
		if row.kind == EXPIRE:
			lot = lots.get(row.against)
			if lot is None:
				raise LoyaltyError("unknown_row", row.against)
			_take(lot, amount, debit)
		elif row.kind == REVERSE:
			target = seen.get(row.against)
			if target is None or target is row:
				raise LoyaltyError("unknown_row", row.against)
			if (target.points > 0) == (row.points > 0):
				raise LoyaltyError(
					"invalid_movement", f"{row.name} does not reverse the sign of {target.name}"
				)
			if row.points > 0:
				_unwind(debits.get(target.name), amount)
			else:
				lot = lots.get(target.name)
				if lot and lot.row.expiry_date > row.posting_date:
					amount -= _take(lot, amount, debit)
				amount -= _take_fifo(lots.values(), amount, row.posting_date, debit)
				debit.forgiven = amount
				if lot:
					lot.owed += amount
					debit.owed_by = lot
		else:
			# Redeem and a negative Adjust take the points closest to lapsing first
			amount -= _take_fifo(lots.values(), amount, row.posting_date, debit)
			debit.forgiven = amount
		if row.name:
			debits[row.name] = debit
	return sorted(lots.values(), key=_LotState.key)


def _take(lot: _LotState, points: Decimal, debit: _Debit) -> Decimal:
	taken = min(points, lot.remaining)
	if taken > 0:
		lot.remaining -= taken
		debit.takes.append([lot, taken])
	return max(taken, ZERO)


def _take_fifo(lots: Iterable[_LotState], points: Decimal, day: date, debit: _Debit) -> Decimal:
	taken = ZERO
	for lot in sorted(lots, key=_LotState.key):
		if taken >= points:
			break
		if lot.row.expiry_date > day:
			taken += _take(lot, points - taken, debit)
	return taken


def _unwind(debit: _Debit | None, points: Decimal) -> None:
	"""Put back what a debit took: first forget what it forgave, then refill its lots, last taken first."""
	if debit is None:
		return
	unforgiven = min(points, debit.forgiven)
	debit.forgiven -= unforgiven
	if debit.owed_by is not None:
		debit.owed_by.owed = max(debit.owed_by.owed - unforgiven, ZERO)
	points -= unforgiven
	for take in reversed(debit.takes):
		if points <= 0:
			break
		lot, taken = take
		back = min(points, taken)
		take[1] = taken - back
		lot.restore(back)
		points -= back


def lots(rows: Sequence[Movement], today: date) -> list[Lot]:
	"""Each lot with what remains of it today, oldest expiring first (the order redemption takes)."""
	return [
		Lot(s.row.name, s.row.posting_date, s.row.expiry_date, s.row.points, s.remaining, s.owed)
		for s in _replay(rows, today)
	]


def balance(rows: Sequence[Movement], today: date) -> Decimal:
	"""Points she can spend today: what remains of the lots that have not lapsed."""
	return sum((lot.remaining for lot in lots(rows, today) if lot.is_live(today)), ZERO)


def expire_due(rows: Sequence[Movement], today: date) -> list[Movement]:
	"""The Expire rows today's job should post: what remains of every lot whose day has come. Once
	posted, asking again the same day gives nothing."""
	return [
		Movement("", EXPIRE, -lot.remaining, today, voucher="", against=lot.name)
		for lot in lots(rows, today)
		if not lot.is_live(today) and lot.remaining > 0
	]


# --- spending -----------------------------------------------------------------------------------------


def _redeem_refusal(rows: Sequence[Movement], points: Decimal, today: date) -> str:
	if points <= 0:
		return "not_positive"
	if points > balance(rows, today):
		return "insufficient_balance"
	return ""


def can_redeem(rows: Sequence[Movement], points: Decimal | int, today: date) -> bool:
	return not _redeem_refusal(rows, as_points(points), today)


def redeem(
	rows: Sequence[Movement], points: Decimal | int, today: date, name: str = "", voucher: str = ""
) -> Movement:
	"""A Redeem row for `points`, refused (LoyaltyError) if she does not hold that many today."""
	points = as_points(points)
	reason = _redeem_refusal(rows, points, today)
	if reason:
		raise LoyaltyError(reason, f"{points} points")
	return Movement(name, REDEEM, -points, today, voucher=voucher)


# --- returns and cancellations ------------------------------------------------------------------------


def reverse_for_return(
	original_earn_points: Decimal | int,
	original_amount: Decimal | int,
	returned_amount: Decimal | int,
	already_returned: Decimal | int = 0,
) -> int:
	"""Points a return takes back: the returned share of what the sale earned, rounded down. Pass what
	earlier returns of the same sale gave back as `already_returned`, so that returning a sale in three
	parts takes back exactly what returning it at once would."""
	earned = as_points(original_earn_points)
	original = as_points(original_amount)
	if earned <= 0 or original <= 0:
		return 0

	def share(amount: Decimal) -> int:
		amount = min(max(amount, ZERO), original)
		return int((earned * amount / original).to_integral_value(rounding=ROUND_FLOOR))

	before = as_points(already_returned)
	return share(before + abs(as_points(returned_amount))) - share(before)


def unreversed(rows: Sequence[Movement], row: Movement) -> Decimal:
	"""How many of a row's points no Reverse has yet taken back (or given back). A Reverse that was
	itself reversed (a cancelled return) no longer counts."""
	if not row.name:
		return abs(row.points)
	reversed_ = sum(
		(unreversed(rows, r) for r in rows if r.kind == REVERSE and r.against == row.name and r is not row),
		ZERO,
	)
	return max(abs(row.points) - reversed_, ZERO)


def reverse(
	rows: Sequence[Movement],
	row_name: str,
	today: date,
	points: Decimal | int | None = None,
	name: str = "",
	voucher: str = "",
) -> Movement:
	"""A Reverse of (part of) a row, never more than is left unreversed; all of it when `points` is
	None. Lapsed points are not reversed: reinstating them is a Bonus or an Adjust."""
	target = next((row for row in rows if row.name == row_name), None)
	if target is None or not row_name:
		raise LoyaltyError("unknown_row", row_name)
	if target.kind == EXPIRE:
		raise LoyaltyError("not_reversible", row_name)
	left = unreversed(rows, target)
	wanted = left if points is None else min(abs(as_points(points)), left)
	if wanted <= 0:
		raise LoyaltyError("already_reversed", row_name)
	sign = -1 if target.points > 0 else 1
	return Movement(name, REVERSE, sign * wanted, today, voucher=voucher, against=row_name)


def cancel(rows: Sequence[Movement], voucher: str, today: date) -> list[Movement]:
	"""A cancelled invoice takes back everything it moved: the points it earned, the points spent on
	it. The Reverse rows carry the cancelled voucher, so cancelling twice gives nothing more.
	(A return's reversals carry the return's own voucher, so cancelling the return gives them back.)"""
	if not voucher:
		return []
	own = {row.name for row in rows if row.voucher == voucher and row.name}
	return [
		reverse(rows, row.name, today, voucher=voucher)
		for row in rows
		if row.voucher == voucher
		and row.name
		and row.kind != EXPIRE
		and not (row.kind == REVERSE and row.against in own)
		and unreversed(rows, row) > 0
	]


# --- tiers --------------------------------------------------------------------------------------------


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
