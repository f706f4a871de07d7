"""Walk-ins as a jeweller handles them: when to write to her after a visit, depending on why she did
not buy and on the occasion she is buying for; her budget checked; what she liked remembered."""

import ast
import inspect
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import walk_ins
from jewel_clienteling.domain.outreach import MARKETING, PRIORITY, PURPOSE, WALK_IN_FOLLOW_UP
from jewel_clienteling.domain.preferences import DEFAULT_SOURCES, ItemFacts
from jewel_clienteling.domain.walk_ins import (
	COMPARING,
	DESIGN_NOT_FOUND,
	JUST_BROWSING,
	OTHER,
	PRICE,
	REASONS_NOT_BOUGHT,
	SIZE_NOT_AVAILABLE,
	WITH_FAMILY,
	WalkInError,
	WishlistItem,
	check_budget,
	clean_wishlist,
	follow_up_date,
	is_recent,
	message_context,
	wishlist_preferences,
)

VISIT = date(2027, 3, 10)


def test_the_domain_never_imports_frappe():
	tree = ast.parse(inspect.getsource(walk_ins))
	imported = {
		(node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
		for node in ast.walk(tree)
		if isinstance(node, ast.Import | ast.ImportFrom)
		for alias in node.names
	}
	assert "frappe" not in imported


def test_reasons_are_spelled_as_in_the_doctype():
	assert REASONS_NOT_BOUGHT == (
		"Price",
		"Design not found",
		"Size not available",
		"Just browsing",
		"Will come with family",
		"Comparing",
		"Other",
	)


def test_the_follow_up_is_marketing_and_comes_after_her_occasion_but_before_cadence():
	assert PURPOSE[WALK_IN_FOLLOW_UP] == MARKETING
	assert PRIORITY["Occasion"] < PRIORITY[WALK_IN_FOLLOW_UP] < PRIORITY["Post-purchase"]


# --- when to write to her ----------------------------------------------------------------------


def test_someone_comparing_hears_first_and_someone_browsing_last():
	days = {reason: (follow_up_date(VISIT, reason) - VISIT).days for reason in REASONS_NOT_BOUGHT}
	assert days == {
		COMPARING: 2,
		PRICE: 3,
		WITH_FAMILY: 5,
		SIZE_NOT_AVAILABLE: 7,
		OTHER: 7,
		DESIGN_NOT_FOUND: 14,
		JUST_BROWSING: 21,
	}


def test_without_a_reason_a_week_later():
	assert follow_up_date(VISIT, None) == date(2027, 3, 17)
	assert follow_up_date(VISIT, "") == date(2027, 3, 17)


def test_an_occasion_brings_the_follow_up_to_a_week_before_the_day():
	# browsing for an anniversary on 24 March: three weeks later would be too late
	assert follow_up_date(VISIT, JUST_BROWSING, occasion_date=date(2027, 3, 24)) == date(2027, 3, 17)
	# an occasion far away changes nothing
	assert follow_up_date(VISIT, PRICE, occasion_date=date(2027, 9, 1)) == date(2027, 3, 13)


def test_an_occasion_within_a_week_means_tomorrow_and_a_past_one_is_ignored():
	assert follow_up_date(VISIT, JUST_BROWSING, occasion_date=date(2027, 3, 12)) == date(2027, 3, 11)
	assert follow_up_date(VISIT, JUST_BROWSING, occasion_date=VISIT) == date(2027, 3, 31)
	assert follow_up_date(VISIT, PRICE, occasion_date=date(2026, 3, 12)) == date(2027, 3, 13)


def test_the_associates_own_day_wins_but_not_before_the_visit():
	stock_arrives = date(2027, 4, 2)
	assert follow_up_date(VISIT, SIZE_NOT_AVAILABLE, chosen=stock_arrives) == stock_arrives
	assert follow_up_date(VISIT, PRICE, occasion_date=date(2027, 3, 20), chosen=VISIT) == VISIT
	with pytest.raises(WalkInError) as error:
		follow_up_date(VISIT, PRICE, chosen=VISIT - timedelta(days=1))
	assert error.value.reason == "follow_up_before_visit"


@given(
	visit=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
	reason=st.sampled_from((*REASONS_NOT_BOUGHT, None)),
	occasion_in=st.one_of(st.none(), st.integers(min_value=-400, max_value=400)),
)
def test_the_follow_up_is_after_the_visit_never_later_than_its_reason_says_nor_than_a_week_before_her_occasion(
	visit, reason, occasion_in
):
	occasion = visit + timedelta(days=occasion_in) if occasion_in is not None else None
	due = follow_up_date(visit, reason, occasion)
	assert due > visit
	assert due <= follow_up_date(visit, reason)
	if occasion is not None and (occasion - visit).days > walk_ins.OCCASION_LEAD_DAYS:
		assert due <= occasion - timedelta(days=walk_ins.OCCASION_LEAD_DAYS)


# --- her budget ---------------------------------------------------------------------------------


def test_a_budget_is_an_amount_and_none_means_she_gave_none():
	assert check_budget("150000") == Decimal("150000")
	assert check_budget(75000.5) == Decimal("75000.5")
	assert check_budget(None) is None
	assert check_budget("") is None
	assert check_budget(0) is None


@pytest.mark.parametrize(
	("value", "reason"),
	[
		(-1, "budget_negative"),
		("-50000", "budget_negative"),
		("fifty thousand", "budget_not_a_number"),
		("NaN", "budget_not_a_number"),
		("Infinity", "budget_not_a_number"),
		(True, "budget_not_a_number"),
		(10**12, "budget_too_large"),
	],
)
def test_a_budget_that_cannot_be_is_refused_with_its_reason(value, reason):
	with pytest.raises(WalkInError) as error:
		check_budget(value)
	assert error.value.reason == reason


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=2))
def test_any_amount_is_either_accepted_unchanged_or_refused(amount):
	try:
		accepted = check_budget(amount)
	except WalkInError:
		assert amount < 0 or amount > walk_ins.MAX_BUDGET
		return
	assert accepted == (amount if amount > 0 else None)


# --- what she liked -----------------------------------------------------------------------------


def test_the_wishlist_is_tidied_and_an_empty_last_row_dropped():
	rows = clean_wishlist(
		[
			WishlistItem(item="JC-RING", size="  12 "),
			WishlistItem(description="  temple   necklace with rubies "),
			WishlistItem(),
		]
	)
	assert rows == [
		WishlistItem(item="JC-RING", size="12"),
		WishlistItem(description="temple necklace with rubies"),
	]


def test_a_size_or_note_without_a_piece_is_refused():
	with pytest.raises(WalkInError) as error:
		clean_wishlist([WishlistItem(size="12")])
	assert error.value.reason == "wishlist_row_empty"


def test_the_message_names_what_she_liked_her_budget_in_indian_digits_and_why_she_left():
	context = message_context(
		VISIT,
		PRICE,
		[WishlistItem(item="JC-NECK", item_name="Polki necklace"), WishlistItem(description="jhumkas")],
		Decimal("150000"),
		"Anniversary gift",
		date(2027, 4, 2),
	)
	assert context == {
		"reason_not_bought": "Price",
		"pieces": ["Polki necklace", "jhumkas"],
		"piece": "Polki necklace",
		"budget": "1,50,000",
		"purchase_occasion": "Anniversary gift",
		"purchase_occasion_date": "2027-04-02",
		"visit_date": "2027-03-10",
	}
	json.dumps(context)  # it goes into the outreach row as JSON


def test_without_pieces_or_budget_the_message_has_empty_words_not_none():
	context = message_context(VISIT, None, [])
	assert context["piece"] == context["budget"] == context["reason_not_bought"] == ""
	assert context["pieces"] == []


RING = ItemFacts("Rings", {"Metal": "Gold", "Purity": "22K", "Stone": "Polki"})
EARRINGS = ItemFacts("Ear Rings", {"Metal": "Gold", "Purity": "18K", "Stone": "Diamond"})


def test_catalogue_pieces_tell_her_category_metal_purity_stone_and_a_ring_size():
	found = wishlist_preferences([(RING, " 12 "), (None, "7"), (EARRINGS, "small")], DEFAULT_SOURCES)
	assert found == [
		("Category", "Rings"),
		("Metal", "Gold"),
		("Purity", "22K"),
		("Stone", "Polki"),
		("Ring Size", "12"),
		("Category", "Ear Rings"),
		("Purity", "18K"),
		("Stone", "Diamond"),
	]


def test_each_preference_once_and_none_without_a_size():
	found = wishlist_preferences([(RING, ""), (RING, None)], DEFAULT_SOURCES)
	assert found == [("Category", "Rings"), ("Metal", "Gold"), ("Purity", "22K"), ("Stone", "Polki")]


def test_a_visit_stays_on_the_counter_for_six_months():
	today = date(2027, 9, 6)
	assert is_recent(today - timedelta(days=walk_ins.WISHLIST_DAYS), today)
	assert not is_recent(today - timedelta(days=walk_ins.WISHLIST_DAYS + 1), today)
	assert not is_recent(today + timedelta(days=1), today)
