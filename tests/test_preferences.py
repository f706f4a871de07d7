"""What a purchase tells a jeweller: the item's category, metal, purity and stone, one key per taste or
size, a purchase fading with time, and only what she kept counting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.preferences import (
	DEFAULT_SOURCES,
	SINGLE_VALUED,
	SOURCE_ITEM_ATTRIBUTE,
	SOURCE_ITEM_FIELD,
	SOURCE_ITEM_GROUP,
	ItemFacts,
	PreferenceSource,
	decay,
	infer_preferences,
	item_dimensions,
	kept_lines,
	preference_key,
	size_dimension,
)
from tests.preferences_helpers import (
	TODAY,
	line,
)

# --- what an item says ----------------------------------------------------------------------------


def test_an_item_tells_its_category_metal_purity_and_stone():
	item = ItemFacts("Rings", {"Metal": "Gold", "Purity": "22K", "Stone": "Polki"})
	assert item_dimensions(item, DEFAULT_SOURCES) == {
		"Category": "Rings",
		"Metal": "Gold",
		"Purity": "22K",
		"Stone": "Polki",
	}


def test_the_root_item_group_and_placeholder_values_say_nothing():
	item = ItemFacts("All Item Groups", {"Metal": " Gold ", "Stone": "None", "Purity": "N/A"})
	assert item_dimensions(item, DEFAULT_SOURCES) == {"Metal": "Gold"}


def test_the_first_source_that_answers_wins():
	sources = (
		PreferenceSource("Style", SOURCE_ITEM_FIELD, "custom_style"),
		PreferenceSource("Style", SOURCE_ITEM_ATTRIBUTE, "Style"),
		PreferenceSource("Colour", SOURCE_ITEM_FIELD, "custom_colour"),
		PreferenceSource("Colour", SOURCE_ITEM_ATTRIBUTE, "Colour"),
		PreferenceSource("Category", SOURCE_ITEM_GROUP),
	)
	item = ItemFacts(
		"Bangles", {"Style": "Temple", "Colour": "Rose"}, {"custom_style": "Antique", "custom_colour": ""}
	)
	# the style field answers first; the colour field is blank, so the attribute answers
	assert item_dimensions(item, sources) == {"Style": "Antique", "Colour": "Rose", "Category": "Bangles"}


@pytest.mark.parametrize(
	("category", "dimension"),
	[
		("Rings", "Ring Size"),
		("Engagement Ring", "Ring Size"),
		("Earrings", None),
		("Ear Rings", None),
		("Pearl Strings", None),
		("Bangles", "Bangle Size"),
		("Bracelets", "Bangle Size"),
		("Kada", "Bangle Size"),
		("Gold Chains", "Chain Length"),
		("Necklace Sets", "Chain Length"),
		("Mangalsutra", "Chain Length"),
		("Pendants", None),
		(None, None),
	],
)
def test_which_size_a_piece_tells(category, dimension):
	assert size_dimension(category) == dimension


# --- keys -----------------------------------------------------------------------------------------


def test_she_has_one_ring_size_per_finger_whatever_the_value():
	assert preference_key("Ring Size", "", "12") == preference_key("Ring Size", "", "14")
	assert preference_key("Ring Size", "Left ring finger", "12") != preference_key("Ring Size", "", "12")
	assert preference_key("Ring Size", "Left  Ring finger", "12") == preference_key(
		"Ring Size", "left ring finger", "13"
	)


def test_she_may_love_several_metals_and_spelling_does_not_make_a_second_one():
	assert preference_key("Metal", "", "Gold") != preference_key("Metal", "", "Platinum")
	assert preference_key("Metal", None, "Rose  Gold") == preference_key("Metal", "", "rose gold")


@given(dimension=st.sampled_from(sorted(SINGLE_VALUED)), first=st.text(), second=st.text())
def test_every_single_valued_dimension_has_one_key_per_qualifier(dimension, first, second):
	assert preference_key(dimension, "", first) == preference_key(dimension, "", second)


# --- fading ---------------------------------------------------------------------------------------


def test_a_purchase_today_counts_fully_and_half_after_one_half_life():
	assert decay(0, 365) == 1
	assert decay(365, 365) == pytest.approx(0.5)
	assert decay(730, 365) == pytest.approx(0.25)


def test_a_purchase_dated_in_the_future_counts_no_more_than_today():
	assert decay(-10, 365) == 1


# Twenty years at a half-life of a month is 2**-243: tiny, but still a float above zero.
@given(younger=st.integers(0, 3650), extra=st.integers(1, 3650), half_life=st.integers(30, 2000))
def test_an_older_purchase_always_counts_less_but_never_nothing(younger, extra, half_life):
	assert 0 < decay(younger + extra, half_life) < decay(younger, half_life) <= 1


# --- what she kept --------------------------------------------------------------------------------


def test_a_full_return_removes_the_purchase():
	sale = line("SINV-1", 10)
	assert kept_lines([sale, line("SINV-R1", 5, qty=-1, against="SINV-1")]) == []


def test_a_partial_return_leaves_what_she_kept():
	sale = line("SINV-1", 10, qty=2)
	assert kept_lines([sale, line("SINV-R1", 5, qty=-1, against="SINV-1")]) == [sale]


def test_a_return_only_cancels_the_item_and_invoice_it_names():
	ring = line("SINV-1", 10, item="RING-1")
	bangle = line("SINV-1", 10, item="BANGLE-1")
	other_ring = line("SINV-2", 8, item="RING-1")
	kept = kept_lines([ring, bangle, other_ring, line("SINV-R1", 5, item="RING-1", qty=-1, against="SINV-1")])
	assert kept == [bangle, other_ring]


def test_two_returns_of_one_each_cancel_a_line_of_two():
	sale = line("SINV-1", 10, qty=2)
	returns = [line(f"SINV-R{n}", 5, qty=-1, against="SINV-1") for n in (1, 2)]
	assert kept_lines([sale, *returns]) == []


def test_a_fully_returned_purchase_teaches_no_preference():
	platinum = {"Category": "Rings", "Metal": "Platinum"}
	prefs = infer_preferences(
		[line("SINV-1", 10, dimensions=platinum), line("SINV-R1", 9, qty=-1, against="SINV-1")], TODAY
	)
	assert prefs == []
