"""Money moves once: each movement that must happen once has a key the database holds unique. These
are the keys' rules: what each is made of, that they fit the column and never mistake one movement
for another, and the keys of a ledger written before keys (with the rows it posted twice)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.loyalty import (
	ADJUST,
	BONUS,
	EXPIRE,
	REVERSE,
	SOURCE_MANUAL,
	SOURCE_OPENING,
	SOURCE_REFERRAL,
	SOURCE_REVIEW,
	SOURCE_SALE,
	Movement,
	cancel,
	earn,
	expire_due,
	keys,
	redeem,
	referral_due,
	reverse,
)
from jewel_clienteling.domain.loyalty.backfill import PastRow, keys_for_past_rows, natural_key

DAY = date(2025, 3, 10)
SALE = "POS Invoice::ACC-PSINV-2025-00001"
RETURN = "POS Invoice::ACC-PSINV-2025-00002"


def days(n: int) -> timedelta:
	return timedelta(days=n)


# --- the format ---------------------------------------------------------------------------------------


def test_a_key_names_the_movement_and_what_makes_it_unique_readably():
	assert keys.earning(SALE) == "Earn|POS Invoice::ACC-PSINV-2025-00001"
	assert keys.redemption(SALE) == "Redeem|POS Invoice::ACC-PSINV-2025-00001"
	assert keys.review(SALE) == "Review|POS Invoice::ACC-PSINV-2025-00001"
	assert keys.reversal(RETURN, "a1b2c3") == "Reverse|POS Invoice::ACC-PSINV-2025-00002|a1b2c3"
	assert keys.expiry("a1b2c3") == "Expire|a1b2c3|0"
	assert keys.expiry("a1b2c3", 1) == "Expire|a1b2c3|1"
	assert keys.referral("CUST-0001") == "Referral|CUST-0001|0"
	assert keys.opening("CUST-0001", date(2026, 1, 31)) == "Opening|CUST-0001|2026-01-31"
	assert keys.opening("CUST-0001", None) == "Opening|CUST-0001|never"
	assert keys.correction("a1b2c3") == "Correction|a1b2c3"


def test_the_same_invoice_gives_each_movement_its_own_key():
	made = [keys.earning(SALE), keys.redemption(SALE), keys.review(SALE), keys.reversal(SALE, "x")]
	assert len(set(made)) == len(made)


def test_a_key_of_nothing_is_refused_because_every_such_movement_would_share_it():
	for bad in ("", None):
		with pytest.raises(ValueError):
			keys.earning(bad or "")
	with pytest.raises(ValueError):
		keys.once_key("Earn")
	with pytest.raises(ValueError):
		keys.once_key("Ea|rn", "x")


def test_a_long_or_ambiguous_key_becomes_a_digest_that_still_fits():
	long_name = "Sales Invoice::" + "Ā" * 200
	key = keys.earning(long_name)
	assert key.startswith("Earn|#") and len(key) <= keys.ONCE_KEY_LENGTH
	# "a|b" + "c" and "a" + "b|c" are different movements although they join alike
	assert keys.reversal("a|b", "c") != keys.reversal("a", "b|c")
	assert keys.reversal("a|b", "c").startswith("Reverse|#")


parts = st.text(min_size=1, max_size=160)


@given(st.lists(parts, min_size=1, max_size=3), st.lists(parts, min_size=1, max_size=3))
def test_keys_always_fit_the_column_and_differ_when_their_parts_differ(first, second):
	a, b = keys.once_key("Earn", *first), keys.once_key("Earn", *second)
	assert len(a) <= keys.ONCE_KEY_LENGTH and len(b) <= keys.ONCE_KEY_LENGTH
	assert (a == b) == (first == second)


@given(st.text(min_size=1, max_size=60), st.integers(min_value=0, max_value=5))
def test_every_kind_of_key_is_distinct_from_every_other(name, count):
	made = {
		keys.earning(name),
		keys.redemption(name),
		keys.review(name),
		keys.reversal(name, name),
		keys.expiry(name, count),
		keys.referral(name, count),
		keys.opening(name, DAY),
		keys.correction(name),
	}
	assert len(made) == 8


# --- the movements carry their keys -------------------------------------------------------------------


def test_an_invoice_earns_and_redeems_once_and_a_bonus_has_the_key_its_caller_gives():
	earned = earn("E1", 180, DAY, SALE)
	assert earned.key == keys.earning(SALE)
	assert redeem([earned], 50, DAY, "R1", SALE).key == keys.redemption(SALE)
	assert earn("B1", 100, DAY, SALE, kind=BONUS).key == ""
	assert earn("B1", 100, DAY, SALE, kind=BONUS, key=keys.review(SALE)).key == keys.review(SALE)
	# a sale without a voucher (a test or a by-hand lot) may repeat
	assert earn("E2", 10, DAY).key == ""
	assert redeem([earned], 5, DAY).key == ""


def test_a_return_or_a_cancellation_reverses_each_row_once():
	rows = [earn("E1", 180, DAY, SALE)]
	rows.append(redeem(rows, 50, DAY, "R1", SALE))
	back = reverse(rows, "E1", DAY + days(1), 90, "V1", RETURN)
	assert back.key == keys.reversal(RETURN, "E1")
	assert [move.key for move in cancel(rows, SALE, DAY + days(2))] == [
		keys.reversal(SALE, "E1"),
		keys.reversal(SALE, "R1"),
	]
	assert reverse(rows, "E1", DAY, 1, "V2", RETURN, key=keys.correction("E1")).key == "Correction|E1"


def test_a_lot_lapses_once_and_points_given_back_after_it_lapsed_lapse_as_its_next_expiry():
	rows = [earn("E1", 180, DAY, SALE, expiry_days=30)]
	rows.append(redeem(rows, 100, DAY + days(5), "R1", "POS Invoice::SPEND"))
	(lapse,) = expire_due(rows, DAY + days(30))
	assert (lapse.points, lapse.key) == (Decimal(-80), keys.expiry("E1", 0))
	rows.append(Movement("X1", EXPIRE, lapse.points, lapse.posting_date, against="E1", key=lapse.key))
	assert expire_due(rows, DAY + days(31)) == []
	# the spend is cancelled after the lot lapsed: its 100 points go back to the lot, which has lapsed
	rows += cancel(rows, "POS Invoice::SPEND", DAY + days(40))
	(again,) = expire_due(rows, DAY + days(40))
	assert (again.points, again.key) == (Decimal(-100), keys.expiry("E1", 1))


def test_a_referral_is_paid_once_per_friend_unless_taken_back():
	assert referral_due([], "FRIEND") == keys.referral("FRIEND", 0)
	paid = earn("B1", 500, DAY, SALE, kind=BONUS, key=keys.referral("FRIEND", 0))
	rows = [paid]
	assert referral_due(rows, "FRIEND") == ""
	assert referral_due(rows, "ANOTHER FRIEND") == keys.referral("ANOTHER FRIEND", 0)
	rows += cancel(rows, SALE, DAY + days(1))
	assert referral_due(rows, "FRIEND") == keys.referral("FRIEND", 1)


# --- a ledger written before keys ---------------------------------------------------------------------


def past(move: Movement, source: str, customer: str = "CUST-1", referred: str = "") -> PastRow:
	return PastRow(move, customer, source, referred)


def test_past_rows_get_the_keys_they_would_have_had_and_repeats_are_found():
	sale = earn("E1", 180, DAY, SALE)
	review = earn("B1", 100, DAY, SALE, kind=BONUS)
	review_again = earn("B2", 100, DAY, SALE, kind=BONUS)
	by_hand = Movement("A1", ADJUST, 25, DAY, DAY + days(365))
	by_hand_again = Movement("A2", ADJUST, 25, DAY, DAY + days(365))
	opening = Movement("O1", ADJUST, 40, DAY, DAY + days(100))
	rows = [
		past(sale, SOURCE_SALE),
		past(review, SOURCE_REVIEW),
		past(review_again, SOURCE_REVIEW),
		past(by_hand, SOURCE_MANUAL),
		past(by_hand_again, SOURCE_MANUAL),
		past(opening, SOURCE_OPENING),
	]
	keyed, repeats = keys_for_past_rows(rows)
	assert keyed == {
		"E1": keys.earning(SALE),
		"B1": keys.review(SALE),
		"O1": keys.opening("CUST-1", DAY + days(100)),
	}
	assert [(r.row.movement.name, r.first, r.key) for r in repeats] == [("B2", "B1", keys.review(SALE))]


def test_past_expiries_count_and_past_referrals_repeat_only_while_one_stands():
	lot = earn("E1", 100, DAY, SALE, expiry_days=10)
	first = Movement("X1", EXPIRE, -40, DAY + days(10), against="E1")
	second = Movement("X2", EXPIRE, -60, DAY + days(20), against="E1")
	paid = earn("B1", 500, DAY, SALE, kind=BONUS)
	twice = earn("B2", 500, DAY, "POS Invoice::OTHER", kind=BONUS)
	taken_back = Movement("V1", REVERSE, -500, DAY + days(1), voucher=SALE, against="B1")
	again = earn("B3", 500, DAY + days(2), "POS Invoice::REBILLED", kind=BONUS)
	rows = [
		past(lot, SOURCE_SALE),
		past(first, "Expiry"),
		past(second, "Expiry"),
		past(paid, SOURCE_REFERRAL, "REFERRER", "FRIEND"),
		past(twice, SOURCE_REFERRAL, "REFERRER", "FRIEND"),
		past(taken_back, "Cancellation", "REFERRER"),
		past(again, SOURCE_REFERRAL, "REFERRER", "FRIEND"),
	]
	keyed, repeats = keys_for_past_rows(rows)
	assert keyed["X1"] == keys.expiry("E1", 0)
	assert keyed["X2"] == keys.expiry("E1", 1)
	assert keyed["B1"] == keys.referral("FRIEND", 0)
	assert keyed["V1"] == keys.reversal(SALE, "B1")
	# B2 was paid while B1 stood: a repeat. B1 was taken back later, so B3 (a re-billed first sale) is the next
	assert [(r.row.movement.name, r.first) for r in repeats] == [("B2", "B1")]
	assert keyed["B3"] == keys.referral("FRIEND", 1)


def test_a_row_by_hand_has_no_natural_key():
	assert natural_key(past(Movement("A1", ADJUST, -5, DAY), SOURCE_MANUAL)) == ""
	assert natural_key(past(earn("B1", 5, DAY, kind=BONUS), SOURCE_MANUAL)) == ""


def test_rows_posted_with_keys_keep_them_and_the_rows_without_are_keyed_around_them():
	lot = earn("E1", 100, DAY, SALE, expiry_days=10)
	lapsed = expire_due([lot], DAY + days(10))[0]
	keyed_expiry = Movement("X1", EXPIRE, lapsed.points, lapsed.posting_date, against="E1", key=lapsed.key)
	unkeyed_review = earn("B1", 100, DAY, SALE, kind=BONUS)
	keyed_review = earn("B2", 100, DAY, SALE, kind=BONUS, key=keys.review(SALE))
	keyed, repeats = keys_for_past_rows(
		[
			past(lot, SOURCE_SALE),
			past(keyed_expiry, "Expiry"),
			past(keyed_review, SOURCE_REVIEW),
			past(unkeyed_review, SOURCE_REVIEW),
		]
	)
	assert keyed == {"E1": keys.earning(SALE), "X1": keys.expiry("E1", 0), "B2": keys.review(SALE)}
	assert [(r.row.movement.name, r.first) for r in repeats] == [("B1", "B2")]


@given(st.lists(st.sampled_from(["sale", "review", "referral", "expire", "adjust"]), max_size=25))
def test_no_two_past_rows_ever_get_the_same_key(steps):
	rows = []
	for serial, step in enumerate(steps):
		name, voucher = f"R{serial}", f"POS Invoice::{serial % 3}"
		if step == "sale":
			rows.append(past(earn(name, 10, DAY, voucher), SOURCE_SALE))
		elif step == "review":
			rows.append(past(earn(name, 10, DAY, voucher, kind=BONUS), SOURCE_REVIEW))
		elif step == "referral":
			rows.append(past(earn(name, 10, DAY, voucher, kind=BONUS), SOURCE_REFERRAL, referred="FRIEND"))
		elif step == "expire":
			rows.append(past(Movement(name, EXPIRE, -1, DAY, against="R0"), "Expiry"))
		else:
			rows.append(past(Movement(name, ADJUST, 5, DAY, DAY + days(9)), SOURCE_MANUAL))
	keyed, repeats = keys_for_past_rows(rows)
	assert len(set(keyed.values())) == len(keyed)
	assert not set(keyed) & {r.row.movement.name for r in repeats}
	assert all(r.first in keyed and keyed[r.first] == r.key for r in repeats)
