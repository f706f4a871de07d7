"""Any sequence of sales, spends, lapses, returns and cancellations, against a plain model of the
rules: her balance follows it and is never below nothing."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.loyalty import (
	EARN,
	LoyaltyError,
	Movement,
	balance,
	cancel,
	earn,
	expire_due,
	lots,
	redeem,
	reverse,
	reverse_for_return,
)

DAY = date(2025, 3, 10)


def days(n: int) -> timedelta:
	return timedelta(days=n)


# --- any sequence of sales, spends, lapses, returns and cancellations ---------------------------------


@dataclass
class ModelLot:
	expiry: date
	remaining: int
	owed: int = 0


Taken = list[tuple[ModelLot, int]]


@dataclass
class ModelSale:
	lot: ModelLot
	earned: int
	amount: int
	returned_amount: int = 0
	taken_back: int = 0
	cancelled: bool = False


@dataclass
class ModelReturn:
	sale: ModelSale
	share: int
	points: int
	taken: Taken
	forgiven: int


@dataclass
class Model:
	"""The rules in their plainest form, written from the jeweller's description, not from the module:
	a list of lots, each lapsing on its day; spending empties the soonest-lapsing first; a return takes
	its points from its own lot, then from her soonest-lapsing points, and what she no longer has is
	noted against that lot; a cancelled spend or return refills the lots it emptied, last emptied
	first, each settling what its lot owes before it counts again."""

	lots: list[ModelLot] = field(default_factory=list)
	sales: dict[str, ModelSale] = field(default_factory=dict)
	spends: dict[str, Taken] = field(default_factory=dict)
	returns: dict[str, ModelReturn] = field(default_factory=dict)

	def live(self, day: date) -> list[ModelLot]:
		return sorted((lot for lot in self.lots if lot.expiry > day), key=lambda lot: lot.expiry)

	def balance(self, day: date) -> int:
		return sum(lot.remaining for lot in self.live(day))

	def expire(self, day: date) -> None:
		for lot in self.lots:
			if lot.expiry <= day:
				lot.remaining = 0

	def take(self, points: int, lots: list[ModelLot], taken: Taken) -> int:
		for lot in lots:
			part = min(points, lot.remaining)
			if part:
				lot.remaining -= part
				points -= part
				taken.append((lot, part))
		return points

	def take_back(self, sale: ModelSale, points: int, day: date) -> tuple[Taken, int]:
		taken: Taken = []
		own = [sale.lot] if sale.lot.expiry > day else []
		points = self.take(points, own, taken)
		points = self.take(points, self.live(day), taken)
		sale.lot.owed += points
		return taken, points

	@staticmethod
	def refill(taken: Taken) -> None:
		for lot, part in reversed(taken):
			settled = min(part, lot.owed)
			lot.owed -= settled
			lot.remaining += part - settled


operations = st.lists(
	st.tuples(
		st.sampled_from(["earn", "earn", "redeem", "redeem", "return", "return", "cancel", "cancel"]),
		st.sampled_from([0, 0, 1, 1, 2, 5, 20]),  # days since the previous operation
		st.integers(1, 400),  # points, or a share of the bill in tenths for a return
		st.integers(0, 50),  # which recent bill; also whether to spend all she may
	),
	min_size=4,
	max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(ops=operations, expiry_days=st.integers(3, 60))
def test_the_balance_follows_the_plain_rules_and_is_never_negative(ops, expiry_days):
	rows: list[Movement] = []
	model = Model()
	day = DAY
	bills: list[str] = []
	serial = 0
	for kind, gap, size, pick in ops:
		for _ in range(gap):
			day += days(1)
			rows += expire_due(rows, day)
			model.expire(day)
			assert expire_due(rows, day) == []
		serial += 1
		bill = f"SINV-{serial}"
		if kind == "earn":
			rows.append(earn(f"E{serial}", size, day, bill, expiry_days))
			model.lots.append(ModelLot(day + days(expiry_days), size))
			model.sales[bill] = ModelSale(model.lots[-1], size, amount=size * 1000)
			bills.append(bill)
		elif kind == "redeem":
			if pick % 4 == 0 and model.balance(day):
				size = min(size, model.balance(day))  # she spends what she can
			if model.balance(day) < size:
				with pytest.raises(LoyaltyError):
					redeem(rows, size, day)
				continue
			before = lots(rows, day)
			rows.append(redeem(rows, size, day, f"R{serial}", bill))
			assert_first_to_lapse_spent_first(before, lots(rows, day), day)
			model.spends[bill] = []
			assert model.take(size, model.live(day), model.spends[bill]) == 0
			bills.append(bill)
		elif bills:
			chosen = bills[-1 - pick % min(len(bills), 8)]
			if kind == "return":
				give_back(rows, model, chosen, size, day, serial)
				bills.append(f"RET-{serial}")
			else:
				cancel_bill(rows, model, chosen, day)
		assert balance(rows, day) == model.balance(day)
		assert balance(rows, day) >= 0
		assert all(lot.remaining >= 0 for lot in lots(rows, day))


def give_back(rows: list[Movement], model: Model, bill: str, tenths: int, day: date, serial: int) -> None:
	"""She returns some tenths of a bill (what is left of it to return)."""
	sale = model.sales.get(bill)
	if not sale or sale.cancelled or sale.returned_amount >= sale.amount:
		return
	share = min((tenths % 10 + 1) * sale.amount // 10, sale.amount - sale.returned_amount)
	points = reverse_for_return(sale.earned, sale.amount, share, sale.returned_amount)
	expected = (
		sale.earned * (sale.returned_amount + share) // sale.amount
		- sale.earned * sale.returned_amount // sale.amount
	)
	assert points == expected
	points = min(points, sale.earned - sale.taken_back)
	sale.returned_amount += share
	if points:
		rows.append(reverse(rows, row_of(rows, bill), day, points, f"V{serial}", f"RET-{serial}"))
		sale.taken_back += points
		taken, forgiven = model.take_back(sale, points, day)
		model.returns[f"RET-{serial}"] = ModelReturn(sale, share, points, taken, forgiven)


def cancel_bill(rows: list[Movement], model: Model, bill: str, day: date) -> None:
	"""Cancel a sale, a spend or a return, as a shop may (a return only while its sale stands)."""
	sale, spent, returned = model.sales.get(bill), model.spends.pop(bill, None), model.returns.get(bill)
	if returned and returned.sale.cancelled:
		return
	rows += cancel(rows, bill, day)
	assert cancel(rows, bill, day) == []
	if sale and not sale.cancelled:
		sale.cancelled = True
		left = sale.earned - sale.taken_back
		if left:
			model.take_back(sale, left, day)
	elif spent is not None:
		model.refill(spent)
	elif returned:
		del model.returns[bill]
		sale = returned.sale
		sale.lot.owed = max(sale.lot.owed - returned.forgiven, 0)
		model.refill(returned.taken)
		sale.taken_back -= returned.points
		sale.returned_amount -= returned.share


def row_of(rows: list[Movement], voucher: str) -> str:
	return next(row.name for row in rows if row.voucher == voucher and row.kind == EARN)


def assert_first_to_lapse_spent_first(before, after, day: date) -> None:
	"""No lot gives points while a lot lapsing sooner still has some."""
	remaining_after = {lot.name: lot.remaining for lot in after}
	live = [lot for lot in before if lot.is_live(day)]
	for index, lot in enumerate(live):
		if remaining_after[lot.name] < lot.remaining:
			assert all(remaining_after[earlier.name] == 0 for earlier in live[:index])


@settings(max_examples=60, deadline=None)
@given(
	earned=st.integers(0, 10**6),
	amount=st.integers(1, 10**8),
	parts=st.lists(st.integers(0, 10**8), max_size=6),
)
def test_returns_in_any_parts_never_take_back_more_than_was_earned(earned, amount, parts):
	returned, taken = 0, 0
	for part in parts:
		step = reverse_for_return(earned, amount, part, returned)
		assert step >= 0
		taken += step
		returned += part
		assert taken == earned * min(returned, amount) // amount
	assert taken <= earned
