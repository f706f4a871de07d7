"""Preferences inferred from what she kept: repeat purchases strengthen a taste, time fades it, and her
sizes and budget are whatever she bought most recently for herself."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.preferences import (
	SINGLE_VALUED,
	PurchaseLine,
	budget_band,
	group_digits,
	infer_preferences,
	kept_lines,
	median,
)
from tests.preferences_helpers import (
	TODAY,
	line,
)


def by_value(prefs, dimension):
	return {pref.value: pref for pref in prefs if pref.dimension == dimension}


# --- inference ------------------------------------------------------------------------------------


def test_a_second_purchase_of_the_same_metal_raises_its_score():
	once = by_value(infer_preferences([line("SINV-1", 30)], TODAY), "Metal")["Gold"]
	twice = by_value(infer_preferences([line("SINV-1", 30), line("SINV-2", 20)], TODAY), "Metal")["Gold"]
	assert twice.score > once.score
	assert (once.purchases, twice.purchases) == (1, 2)


def test_two_gold_pieces_on_one_invoice_are_one_purchase_of_gold():
	lines = [line("SINV-1", 30, item="RING-1"), line("SINV-1", 30, item="RING-2")]
	gold = by_value(infer_preferences(lines, TODAY), "Metal")["Gold"]
	single = by_value(infer_preferences(lines[:1], TODAY), "Metal")["Gold"]
	assert gold.purchases == 1
	assert gold.score == single.score


def test_a_three_year_old_purchase_scores_less_than_a_new_one():
	old = by_value(infer_preferences([line("SINV-1", 3 * 365)], TODAY), "Metal")["Gold"]
	new = by_value(infer_preferences([line("SINV-2", 3)], TODAY), "Metal")["Gold"]
	assert old.score < new.score


def test_a_purchase_from_long_ago_is_forgotten_below_the_minimum_score():
	assert infer_preferences([line("SINV-1", 10 * 365)], TODAY, half_life_days=365, min_score=0.1) == []


def test_the_last_seen_date_is_the_latest_purchase_of_that_value():
	gold = by_value(infer_preferences([line("SINV-1", 300), line("SINV-2", 40)], TODAY), "Metal")["Gold"]
	assert gold.last_seen == TODAY - timedelta(days=40)


def test_strongest_preferences_come_first():
	lines = [
		line("SINV-1", 400, dimensions={"Metal": "Platinum"}),
		line("SINV-2", 5, dimensions={"Metal": "Gold"}),
		line("SINV-3", 6, dimensions={"Metal": "Gold"}),
	]
	assert [pref.value for pref in infer_preferences(lines, TODAY)] == ["Gold", "Platinum"]


def test_her_ring_size_is_the_latest_ring_she_bought_for_herself():
	lines = [line("SINV-1", 200, size="12"), line("SINV-2", 20, size=" 13 ")]
	sizes = by_value(infer_preferences(lines, TODAY), "Ring Size")
	assert list(sizes) == ["13"]


def test_two_rings_for_herself_on_one_day_give_one_ring_size_whatever_the_order():
	lines = [line("SINV-1", 5, item="RING-1", size="12"), line("SINV-2", 5, item="RING-2", size="14")]
	forwards = by_value(infer_preferences(lines, TODAY), "Ring Size")
	backwards = by_value(infer_preferences(lines[::-1], TODAY), "Ring Size")
	assert list(forwards) == list(backwards) == ["14"]  # the later invoice of the day


def test_a_ring_bought_as_a_gift_does_not_tell_her_ring_size():
	lines = [line("SINV-1", 200, size="12"), line("SINV-2", 20, size="16", for_self=False)]
	assert list(by_value(infer_preferences(lines, TODAY), "Ring Size")) == ["12"]


def test_a_returned_ring_does_not_tell_her_ring_size():
	lines = [
		line("SINV-1", 200, size="12"),
		line("SINV-2", 20, size="14"),
		line("SINV-R2", 10, qty=-1, against="SINV-2"),
	]
	assert list(by_value(infer_preferences(lines, TODAY), "Ring Size")) == ["12"]


def test_earrings_carry_no_ring_size():
	earrings = {"Category": "Earrings", "Metal": "Gold"}
	assert (
		by_value(infer_preferences([line("SINV-1", 5, dimensions=earrings, size="M")], TODAY), "Ring Size")
		== {}
	)


def test_her_budget_band_is_the_median_of_her_tickets():
	tickets = [
		(TODAY - timedelta(days=90), Decimal(20000)),
		(TODAY - timedelta(days=60), Decimal(60000)),
		(TODAY - timedelta(days=30), Decimal(500000)),
	]
	band = by_value(infer_preferences([], TODAY, tickets=tickets), "Budget Band")
	assert list(band) == ["25,000 to 1,00,000"]
	assert band["25,000 to 1,00,000"].purchases == 3
	assert band["25,000 to 1,00,000"].last_seen == TODAY - timedelta(days=30)


def test_refunded_tickets_do_not_count_towards_her_budget():
	tickets = [(TODAY, Decimal(0)), (TODAY, Decimal(-5000)), (TODAY - timedelta(days=3), 150000)]
	assert list(by_value(infer_preferences([], TODAY, tickets=tickets), "Budget Band")) == [
		"1,00,000 to 3,00,000"
	]


@pytest.mark.parametrize(
	("ticket", "label"),
	[
		(0, "Under 25,000"),
		(24999.99, "Under 25,000"),
		(25000, "25,000 to 1,00,000"),
		(Decimal("99999.99"), "25,000 to 1,00,000"),
		(100000, "1,00,000 to 3,00,000"),
		(999999, "3,00,000 to 10,00,000"),
		(1000000, "10,00,000 and above"),
		(25000000, "10,00,000 and above"),
	],
)
def test_budget_bands_are_labelled_as_a_jeweller_says_them(ticket, label):
	assert budget_band(ticket) == label


@pytest.mark.parametrize(
	("amount", "text"),
	[
		(0, "0"),
		(999, "999"),
		(1000, "1,000"),
		(25000, "25,000"),
		(100000, "1,00,000"),
		(12345678, "1,23,45,678"),
	],
)
def test_amounts_are_grouped_in_lakhs_and_crores(amount, text):
	assert group_digits(amount) == text


@given(amount=st.integers(0, 10**15))
def test_grouped_digits_read_back_as_the_amount(amount):
	text = group_digits(amount)
	groups = text.split(",")
	assert int(text.replace(",", "")) == amount
	assert len(groups[-1]) <= 3
	assert all(len(group) == 2 for group in groups[1:-1])
	assert 1 <= len(groups[0]) <= (3 if len(groups) == 1 else 2)


def test_median_of_odd_and_even_counts():
	assert median([Decimal(5), Decimal(1), Decimal(3)]) == 3
	assert median([Decimal(4), Decimal(1), Decimal(3), Decimal(2)]) == Decimal("2.5")


# --- properties -----------------------------------------------------------------------------------

CATEGORIES = ("Rings", "Bangles", "Necklaces", "Earrings")
METALS = ("Gold", "Platinum", "Silver")
STONES = ("Diamond", "Polki", "Ruby", None)
SIZES = ("12", "14", "16", None)


@st.composite
def catalogues(draw):
	"""A few items; an item code always carries the same facts, as in the Item master."""
	catalogue = {}
	for number in range(draw(st.integers(1, 5))):
		dimensions = {"Category": draw(st.sampled_from(CATEGORIES)), "Metal": draw(st.sampled_from(METALS))}
		stone = draw(st.sampled_from(STONES))
		if stone:
			dimensions["Stone"] = stone
		catalogue[f"ITEM-{number}"] = (dimensions, draw(st.sampled_from(SIZES)))
	return catalogue


@st.composite
def purchase_histories(draw):
	"""Invoices over five years, some lines returned (fully or partly) by later return invoices."""
	catalogue = draw(catalogues())
	lines = []
	for number in range(draw(st.integers(0, 8))):
		invoice = f"SINV-{number:03d}"
		posted = TODAY - timedelta(days=draw(st.integers(0, 5 * 365)))
		for_self = draw(st.booleans())
		for item in draw(st.lists(st.sampled_from(sorted(catalogue)), min_size=1, max_size=3)):
			dimensions, size = catalogue[item]
			qty = draw(st.integers(1, 3))
			lines.append(PurchaseLine(invoice, posted, item, qty, dimensions, size, for_self))
			returned = draw(st.integers(0, qty))
			if returned:
				when = posted + timedelta(days=draw(st.integers(0, (TODAY - posted).days)))
				lines.append(
					PurchaseLine(f"{invoice}-R", when, item, -returned, dimensions, size, for_self, invoice)
				)
	return lines


@settings(max_examples=100)
@given(data=st.data(), lines=purchase_histories())
def test_inference_does_not_depend_on_the_order_of_her_lines(data, lines):
	shuffled = data.draw(st.permutations(lines))
	assert infer_preferences(shuffled, TODAY) == infer_preferences(lines, TODAY)


@given(lines=purchase_histories(), min_score=st.sampled_from([0.0, 0.1, 0.3]))
def test_every_inferred_preference_is_recent_enough_and_backed_by_kept_purchases(lines, min_score):
	prefs = infer_preferences(lines, TODAY, min_score=min_score)
	kept = kept_lines(lines)
	kept_invoices = {kept_line.invoice for kept_line in kept}
	for pref in prefs:
		assert min_score <= pref.score
		assert 1 <= pref.purchases <= len(kept_invoices)
		assert pref.last_seen is not None and pref.last_seen <= TODAY
		if pref.dimension not in SINGLE_VALUED:
			assert pref.score <= pref.purchases
			assert any(kept_line.dimensions.get(pref.dimension) == pref.value for kept_line in kept)
	assert [p.score for p in prefs] == sorted((p.score for p in prefs), reverse=True)


@given(lines=purchase_histories())
def test_at_most_one_size_per_dimension_and_only_from_pieces_she_kept_for_herself(lines):
	sizes = [pref for pref in infer_preferences(lines, TODAY, min_score=0) if pref.dimension in SINGLE_VALUED]
	assert len({pref.key for pref in sizes}) == len(sizes)
	for pref in sizes:
		assert any(
			kept_line.for_self and kept_line.size == pref.value and kept_line.posting_date == pref.last_seen
			for kept_line in kept_lines(lines)
		)


@given(lines=purchase_histories(), later=st.integers(1, 3 * 365))
def test_with_no_new_purchase_every_preference_only_fades(lines, later):
	now = {pref.key: pref.score for pref in infer_preferences(lines, TODAY, min_score=0)}
	after = infer_preferences(lines, TODAY + timedelta(days=later), min_score=0)
	assert {pref.key for pref in after} == set(now)
	for pref in after:
		assert pref.score <= now[pref.key]


@given(lines=purchase_histories(), metal=st.sampled_from(METALS), days_ago=st.integers(0, 5 * 365))
def test_another_kept_purchase_of_a_metal_always_strengthens_it(lines, metal, days_ago):
	before = by_value(infer_preferences(lines, TODAY, min_score=0), "Metal")
	extra = PurchaseLine("SINV-NEW", TODAY - timedelta(days=days_ago), "ITEM-NEW", 1, {"Metal": metal})
	after = by_value(infer_preferences([*lines, extra], TODAY, min_score=0), "Metal")
	assert after[metal].score > (before[metal].score if metal in before else 0)
	assert after[metal].purchases == (before[metal].purchases if metal in before else 0) + 1
