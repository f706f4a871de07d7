"""A piece is weighed in and out to the milligram, and a difference beyond tolerance is handed over
only with a manager's acknowledgement."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.repairs import (
	InvalidTransition,
	InvalidWeight,
	check_delivery,
	check_weight,
	needs_acknowledgement,
	weight_difference,
)

# --- what the scale says ------------------------------------------------------------------------


def test_a_negative_weight_is_refused():
	with pytest.raises(InvalidWeight) as error:
		check_weight(Decimal("-5.230"))
	assert error.value.reason == "not_positive"


def test_weights_are_read_to_the_milligram():
	assert check_weight("5.2304") == Decimal("5.230")
	assert check_weight(5.2305) == Decimal("5.231")
	assert check_weight(12) == Decimal("12.000")


def test_less_than_half_a_milligram_is_nothing():
	with pytest.raises(InvalidWeight) as error:
		check_weight("0.0004")
	assert error.value.reason == "not_positive"


def test_five_kilos_at_the_repair_desk_is_a_typing_slip():
	with pytest.raises(InvalidWeight) as error:
		check_weight("5230")
	assert error.value.reason == "too_heavy"
	assert check_weight("5230", limit=10000) == Decimal("5230.000")
	assert check_weight("4999.999") == Decimal("4999.999")


@given(st.one_of(st.floats(min_value=5000, allow_infinity=False), st.integers(min_value=5000)))
def test_any_number_past_the_limit_is_too_heavy_however_large(grams):
	with pytest.raises(InvalidWeight) as error:
		check_weight(grams)
	assert error.value.reason == "too_heavy"


@pytest.mark.parametrize(
	("value", "reason"),
	[
		(None, "missing"),
		("", "missing"),
		("five grams", "not_a_number"),
		("NaN", "not_a_number"),
		(True, "not_a_number"),
	],
)
def test_a_reading_that_is_not_a_weight_is_refused(value, reason):
	with pytest.raises(InvalidWeight) as error:
		check_weight(value)
	assert error.value.reason == reason


@given(milligrams=st.integers(1, 4_999_999))
def test_a_scale_reading_round_trips(milligrams):
	grams = Decimal(milligrams) / 1000
	assert check_weight(grams) == grams
	assert check_weight(str(grams)) == grams
	assert check_weight(float(grams)) == grams  # a Frappe Float field
	assert check_weight(check_weight(grams)) == check_weight(grams)
	assert check_weight(grams).as_tuple().exponent == -3


@given(value=st.decimals(min_value=Decimal("0.0005"), max_value=Decimal("4999.9994"), places=6))
def test_rounding_moves_a_reading_by_at_most_half_a_milligram(value):
	assert abs(check_weight(value) - value) <= Decimal("0.0005")


def test_5_230_in_and_5_180_out_with_20_milligrams_tolerance_needs_acknowledgement():
	assert weight_difference(Decimal("5.230"), Decimal("5.180")) == Decimal("-0.050")
	assert needs_acknowledgement(Decimal("5.230"), Decimal("5.180"), Decimal("0.020"), None)


def test_a_difference_within_both_tolerances_is_handed_over_without_fuss():
	assert not needs_acknowledgement(Decimal("5.230"), Decimal("5.215"), Decimal("0.020"), Decimal("1"))


def test_a_heavy_necklace_cannot_lose_a_gram_behind_a_percentage():
	# 1 g of 60 g is within 2 %, but far beyond 20 mg
	assert needs_acknowledgement(Decimal("60.000"), Decimal("59.000"), Decimal("0.020"), Decimal("2"))


def test_a_small_stud_is_held_to_its_percentage():
	# 15 mg is within 20 mg, but 5 % of a 0.3 g stud
	assert needs_acknowledgement(Decimal("0.300"), Decimal("0.285"), Decimal("0.020"), Decimal("1"))


def test_a_piece_that_came_back_heavier_is_acknowledged_too():
	assert needs_acknowledgement(Decimal("5.230"), Decimal("5.300"), Decimal("0.020"), None)


def test_with_no_tolerance_set_any_difference_needs_acknowledgement():
	assert needs_acknowledgement(Decimal("5.230"), Decimal("5.229"), None, 0)
	assert not needs_acknowledgement(Decimal("5.230"), Decimal("5.230"), None, None)


def oracle_needs_acknowledgement(weight_in, weight_out, grams, percent):
	difference = abs(weight_out - weight_in)
	ceilings = []
	if grams:
		ceilings.append(grams)
	if percent:
		ceilings.append(weight_in * percent / 100)
	if not ceilings:
		return difference != 0
	return difference > min(ceilings)


scale_readings = st.integers(1, 200_000).map(lambda mg: Decimal(mg) / 1000)


@given(
	weight_in=scale_readings,
	weight_out=scale_readings,
	grams=st.none() | st.integers(0, 500).map(lambda mg: Decimal(mg) / 1000),
	percent=st.none() | st.integers(0, 500).map(lambda hundredths: Decimal(hundredths) / 100),
)
def test_acknowledgement_follows_the_tighter_tolerance(weight_in, weight_out, grams, percent):
	assert needs_acknowledgement(weight_in, weight_out, grams, percent) == oracle_needs_acknowledgement(
		weight_in, weight_out, grams, percent
	)
	# the same difference the other way round is judged the same
	mirrored = weight_in + (weight_in - weight_out)
	if mirrored > 0:
		assert needs_acknowledgement(weight_in, mirrored, grams, None) == needs_acknowledgement(
			weight_in, weight_out, grams, None
		)


def test_a_piece_is_not_handed_over_before_it_is_weighed_out():
	for weight_out in (None, 0, ""):
		with pytest.raises(InvalidTransition) as error:
			check_delivery(Decimal("5.230"), weight_out, Decimal("0.020"), None)
		assert error.value.reason == "weight_out_missing"


def test_a_piece_beyond_tolerance_is_handed_over_only_with_a_manager_and_a_note():
	args = (Decimal("5.230"), Decimal("5.180"), Decimal("0.020"), None)
	with pytest.raises(InvalidTransition) as error:
		check_delivery(*args)
	assert error.value.reason == "acknowledgement_missing"
	with pytest.raises(InvalidTransition) as error:
		check_delivery(*args, acknowledged_by="manager@shop", acknowledgement_note=" ")
	assert error.value.reason == "acknowledgement_note_missing"
	check_delivery(*args, acknowledged_by="manager@shop", acknowledgement_note="Solder joint polished")


def test_a_piece_within_tolerance_needs_no_signature():
	check_delivery(Decimal("5.230"), Decimal("5.225"), Decimal("0.020"), None)
