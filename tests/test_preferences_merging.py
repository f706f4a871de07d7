"""Inferences merged with what she told us: what she stated is never overwritten, and applying a plan
then planning again changes nothing."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.preferences import (
	INFERRED,
	SINGLE_VALUED,
	STATED,
	ExistingPreference,
	InferredPreference,
	PreferencePlan,
	infer_preferences,
	plan_preferences,
)
from tests.preferences_helpers import (
	TODAY,
	line,
)


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
