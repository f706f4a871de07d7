"""Loyalty as a jeweller runs it: points on the making charge and not on the gold, coins earn nothing,
points lapse a year after the sale, she spends the ones closest to lapsing first, a return takes back
its share, and her balance is never below nothing."""

import ast
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain import loyalty
from jewel_clienteling.domain.loyalty import (
	ADJUST,
	BASIS_NET_AMOUNT,
	BONUS,
	EARN,
	EXPIRE,
	REDEEM,
	REVERSE,
	EarningRules,
	InvoiceLine,
	LoyaltyError,
	Movement,
	Rate,
	balance,
	cancel,
	earn,
	expire_due,
	leaves_window_on,
	line_rate,
	line_weight,
	lots,
	points_for_invoice,
	redeem,
	reverse,
	reverse_for_return,
	tier_for,
	tier_recheck_on,
	year_before,
)

D = Decimal
DAY = date(2025, 3, 10)
NECKLACE = InvoiceLine("Necklaces", "Gold", D("120000"), D("18000"))
COIN = InvoiceLine("Gold Coins", "Gold", D("65000"), D("500"))
RULES = EarningRules()  # 1 point per 100 of making charge, coins and bullion excluded


def days(n: int) -> timedelta:
	return timedelta(days=n)


# --- earning ------------------------------------------------------------------------------------------


def test_a_lakh_twenty_necklace_with_18000_making_earns_180_points():
	assert points_for_invoice([NECKLACE], RULES, DAY) == 180


def test_a_gold_coin_earns_nothing():
	assert points_for_invoice([COIN], RULES, DAY) == 0
	assert points_for_invoice([NECKLACE, COIN], RULES, DAY) == 180


def test_bullion_is_excluded_by_metal_when_the_shop_says_so():
	rules = EarningRules(excluded_item_groups=frozenset(), excluded_metals=frozenset({"silver"}))
	bar = InvoiceLine("Bars", "Silver", D("90000"), D("1000"))
	assert points_for_invoice([bar, NECKLACE], rules, DAY) == 180


def test_part_of_a_hundred_earns_nothing_extra():
	line = InvoiceLine("Rings", "Gold", D("30000"), D("4599.99"))
	assert points_for_invoice([line], RULES, DAY) == 45


def test_on_net_amount_the_gold_earns_too():
	rules = EarningRules(basis=BASIS_NET_AMOUNT)
	assert points_for_invoice([NECKLACE], rules, DAY) == 1200


def test_her_birthday_month_doubles_the_points():
	rules = EarningRules(birthday_multiplier=D(2))
	assert points_for_invoice([NECKLACE], rules, DAY, birthday_month=DAY.month) == 360
	assert points_for_invoice([NECKLACE], rules, DAY, birthday_month=DAY.month + 1) == 180
	assert points_for_invoice([NECKLACE], rules, DAY, birthday_month=None) == 180


def test_a_small_bill_below_the_minimum_earns_nothing():
	rules = EarningRules(min_invoice_amount=D(5000))
	studs = InvoiceLine("Earrings", "Gold", D("4999"), D("900"))
	assert points_for_invoice([studs], rules, DAY) == 0
	assert points_for_invoice([studs, InvoiceLine("Earrings", "Gold", D(1), D(100))], rules, DAY) == 10


def test_a_richer_rate_earns_proportionally():
	assert points_for_invoice([NECKLACE], EarningRules(points_per_100=D("2.5")), DAY) == 450


def test_diamonds_earn_at_their_own_rate_and_a_rate_of_nothing_excludes_a_line():
	ring = InvoiceLine("Rings", "Platinum", D("90000"), D("10000"), fields={"stone": "Diamond"})
	rules = EarningRules(
		excluded_item_groups=frozenset(),
		rates=(
			Rate("Item Field", " diamond ", 3, field_name="stone"),
			Rate("Item Group", "gold coins", 0),
			Rate("Metal", "Platinum", 2),
		),
	)
	# 10,000 making at 3 per 100 (the stone rule comes first) + 18,000 at the usual 1 per 100, coin 0
	assert points_for_invoice([ring, NECKLACE, COIN], rules, DAY) == 300 + 180
	assert line_rate(InvoiceLine("Rings", "Platinum", D(1), D(1)), rules) == 2
	assert line_rate(InvoiceLine("Rings", "", D(1), D(1), fields={"stone": ""}), rules) == 1


def test_a_rate_on_an_item_field_she_does_not_have_does_not_match():
	rules = EarningRules(rates=(Rate("Item Field", "", 5, field_name="stone"), Rate("Colour", "Rose", 9)))
	assert points_for_invoice([NECKLACE], rules, DAY) == 180


def test_a_returned_coin_weighs_nothing_and_a_returned_necklace_weighs_its_making():
	assert line_weight(COIN, RULES) == 0
	assert line_weight(NECKLACE, RULES) == D("18000")
	earned = points_for_invoice([NECKLACE, COIN], RULES, DAY)
	whole = line_weight(NECKLACE, RULES) + line_weight(COIN, RULES)
	assert reverse_for_return(earned, whole, line_weight(COIN, RULES)) == 0
	assert reverse_for_return(earned, whole, line_weight(NECKLACE, RULES)) == earned


# --- the ledger ---------------------------------------------------------------------------------------


def test_points_lapse_a_year_after_the_sale_and_the_job_expires_them_once():
	rows = [earn("E1", 180, DAY, "SINV-1")]
	lapse = DAY + days(365)
	assert balance(rows, lapse - days(1)) == 180
	assert expire_due(rows, lapse - days(1)) == []
	assert balance(rows, lapse) == 0
	due = expire_due(rows, lapse)
	assert [(m.kind, m.points, m.against, m.posting_date) for m in due] == [(EXPIRE, D(-180), "E1", lapse)]
	rows += due
	assert expire_due(rows, lapse) == []
	assert balance(rows, lapse + days(30)) == 0


def test_she_spends_the_points_closest_to_lapsing_first():
	rows = [earn("E1", 100, DAY, "SINV-1"), earn("E2", 300, DAY + days(100), "SINV-2")]
	rows.append(redeem(rows, 150, DAY + days(120), "R1", "SINV-3"))
	assert [(lot.name, lot.remaining) for lot in lots(rows, DAY + days(120))] == [("E1", 0), ("E2", 250)]
	# the older lot lapses empty: nothing of hers is lost that she did not already spend
	assert expire_due(rows, DAY + days(365)) == []
	assert balance(rows, DAY + days(365)) == 250


def test_a_redemption_beyond_her_balance_is_refused_with_a_reason():
	rows = [earn("E1", 180, DAY, "SINV-1")]
	assert redeem(rows, 180, DAY).points == -180
	with pytest.raises(LoyaltyError) as refused:
		redeem(rows, 181, DAY)
	assert refused.value.reason == "insufficient_balance"
	with pytest.raises(LoyaltyError) as refused:
		redeem(rows, 0, DAY)
	assert refused.value.reason == "not_positive"


def test_lapsed_points_cannot_be_spent():
	rows = [earn("E1", 180, DAY, "SINV-1", expiry_days=30)]
	assert balance(rows, DAY + days(29)) == 180
	with pytest.raises(LoyaltyError) as refused:
		redeem(rows, 1, DAY + days(30))
	assert refused.value.reason == "insufficient_balance"


def test_a_return_of_half_the_invoice_takes_back_half_the_points():
	assert reverse_for_return(180, D(120000), D(60000)) == 90
	rows = [earn("E1", 180, DAY, "SINV-1")]
	rows.append(reverse(rows, "E1", DAY + days(5), reverse_for_return(180, 120000, 60000), "RV1", "RET-1"))
	assert rows[-1].points == -90
	assert balance(rows, DAY + days(5)) == 90


def test_a_sale_returned_in_three_parts_takes_back_exactly_what_it_earned():
	parts = [D(40000)] * 3
	returned, taken = D(0), 0
	for part in parts:
		taken += reverse_for_return(100, D(120000), part, already_returned=returned)
		returned += part
	assert taken == 100


def test_a_return_never_takes_back_more_than_was_earned():
	assert reverse_for_return(180, 120000, 500000) == 180
	assert reverse_for_return(180, 0, 1000) == 0
	rows = [earn("E1", 180, DAY, "SINV-1")]
	assert reverse(rows, "E1", DAY, 999).points == -180


def test_cancelling_an_invoice_reverses_everything_it_moved_once():
	rows = [earn("E1", 500, DAY, "SINV-1")]
	rows += [earn("E2", 200, DAY + days(1), "SINV-2"), redeem(rows, 300, DAY + days(1), "R1", "SINV-2")]
	assert balance(rows, DAY + days(1)) == 400
	reversals = cancel(rows, "SINV-2", DAY + days(2))
	assert sorted((m.against, m.points) for m in reversals) == [("E2", D(-200)), ("R1", D(300))]
	rows += reversals
	assert balance(rows, DAY + days(2)) == 500
	assert cancel(rows, "SINV-2", DAY + days(2)) == []


def test_a_return_after_she_spent_the_points_takes_them_from_her_other_points_not_below_nothing():
	rows = [earn("E1", 100, DAY, "SINV-1"), earn("E2", 30, DAY + days(1), "SINV-2")]
	rows.append(redeem(rows, 100, DAY + days(2), "R1", "SINV-3"))
	rows.append(reverse(rows, "E1", DAY + days(3), name="RV1", voucher="RET-1"))
	assert balance(rows, DAY + days(3)) == 0
	# she then cancels the bill she paid with those points: she gets back only what was hers
	rows += cancel(rows, "SINV-3", DAY + days(4))
	assert balance(rows, DAY + days(4)) == 30


def test_cancelling_a_return_gives_the_points_back():
	rows = [earn("E1", 180, DAY, "SINV-1")]
	rows.append(reverse(rows, "E1", DAY + days(1), 90, "RV1", "RET-1"))
	rows += cancel(rows, "RET-1", DAY + days(2))
	assert balance(rows, DAY + days(2)) == 180


def test_a_return_undone_before_the_spend_is_cancelled_gives_her_points_back_whole():
	rows = [earn("E1", 100, DAY, "SINV-1")]
	rows.append(redeem(rows, 100, DAY, "R1", "SINV-2"))
	rows.append(reverse(rows, "E1", DAY + days(1), name="RV1", voucher="RET-1"))
	rows += cancel(rows, "RET-1", DAY + days(2))
	assert [lot.owed for lot in lots(rows, DAY + days(2))] == [0]
	rows += cancel(rows, "SINV-2", DAY + days(3))
	assert balance(rows, DAY + days(3)) == 100


def test_the_ledger_refuses_rows_with_the_wrong_sign_or_no_lapse_day():
	for kind, points, expiry in ((EARN, -5, DAY), (REDEEM, 5, None), (BONUS, 5, None), (ADJUST, 0, DAY)):
		with pytest.raises(LoyaltyError) as refused:
			Movement("X", kind, points, DAY, expiry)
		assert refused.value.reason == "invalid_movement"
	with pytest.raises(LoyaltyError) as refused:
		Movement("X", REVERSE, 5, DAY)
	assert refused.value.reason == "invalid_movement"


def test_a_manager_adjustment_takes_from_the_oldest_points_and_a_bonus_is_a_lot():
	rows = [earn("E1", 100, DAY, "SINV-1"), earn("B1", 50, DAY + days(1), kind=BONUS, expiry_days=90)]
	rows.append(Movement("A1", ADJUST, -120, DAY + days(2)))
	assert [(lot.name, lot.remaining) for lot in lots(rows, DAY + days(2))] == [("B1", 0), ("E1", 30)]


def test_an_expiry_can_not_be_reversed():
	rows = [earn("E1", 10, DAY, "SINV-1", expiry_days=1)]
	rows += [Movement("X1", EXPIRE, -10, DAY + days(1), against="E1")]
	with pytest.raises(LoyaltyError) as refused:
		reverse(rows, "X1", DAY + days(2))
	assert refused.value.reason == "not_reversible"


# --- tiers --------------------------------------------------------------------------------------------


def test_tier_by_what_she_spent_in_the_last_twelve_months():
	today = date(2025, 6, 30)
	spend = {date(2024, 6, 30): D(900000), date(2024, 7, 1): D(150000), date(2025, 6, 1): D(100000)}
	assert tier_for(spend, today) == "Gold"
	assert tier_for(spend, date(2025, 7, 1)) == "Silver"
	assert tier_for(spend, date(2024, 6, 30)) == "Platinum"
	assert tier_for({}, today) == ""


def test_a_return_counts_against_her_tier_and_thresholds_are_the_shops():
	today = date(2025, 6, 30)
	spend = [(date(2025, 1, 5), D(600000)), (date(2025, 2, 1), D(-200000))]
	assert tier_for(spend, today) == "Gold"
	assert tier_for(spend, today, [("Diamond", 400000), ("Pearl", 1)]) == "Diamond"


# --- purity -------------------------------------------------------------------------------------------


def test_the_loyalty_rules_never_import_frappe():
	files = sorted(Path(loyalty.__file__).parent.glob("*.py"))
	assert len(files) > 1
	for path in files:
		tree = ast.parse(path.read_text())
		modules = [
			alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
		]
		modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
		assert modules, path
		assert not [name for name in modules if name.split(".")[0] == "frappe"], path


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


@given(
	sales=st.lists(
		st.tuples(st.dates(date(2023, 1, 1), date(2026, 12, 31)), st.integers(1, 300000)), min_size=1
	),
	today=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
)
def test_her_tier_only_changes_on_the_day_the_recheck_names(sales, today):
	"""Walking day by day without new sales, the tier first differs on the recheck day or later, never
	before it; and on that day the sale that left is no longer counted."""
	thresholds = (("Silver", 1), ("Gold", 300000))
	recheck = tier_recheck_on([day for day, _ in sales], today)
	past = [(day, amount) for day, amount in sales if day <= today]
	tier_today = tier_for(past, today, thresholds)
	if recheck is None:
		assert tier_today == ""
		return
	assert recheck > today
	day = today
	while day < recheck - days(1):
		day += days(1)
		assert tier_for(past, day, thresholds) == tier_today
	leaving = [d for d, _ in past if year_before(today) < d <= today and leaves_window_on(d) == recheck]
	assert leaving
	assert all(not (year_before(recheck) < d <= recheck) for d in leaving)


def test_a_leap_day_sale_leaves_her_window_on_the_first_of_march():
	assert leaves_window_on(date(2024, 2, 29)) == date(2025, 3, 1)
	assert tier_for([(date(2024, 2, 29), 60000)], date(2025, 2, 28)) == "Silver"
	assert tier_for([(date(2024, 2, 29), 60000)], date(2025, 3, 1)) == ""
