"""Loyalty as a jeweller runs it: points on the making charge and not on the gold, coins earn nothing,
points lapse a year after the sale, she spends the ones closest to lapsing first, a return takes back
its share, and her balance is never below nothing."""

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

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
	line_rate,
	line_weight,
	lots,
	points_for_invoice,
	redeem,
	reverse,
	reverse_for_return,
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
