"""Segment rules: what each criterion accepts, the errors a manager sees for a rule that makes no
sense, and the dates behind "this month", "the last N days" and "still to come"."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import segments as seg
from jewel_clienteling.domain.segments import InvalidRule, parse_rule

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31))


def refused(code: str, *args, **kwargs) -> InvalidRule:
	with pytest.raises(InvalidRule) as caught:
		parse_rule(*args, **kwargs)
	assert caught.value.code == code, caught.value.details
	return caught.value


# --- the catalogue -----------------------------------------------------------------------------


def test_every_criterion_has_operators_from_the_list_and_days_only_where_it_has_the_operator():
	for criterion in seg.CRITERIA.values():
		assert criterion.operators
		assert set(criterion.operators) <= set(seg.OPERATORS), criterion.name
		assert set(criterion.days_with) <= set(criterion.operators), criterion.name
		assert not criterion.qualifier_choices or criterion.qualifier, criterion.name


def test_the_ready_made_segments_are_expressible():
	# the six the seeds build, as a manager would type them
	assert parse_rule("Occasion", "this month", qualifier="Birthday").qualifiers == ("Birthday",)
	assert parse_rule("Days since last purchase", "at least", "180").number == 180
	diamonds = parse_rule("Preference", "is", "Diamond", qualifier="Stone")
	assert (diamonds.qualifiers, diamonds.names, diamonds.min_score) == (("Stone",), ("Diamond",), None)
	assert parse_rule("Lifetime value", "at least", "3,00,000").number == Decimal(300000)
	bridal = parse_rule("Occasion", "still to come", qualifier="Wedding, Engagement")
	assert bridal.qualifiers == ("Wedding", "Engagement")
	assert parse_rule("Purchases", "exactly", "1").number == 1
	assert parse_rule("WhatsApp opt-in", "is", "Yes").flag is True
	assert parse_rule("Do not contact", "is", "no").flag is False


# --- operators and values ----------------------------------------------------------------------


def test_an_unknown_criterion_is_refused_with_the_list():
	error = refused("unknown_criterion", "Star sign", "is", "Leo")
	assert error.details["given"] == "Star sign"
	assert "Lifecycle stage" in error.details["allowed"]


@pytest.mark.parametrize(
	("criterion", "operator"),
	[(c.name, op) for c in seg.CRITERIA.values() for op in seg.OPERATORS if op not in c.operators],
)
def test_an_operator_the_criterion_does_not_take_is_refused(criterion, operator):
	allowed = seg.CRITERIA[criterion].operators
	error = refused("operator_not_allowed", criterion, operator, "1", "Stone", 30)
	assert error.details["allowed"] == allowed


def test_a_stage_is_one_of_the_stages_whatever_its_case_and_several_may_be_given():
	rule = parse_rule("Lifecycle stage", "is", "at RISK, lapsed,At risk")
	assert rule.names == ("At risk", "Lapsed")
	error = refused("value_not_choice", "Lifecycle stage", "is", "Sleeping")
	assert error.details["given"] == "Sleeping"
	refused("value_missing", "Lifecycle stage", "is", " , ")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_amounts_read_back_as_written(amount):
	assert parse_rule("Lifetime value", "at least", str(amount)).number == amount


@given(st.integers(min_value=0, max_value=10**6))
def test_whole_numbers_with_thousands_separators(count):
	assert parse_rule("Purchases", "at most", f"{count:,}").number == count


@pytest.mark.parametrize(
	("text", "code"),
	[
		("", "value_missing"),
		("lots", "value_not_number"),
		("NaN", "value_not_number"),
		("Infinity", "value_not_number"),
		("-5", "value_negative"),
		("2.5", "value_not_whole"),
	],
)
def test_a_count_that_is_not_a_whole_number_is_refused(text, code):
	refused(code, "Purchases", "exactly", text)


def test_amounts_may_have_paise_but_not_be_negative():
	assert parse_rule("Spent in the last days", "at least", "999.50", days=30).number == Decimal("999.50")
	refused("value_negative", "Lifetime value", "at most", "-1")


@given(st.text(max_size=8))
def test_yes_no_accepts_only_yes_or_no(text):
	folded = text.strip().casefold()
	if folded in {"yes", "y", "1", "true"}:
		assert parse_rule("SMS opt-in", "is", text).flag is True
	elif folded in {"no", "n", "0", "false"}:
		assert parse_rule("SMS opt-in", "is", text).flag is False
	else:
		refused("value_not_yes_no", "SMS opt-in", "is", text)


# --- qualifiers, days and scores ---------------------------------------------------------------


def test_a_preference_needs_one_known_dimension_and_a_value():
	refused("qualifier_missing", "Preference", "is", "Diamond")
	refused("qualifier_not_choice", "Preference", "is", "Diamond", qualifier="Sparkle")
	refused("qualifier_one", "Preference", "is", "Diamond", qualifier="Stone, Metal")
	refused("value_missing", "Preference", "is", "", qualifier="Stone")
	assert parse_rule("Preference", "is", "gold", qualifier="metal").qualifiers == ("Metal",)


def test_a_preference_may_ask_for_a_minimum_score():
	assert parse_rule("Preference", "is", "Diamond", "Stone", min_score="0.5").min_score == 0.5
	assert parse_rule("Preference", "is", "Diamond", "Stone", min_score=0).min_score is None
	refused("min_score_invalid", "Preference", "is", "Diamond", "Stone", min_score="strong")
	refused("min_score_invalid", "Preference", "is", "Diamond", "Stone", min_score="-1")


def test_an_occasion_of_any_type_or_of_known_types_only():
	assert parse_rule("Occasion", "next month").qualifiers == ()
	refused("qualifier_not_choice", "Occasion", "this month", qualifier="Graduation")


def test_days_are_needed_only_where_the_operator_counts_them():
	assert parse_rule("Occasion", "within days", qualifier="Anniversary", days=30).days == 30
	assert parse_rule("Occasion", "this month", days=30).days is None
	refused("days_missing", "Occasion", "within days")
	refused("days_missing", "Bought from item group", "in the last days", qualifier="Rings", days=0)
	refused("days_not_whole", "Spent in the last days", "at least", "1000", days="a month")
	refused("days_not_whole", "Spent in the last days", "at least", "1000", days=-7)
	refused("days_too_many", "Spent in the last days", "at least", "1000", days=seg.MAX_DAYS + 1)
	assert parse_rule("Bought from item group", "ever", qualifier="Rings").days is None
	refused("qualifier_missing", "Bought from item group", "ever")


@given(st.lists(st.sampled_from(["Gold", "gold", " Platinum ", "", "Rose  Gold"]), max_size=6))
def test_names_are_trimmed_and_each_kept_once_in_order(parts):
	names = seg.split_names(",".join(parts))
	assert all(name and name == " ".join(name.split()) for name in names)
	assert len({name.casefold() for name in names}) == len(names)
	expected = [" ".join(p.split()) for p in parts if p.strip()]
	firsts = [
		name for i, name in enumerate(expected) if name.casefold() not in {e.casefold() for e in expected[:i]}
	]
	assert list(names) == firsts


# --- dates -------------------------------------------------------------------------------------


@given(dates, st.integers(min_value=0, max_value=3650))
def test_days_before_and_after_are_that_many_days_away(today, days):
	assert (today - seg.days_before(today, days)).days == days
	assert (seg.days_after(today, days) - today).days == days


@given(st.integers(min_value=1, max_value=12))
def test_the_months_later_in_the_year(month):
	later = seg.months_later_in_year(month)
	assert all(month < m <= 12 for m in later)
	assert len(later) == 12 - month


@given(dates, dates)
def test_a_dated_event_is_still_to_come_from_its_day_on_back(today, event):
	assert seg.still_to_come(today, event.year, event.month, event.day) == (event >= today)


@given(dates, st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_a_yearly_celebration_without_a_year_is_never_still_to_come(today, month, day):
	assert not seg.still_to_come(today, None, month, day)
