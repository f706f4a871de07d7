"""Occasions as a jeweller keeps them: a day and a month (the year only when it matters), 29 February
celebrated on a day the customer chose in common years, and the capture fields of a sale."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.occasions import (
	FEB29_ON_FEB28,
	FEB29_ON_MAR1,
	FEB29_POLICIES,
	OCCASION_TYPES,
	CapturedOccasion,
	InvalidOccasionDate,
	next_occurrence,
	normalise_person,
	occasion_from_purchase,
	occasion_key,
	occasion_type_for_life_event,
	occurrence_in_year,
	validate_day_month,
)


def exists(day: int, month: int, year: int) -> bool:
	try:
		date(year, month, day)
	except ValueError:
		return False
	return True


def is_celebrated_on(day: int, month: int, when: date, policy: str) -> bool:
	"""The jeweller's rule, written independently of the code: a day-month is celebrated on itself,
	and 29 February, in a year without one, on 28 February or 1 March as the customer chose."""
	if (when.day, when.month) == (day, month):
		return True
	if (day, month) == (29, 2) and not calendar.isleap(when.year):
		substitute = (28, 2) if policy == FEB29_ON_FEB28 else (1, 3)
		return (when.day, when.month) == substitute
	return False


# Every day-month that exists in some year is a day of a leap year; 29 February is drawn often on
# purpose, since it is the only interesting one.
day_months = st.one_of(
	st.just((29, 2)),
	st.dates(date(2024, 1, 1), date(2024, 12, 31)).map(lambda d: (d.day, d.month)),
)
# 1900 and 2100 are common years, 2000 and 2400 leap: the centuries are where calendars go wrong.
start_days = st.dates(date(1896, 1, 1), date(2404, 12, 31))
policies = st.sampled_from(FEB29_POLICIES)


# --- which dates exist ------------------------------------------------------------------------


def test_31_february_is_refused():
	with pytest.raises(InvalidOccasionDate) as error:
		validate_day_month(31, 2)
	assert error.value.reason == "day"


def test_month_13_is_refused():
	with pytest.raises(InvalidOccasionDate) as error:
		validate_day_month(1, 13)
	assert error.value.reason == "month"


def test_29_february_without_a_year_is_accepted():
	validate_day_month(29, 2)  # a birthday on a leap day is a birthday


def test_29_february_of_a_common_year_is_refused():
	with pytest.raises(InvalidOccasionDate) as error:
		validate_day_month(29, 2, 2023)
	assert error.value.reason == "date"


def test_29_february_of_a_leap_year_is_accepted():
	validate_day_month(29, 2, 2024)
	validate_day_month(29, 2, 2000)


def test_29_february_1900_is_refused_because_centuries_are_common_years():
	with pytest.raises(InvalidOccasionDate):
		validate_day_month(29, 2, 1900)


def test_invalid_occasion_date_is_a_value_error():
	# callers that only know ValueError still catch it
	with pytest.raises(ValueError):
		validate_day_month(0, 5)


@given(day=st.integers(-3, 40), month=st.integers(-2, 15))
def test_a_day_month_is_valid_exactly_when_it_exists_in_a_leap_year(day, month):
	accepted = True
	try:
		validate_day_month(day, month)
	except InvalidOccasionDate:
		accepted = False
	assert accepted == exists(day, month, 2024)


@given(day=st.integers(-3, 40), month=st.integers(-2, 15), year=st.integers(1, 9999))
def test_a_dated_occasion_is_valid_exactly_when_the_date_exists(day, month, year):
	accepted = True
	try:
		validate_day_month(day, month, year)
	except InvalidOccasionDate:
		accepted = False
	assert accepted == exists(day, month, year)


# --- when it is celebrated ----------------------------------------------------------------------


def test_29_february_is_celebrated_on_29_february_in_a_leap_year():
	for policy in FEB29_POLICIES:
		assert occurrence_in_year(29, 2, 2024, policy) == date(2024, 2, 29)


def test_29_february_moves_in_a_common_year_as_the_customer_chose():
	assert occurrence_in_year(29, 2, 2025, FEB29_ON_FEB28) == date(2025, 2, 28)
	assert occurrence_in_year(29, 2, 2025, FEB29_ON_MAR1) == date(2025, 3, 1)


def test_ordinary_day_months_never_move():
	for policy in FEB29_POLICIES:
		assert occurrence_in_year(28, 2, 2025, policy) == date(2025, 2, 28)
		assert occurrence_in_year(1, 3, 2025, policy) == date(2025, 3, 1)


def test_next_29_february_after_new_year_2025_follows_the_policy():
	assert next_occurrence(29, 2, date(2025, 1, 1), FEB29_ON_FEB28) == date(2025, 2, 28)
	assert next_occurrence(29, 2, date(2025, 1, 1), FEB29_ON_MAR1) == date(2025, 3, 1)


def test_next_29_february_in_a_leap_year_is_the_real_day():
	for policy in FEB29_POLICIES:
		assert next_occurrence(29, 2, date(2028, 1, 1), policy) == date(2028, 2, 29)


def test_a_birthday_today_is_today_not_next_year():
	assert next_occurrence(14, 3, date(2025, 3, 14)) == date(2025, 3, 14)


def test_a_birthday_that_has_passed_is_next_year():
	assert next_occurrence(14, 3, date(2025, 3, 15)) == date(2026, 3, 14)


def test_a_leap_day_birthday_on_1_march_after_the_1_march_celebration_waits_for_the_next_one():
	assert next_occurrence(29, 2, date(2025, 3, 2), FEB29_ON_MAR1) == date(2026, 3, 1)
	# a leap year is on the way: the real day comes first
	assert next_occurrence(29, 2, date(2027, 3, 2), FEB29_ON_MAR1) == date(2028, 2, 29)


def test_next_occurrence_refuses_a_day_month_that_does_not_exist():
	with pytest.raises(InvalidOccasionDate):
		next_occurrence(31, 4, date(2025, 1, 1))


@settings(max_examples=200)
@given(day_month=day_months, start=start_days, policy=policies)
def test_next_occurrence_is_the_first_celebration_on_or_after_the_day(day_month, start, policy):
	day, month = day_month
	found = next_occurrence(day, month, start, policy)

	assert found >= start
	# Never a year or more away. The next celebration is at most one day short of the gap between two
	# consecutive celebrations, and that gap is at most 366 days: 28 Feb 2023 -> 29 Feb 2024 under the
	# 28 February policy, 29 Feb 2024 -> 1 Mar 2025 under the 1 March policy, or any date across a
	# 29 February. So the 367 a loose bound would allow is never reached; 365 days is the worst case.
	assert (found - start).days <= 365
	assert is_celebrated_on(day, month, found, policy)
	in_between = (start + timedelta(days=offset) for offset in range((found - start).days))
	assert not any(is_celebrated_on(day, month, when, policy) for when in in_between)


@given(day_month=day_months, start=start_days, policy=policies)
def test_a_celebration_day_is_its_own_next_occurrence(day_month, start, policy):
	day, month = day_month
	celebration = occurrence_in_year(day, month, start.year, policy)
	assert next_occurrence(day, month, celebration, policy) == celebration


@given(day_month=day_months, year=st.integers(1896, 2404), policy=policies)
def test_each_year_has_exactly_one_celebration_and_it_is_on_the_day_or_its_substitute(
	day_month, year, policy
):
	day, month = day_month
	celebration = occurrence_in_year(day, month, year, policy)
	assert celebration.year == year
	assert is_celebrated_on(day, month, celebration, policy)
	if exists(day, month, year):
		assert celebration == date(year, month, day)


# --- one occasion per person and day ------------------------------------------------------------


def test_occasion_key_ignores_the_year_spacing_and_capitals():
	assert occasion_key("CUST-1", "Birthday", "  Priya   SHARMA ", 14, 3) == occasion_key(
		"CUST-1", "Birthday", "priya sharma", 14, 3
	)


def test_occasion_key_tells_different_people_types_days_and_customers_apart():
	base = occasion_key("CUST-1", "Birthday", "Priya", 14, 3)
	assert occasion_key("CUST-1", "Birthday", "Meera", 14, 3) != base
	assert occasion_key("CUST-1", "Anniversary", "Priya", 14, 3) != base
	assert occasion_key("CUST-1", "Birthday", "Priya", 15, 3) != base
	assert occasion_key("CUST-2", "Birthday", "Priya", 14, 3) != base


def test_day_and_month_cannot_be_confused_in_the_key():
	# 1 November and 11 January share digits; they must not share a key
	assert occasion_key("C", "Birthday", "", 1, 11) != occasion_key("C", "Birthday", "", 11, 1)


def test_no_name_blank_name_and_spaces_are_the_same_person():
	assert normalise_person(None) == normalise_person("") == normalise_person(" \t ")


name_words = st.lists(
	st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüößñअआइकखग", min_size=1, max_size=8),
	min_size=1,
	max_size=4,
)
spacing = st.text(alphabet=" \t\n\u00a0\u2003", min_size=1, max_size=3)


@given(
	words=name_words,
	case=st.sampled_from([str.lower, str.upper, str.title, str.capitalize]),
	gaps=st.lists(spacing, min_size=5, max_size=5),
	lead=st.text(alphabet=" \t", max_size=2),
	trail=st.text(alphabet=" \t", max_size=2),
	day_month=day_months,
)
def test_occasion_key_ignores_how_the_person_is_typed(words, case, gaps, lead, trail, day_month):
	day, month = day_month
	plain = " ".join(words)
	typed = lead + "".join(case(word) + gap for word, gap in zip(words, gaps, strict=False)).rstrip() + trail
	assert occasion_key("CUST-1", "Birthday", typed, day, month) == occasion_key(
		"CUST-1", "Birthday", plain, day, month
	)


# --- what a sale's capture fields mean ----------------------------------------------------------


def test_a_birthday_gift_for_her_daughter_is_a_childs_birthday_without_a_year():
	captured = occasion_from_purchase("Birthday gift", date(2025, 6, 9), " Anaya ", "Daughter")
	assert captured == CapturedOccasion("Child's Birthday", "Anaya", "Daughter", 9, 6, None)


def test_a_birthday_gift_for_her_son_is_a_childs_birthday():
	captured = occasion_from_purchase("Birthday gift", date(2025, 6, 9), "Kabir", "Son")
	assert captured is not None
	assert captured.occasion_type == "Child's Birthday"


def test_a_birthday_gift_for_her_mother_is_a_birthday():
	captured = occasion_from_purchase("Birthday gift", date(2025, 6, 9), "Lata", "Mother")
	assert captured is not None
	assert captured.occasion_type == "Birthday"
	assert captured.relation == "Mother"


def test_an_anniversary_gift_with_no_recipient_is_for_her_spouse():
	captured = occasion_from_purchase("Anniversary gift", date(2024, 11, 20))
	assert captured is not None
	assert (captured.occasion_type, captured.relation) == ("Anniversary", "Spouse")


def test_a_gifts_year_is_this_years_celebration_and_is_forgotten():
	captured = occasion_from_purchase("Anniversary gift", date(2024, 11, 20), "Raj", "Spouse")
	assert captured is not None
	assert captured.year is None
	assert (captured.day, captured.month) == (20, 11)


def test_a_wedding_keeps_its_year_because_anniversaries_count_from_it():
	captured = occasion_from_purchase("Wedding", date(2025, 12, 5), "Ishita", "Daughter")
	assert captured is not None
	assert (captured.occasion_type, captured.year) == ("Wedding", 2025)


def test_an_engagement_keeps_its_year():
	captured = occasion_from_purchase("Engagement", date(2025, 2, 14))
	assert captured is not None
	assert (captured.occasion_type, captured.year) == ("Engagement", 2025)


def test_a_leap_day_birthday_gift_is_a_29_february_occasion_that_validates():
	captured = occasion_from_purchase("Birthday gift", date(2024, 2, 29), "Asha", "Sister")
	assert captured is not None
	assert (captured.day, captured.month, captured.year) == (29, 2, None)
	validate_day_month(captured.day, captured.month, captured.year)


@pytest.mark.parametrize("purchase_occasion", [None, "", "Self purchase", "Investment"])
def test_a_purchase_for_no_named_occasion_creates_none(purchase_occasion):
	assert occasion_from_purchase(purchase_occasion, date(2025, 6, 9), "Priya", "Self") is None


def test_an_occasion_without_a_date_creates_none():
	assert occasion_from_purchase("Birthday gift", None, "Priya", "Friend") is None


@given(
	purchase_occasion=st.sampled_from(
		["Anniversary gift", "Birthday gift", "Wedding", "Engagement", "Festival", "Other"]
	),
	when=st.dates(),
	name=st.one_of(st.none(), st.text(max_size=20)),
	relation=st.one_of(st.none(), st.sampled_from(["Self", "Spouse", "Daughter", "Son", "Mother", "Friend"])),
)
def test_every_captured_occasion_is_a_known_type_on_a_real_day(purchase_occasion, when, name, relation):
	captured = occasion_from_purchase(purchase_occasion, when, name, relation)
	assert captured is not None
	assert captured.occasion_type in OCCASION_TYPES
	assert captured.person_name == captured.person_name.strip()
	assert (captured.day, captured.month) == (when.day, when.month)
	validate_day_month(captured.day, captured.month, captured.year)


def test_life_events_become_occasions():
	assert occasion_type_for_life_event("New Baby") == "Child's Birthday"
	assert occasion_type_for_life_event("Wedding") == "Wedding"
	assert occasion_type_for_life_event("Engagement") == "Engagement"
	assert occasion_type_for_life_event("Anniversary") == "Anniversary"
	assert occasion_type_for_life_event("Birthday") == "Birthday"


def test_a_life_event_without_a_matching_occasion_is_other():
	assert occasion_type_for_life_event("House Move") == "Other"
	assert occasion_type_for_life_event(None) == "Other"


@given(event=st.one_of(st.none(), st.text(max_size=20)))
def test_every_life_event_becomes_a_known_occasion_type(event):
	assert occasion_type_for_life_event(event) in OCCASION_TYPES
