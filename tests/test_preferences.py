"""Preferences as a jeweller reads them from what she kept: repeat purchases strengthen a taste, time
fades it, her sizes and budget are whatever she bought most recently for herself, and what she told
us herself is never overwritten."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.preferences import (
	DEFAULT_SOURCES,
	INFERRED,
	SINGLE_VALUED,
	SOURCE_ITEM_ATTRIBUTE,
	SOURCE_ITEM_FIELD,
	SOURCE_ITEM_GROUP,
	STATED,
	ExistingPreference,
	InferredPreference,
	ItemFacts,
	PreferencePlan,
	PreferenceSource,
	PurchaseLine,
	budget_band,
	decay,
	group_digits,
	infer_preferences,
	item_dimensions,
	kept_lines,
	median,
	plan_preferences,
	preference_key,
	size_dimension,
)

TODAY = date(2025, 6, 1)
GOLD_RING = {"Category": "Rings", "Metal": "Gold", "Purity": "22K"}


def line(invoice, days_ago, item="RING-1", qty=1, dimensions=None, size=None, for_self=True, against=None):
	return PurchaseLine(
		invoice=invoice,
		posting_date=TODAY - timedelta(days=days_ago),
		item_code=item,
		qty=qty,
		dimensions=GOLD_RING if dimensions is None else dimensions,
		size=size,
		for_self=for_self,
		return_against=against,
	)


def by_value(prefs, dimension):
	return {pref.value: pref for pref in prefs if pref.dimension == dimension}


def row(name, dimension, value, source=INFERRED, qualifier="", score=0.5, purchases=1, last_seen=TODAY):
	return ExistingPreference(name, dimension, value, source, qualifier, score, last_seen, purchases)


def apply_plan(existing, plan: PreferencePlan):
	"""What the service layer does with a plan: delete, update in place, insert new inferred rows."""
	rows = {stored.name: stored for stored in existing}
	for name in plan.delete:
		del rows[name]
	for name, pref in plan.update.items():
		rows[name] = replace(
			rows[name],
			value=pref.value,
			qualifier=pref.qualifier,
			score=pref.score,
			last_seen=pref.last_seen,
			purchases=pref.purchases,
		)
	for number, pref in enumerate(plan.insert):
		name = f"NEW-{len(rows)}-{number}"
		rows[name] = ExistingPreference(
			name,
			pref.dimension,
			pref.value,
			INFERRED,
			pref.qualifier,
			pref.score,
			pref.last_seen,
			pref.purchases,
		)
	return list(rows.values())


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


# --- merging with what she told us ----------------------------------------------------------------


def test_a_new_inference_is_inserted():
	gold = InferredPreference("Metal", "Gold", "", 0.9, TODAY, 2)
	assert plan_preferences([], [gold]) == PreferencePlan(insert=[gold])


def test_a_changed_score_is_updated_in_place():
	stored = row("PREF-1", "Metal", "Gold", score=0.5, purchases=1)
	gold = InferredPreference("Metal", "Gold", "", 0.9, TODAY, 2)
	assert plan_preferences([stored], [gold]) == PreferencePlan(update={"PREF-1": gold})


def test_an_inference_no_longer_supported_is_deleted():
	stored = row("PREF-1", "Metal", "Silver")
	assert plan_preferences([stored], []) == PreferencePlan(delete=["PREF-1"])


def test_an_unchanged_inference_needs_no_write():
	gold = InferredPreference("Metal", "Gold", "", 0.9, TODAY, 2)
	stored = row("PREF-1", "Metal", "Gold", score=0.9, purchases=2)
	assert plan_preferences([stored], [gold]).is_empty()


def test_a_new_ring_size_replaces_the_inferred_one():
	stored = row("PREF-1", "Ring Size", "12")
	newer = InferredPreference("Ring Size", "13", "", 1.0, TODAY, 1)
	plan = plan_preferences([stored], [newer])
	assert plan.update == {"PREF-1": newer}
	assert plan.insert == plan.delete == []


def test_a_stated_ring_size_blocks_an_inferred_ring_size():
	stated = row("PREF-1", "Ring Size", "12", source=STATED)
	inferred = InferredPreference("Ring Size", "14", "", 1.0, TODAY, 1)
	assert plan_preferences([stated], [inferred]).is_empty()


def test_a_stated_ring_size_on_one_finger_blocks_inferring_any_ring_size():
	stated = row("PREF-1", "Ring Size", "12", source=STATED, qualifier="Left ring finger")
	inferred = InferredPreference("Ring Size", "14", "", 1.0, TODAY, 1)
	assert plan_preferences([stated], [inferred]).is_empty()


def test_an_inferred_ring_size_stored_before_she_stated_hers_is_removed():
	stated = row("PREF-1", "Ring Size", "12", source=STATED)
	stale = row("PREF-2", "Ring Size", "14")
	inferred = InferredPreference("Ring Size", "14", "", 1.0, TODAY, 1)
	assert plan_preferences([stated, stale], [inferred]) == PreferencePlan(delete=["PREF-2"])


def test_a_stated_metal_blocks_only_that_metal():
	stated = row("PREF-1", "Metal", "gold", source=STATED, score=0)
	gold = InferredPreference("Metal", "Gold", "", 0.9, TODAY, 2)
	platinum = InferredPreference("Metal", "Platinum", "", 0.4, TODAY, 1)
	assert plan_preferences([stated], [gold, platinum]) == PreferencePlan(insert=[platinum])


def test_stated_rows_are_never_deleted_even_with_nothing_inferred():
	stated = [
		row("PREF-1", "Metal", "Gold", source=STATED),
		row("PREF-2", "Budget Band", "Under 25,000", STATED),
	]
	assert plan_preferences(stated, []).is_empty()


def test_duplicate_inferred_rows_of_one_preference_are_cleaned_up():
	first = row("PREF-1", "Metal", "Gold", score=0.9, purchases=2)
	second = row("PREF-2", "Metal", "gold", score=0.3, purchases=1)
	gold = InferredPreference("Metal", "Gold", "", 0.9, TODAY, 2)
	plan = plan_preferences([first, second], [gold])
	stored = [r for r in apply_plan([first, second], plan) if r.source == INFERRED]
	assert len(stored) == 1
	assert (stored[0].value, stored[0].score, stored[0].purchases) == ("Gold", 0.9, 2)


def test_applying_a_plan_then_planning_again_yields_an_empty_plan():
	existing = [
		row("PREF-1", "Metal", "Gold", score=0.2),
		row("PREF-2", "Stone", "Ruby"),
		row("PREF-3", "Ring Size", "12", source=STATED),
		row("PREF-4", "Ring Size", "13"),
	]
	inferred = infer_preferences(
		[
			line(
				"SINV-1", 10, size="14", dimensions={"Category": "Rings", "Metal": "Gold", "Stone": "Polki"}
			),
			line("SINV-2", 100, dimensions={"Category": "Bangles", "Metal": "Gold"}),
		],
		TODAY,
		tickets=[(TODAY - timedelta(days=10), Decimal(80000))],
	)
	first = plan_preferences(existing, inferred)
	assert not first.is_empty()
	assert plan_preferences(apply_plan(existing, first), inferred).is_empty()


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


DIMENSION_VALUES = {
	"Metal": ("Gold", "gold", "Platinum"),
	"Stone": ("Polki", "Ruby"),
	"Ring Size": ("12", "13", "14"),
	"Budget Band": ("Under 25,000", "25,000 to 1,00,000"),
}
preference_facts = st.sampled_from(
	[(dimension, value) for dimension, values in DIMENSION_VALUES.items() for value in values]
)


@st.composite
def stored_rows(draw):
	"""Stored rows as they may really be: stated and inferred, duplicates left by an older version or
	by two jobs racing, and scores that no longer match."""
	rows = []
	for number in range(draw(st.integers(0, 8))):
		dimension, value = draw(preference_facts)
		rows.append(
			ExistingPreference(
				name=f"PREF-{number}",
				dimension=dimension,
				value=value,
				source=draw(st.sampled_from([STATED, INFERRED, INFERRED])),
				qualifier=draw(st.sampled_from(["", "", "Left ring finger"])),
				score=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
				last_seen=draw(st.sampled_from([None, TODAY])),
				purchases=draw(st.integers(0, 3)),
			)
		)
	return rows


inferred_lists = st.lists(
	st.builds(
		lambda facts, score, purchases: InferredPreference(facts[0], facts[1], "", score, TODAY, purchases),
		preference_facts,
		st.sampled_from([0.25, 0.5, 1.0]),
		st.integers(1, 3),
	),
	max_size=6,
)


@settings(max_examples=150)
@given(existing=stored_rows(), inferred=inferred_lists)
def test_planning_is_idempotent_and_never_touches_what_she_stated(existing, inferred):
	stated = [stored for stored in existing if stored.source == STATED]
	plan = plan_preferences(existing, inferred)

	stated_names = {stored.name for stored in stated}
	assert stated_names.isdisjoint(plan.update)
	assert stated_names.isdisjoint(plan.delete)
	assert set(plan.update).isdisjoint(plan.delete)
	assert set(plan.update) | set(plan.delete) <= {stored.name for stored in existing}

	after = apply_plan(existing, plan)
	assert plan_preferences(after, inferred).is_empty()
	assert [stored for stored in after if stored.source == STATED] == stated

	# the stored inferred rows are now exactly the inferences her statements do not speak to, once each
	stated_keys = {stored.key for stored in stated}
	stated_single = {stored.dimension for stored in stated if stored.dimension in SINGLE_VALUED}
	expected = {}
	for pref in inferred:
		if pref.key not in stated_keys and pref.dimension not in stated_single:
			expected.setdefault(pref.key, pref)
	stored_inferred = [stored for stored in after if stored.source == INFERRED]
	assert len(stored_inferred) == len(expected)
	for stored in stored_inferred:
		pref = expected[stored.key]
		assert (stored.value, stored.score, stored.last_seen, stored.purchases) == (
			pref.value,
			pref.score,
			pref.last_seen,
			pref.purchases,
		)
