"""Her loyalty points, kept the way a jeweller keeps a ledger: every movement is a row that is never
edited, a mistake is put right by a Reverse row, and what she holds today is read off the rows.

A movement that must happen once (an invoice's earning or redemption, a return's or cancellation's
reversal of a row, a lot's expiry, a review or referral bonus, an opening balance) carries a key
(keys.py) that the database holds unique; one that may repeat (a manager's adjustment) has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from jewel_clienteling.domain.loyalty import keys

ZERO = Decimal("0")

EARN = "Earn"
REDEEM = "Redeem"
EXPIRE = "Expire"
ADJUST = "Adjust"
REVERSE = "Reverse"
BONUS = "Bonus"
KINDS = (EARN, REDEEM, EXPIRE, ADJUST, REVERSE, BONUS)
# Rows of these kinds with positive points are lots: points she holds until their expiry date.
LOT_KINDS = frozenset({EARN, BONUS, ADJUST})

# Why a row was posted (the ledger's Source)
SOURCE_SALE = "Sale"
SOURCE_RETURN = "Return"
SOURCE_CANCELLATION = "Cancellation"
SOURCE_REDEMPTION = "Redemption"
SOURCE_EXPIRY = "Expiry"
SOURCE_REFERRAL = "Referral"
SOURCE_REVIEW = "Review"
SOURCE_OPENING = "Opening Balance"
SOURCE_MANUAL = "Manual"
SOURCE_CORRECTION = "Correction"


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
	its points lapse (usable up to the day before). `key` is its once key (keys.py), "" for a movement
	that may repeat."""

	name: str
	kind: str
	points: Decimal
	posting_date: date
	expiry_date: date | None = None
	voucher: str = ""
	against: str = ""
	key: str = ""

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
	posted, asking again the same day gives nothing; each is keyed by its lot and how many times the
	lot lapsed before."""
	return [
		Movement(
			"",
			EXPIRE,
			-lot.remaining,
			today,
			against=lot.name,
			key=keys.expiry(
				lot.name, sum(1 for row in rows if row.kind == EXPIRE and row.against == lot.name)
			),
		)
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


def redeem(
	rows: Sequence[Movement], points: Decimal | int, today: date, name: str = "", voucher: str = ""
) -> Movement:
	"""A Redeem row for `points`, refused (LoyaltyError) if she does not hold that many today; an
	invoice redeems once."""
	points = as_points(points)
	reason = _redeem_refusal(rows, points, today)
	if reason:
		raise LoyaltyError(reason, f"{points} points")
	return Movement(
		name, REDEEM, -points, today, voucher=voucher, key=keys.redemption(voucher) if voucher else ""
	)


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
	key: str | None = None,
) -> Movement:
	"""A Reverse of (part of) a row, never more than is left unreversed; all of it when `points` is
	None. Lapsed points are not reversed: reinstating them is a Bonus or an Adjust. A voucher (the
	return or cancellation) reverses a row once: the key is theirs unless `key` is given."""
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
	if key is None:
		key = keys.reversal(voucher, row_name) if voucher else ""
	return Movement(name, REVERSE, sign * wanted, today, voucher=voucher, against=row_name, key=key)


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


# --- bonuses ------------------------------------------------------------------------------------------


def referral_due(rows: Sequence[Movement], referred: str) -> str:
	"""The key of the referral bonus her referrer (whose rows these are) should have for the first sale
	of `referred`, or "" when one paid for her still stands. A bonus taken back in full (her first
	sale was cancelled) makes room for the next: a re-billed first sale pays it again, once."""
	taken_back = 0
	while True:
		key = keys.referral(referred, taken_back)
		paid = next((row for row in rows if row.key == key), None)
		if paid is None:
			return key
		if unreversed(rows, paid) > 0:
			return ""
		taken_back += 1
