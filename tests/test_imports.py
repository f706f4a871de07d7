"""A jeweller's spreadsheet read as she typed it: dates with or without a year, consent in words,
and what a row does beside what the store already knows."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.imports import (
	ALREADY_THERE,
	APPLY,
	CLAIM,
	CONFLICT,
	INSERT,
	NEWER_CHOICE_STANDS,
	RECORD,
	TypedDate,
	UnreadableChoice,
	UnreadableDate,
	consent_outcome,
	parse_consent_choice,
	parse_typed_date,
	preference_outcome,
)


@pytest.mark.parametrize(
	("typed", "expected"),
	[
		("14-02", TypedDate(14, 2)),
		("14/2", TypedDate(14, 2)),
		(" 14.02 ", TypedDate(14, 2)),
		("4-2", TypedDate(4, 2)),
		("14-02-1988", TypedDate(14, 2, 1988)),
		("14/2/1988", TypedDate(14, 2, 1988)),
		("14.02.1988", TypedDate(14, 2, 1988)),
		("14 Feb", TypedDate(14, 2)),
		("14-Feb-1988", TypedDate(14, 2, 1988)),
		("14th February", TypedDate(14, 2)),
		("February 14, 1988", TypedDate(14, 2, 1988)),
		("feb 14", TypedDate(14, 2)),
		("1 Sept", TypedDate(1, 9)),
		# a spreadsheet's date cell arrives as the date it holds, with or without a time
		("1988-02-14", TypedDate(14, 2, 1988)),
		("1988-02-14 00:00:00", TypedDate(14, 2, 1988)),
		("29-02", TypedDate(29, 2)),
		("29-02-2000", TypedDate(29, 2, 2000)),
	],
)
def test_a_date_is_read_day_first_with_or_without_its_year(typed, expected):
	assert parse_typed_date(typed) == expected


def test_a_day_month_has_no_date_until_its_year_is_known():
	assert parse_typed_date("14-02").as_date() is None
	assert parse_typed_date("14-02-1988").as_date() == date(1988, 2, 14)


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_an_empty_cell_is_no_date(typed):
	assert parse_typed_date(typed) is None


@pytest.mark.parametrize(
	("typed", "reason"),
	[
		("14-02-88", "short_year"),
		("14 Feb 88", "short_year"),
		("31-02", "day"),
		("31 April", "day"),
		("29-02-1989", "date"),
		("14-13", "month"),
		("02/14/1988", "month"),  # written month first: refused, not read as 2 of month 14
		("0-02", "day"),
		("next Tuesday", "format"),
		("14", "format"),
		("1988-02", "format"),
		("14-02-1988-3", "format"),
		("14 Feb March", "format"),
		("140-02", "format"),
		("14-02-19880", "format"),
	],
)
def test_what_no_calendar_has_is_refused_with_its_reason(typed, reason):
	with pytest.raises(UnreadableDate) as refused:
		parse_typed_date(typed)
	assert refused.value.reason == reason
	assert refused.value.text == typed


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_real_date_reads_back_however_it_is_written(day):
	for typed in (
		f"{day.day:02d}-{day.month:02d}-{day.year}",
		f"{day.day}/{day.month}/{day.year}",
		day.isoformat(),
		f"{day.isoformat()} 00:00:00",
		day.strftime("%d %B %Y"),
		day.strftime("%b %d, %Y"),
	):
		assert parse_typed_date(typed).as_date() == day, typed
	assert parse_typed_date(f"{day.day}-{day.month}") == TypedDate(day.day, day.month)


@pytest.mark.parametrize(
	"typed", ["Yes", "y", "YES ", "Opted in", "opt-in", "Opted_In", "agreed", "1", "TRUE"]
)
def test_a_yes_in_words_is_an_opt_in(typed):
	assert parse_consent_choice(typed) is True


@pytest.mark.parametrize("typed", ["No", "n", "Opted out", "opt-out", "STOP", "declined", "0", "false"])
def test_a_no_in_words_is_an_opt_out(typed):
	assert parse_consent_choice(typed) is False


@pytest.mark.parametrize("typed", [None, "", "maybe", "ask later", "✓", "2"])
def test_a_consent_cell_that_says_neither_is_not_guessed(typed):
	with pytest.raises(UnreadableChoice):
		parse_consent_choice(typed)


def test_a_preference_row_beside_what_is_recorded():
	assert preference_outcome(None, "Gold") == INSERT
	assert preference_outcome(("Stated", "gold "), "Gold") == ALREADY_THERE
	assert preference_outcome(("Stated", "12"), "14") == CONFLICT
	# what she tells us replaces what her purchases suggested, whatever the value
	assert preference_outcome(("Inferred", "12"), "14") == CLAIM
	assert preference_outcome(("Inferred", "Gold"), "Gold") == CLAIM


LAST_WEEK = date(2026, 3, 1)


def test_the_same_consent_row_twice_is_already_there():
	assert consent_outcome(True, date(2024, 1, 5), True, LAST_WEEK, same_row_recorded=True) == ALREADY_THERE
	assert consent_outcome(False, date(2024, 1, 5), True, LAST_WEEK, same_row_recorded=True) == ALREADY_THERE


def test_a_row_that_agrees_with_her_choice_is_history_only():
	assert consent_outcome(True, date(2020, 1, 5), True, LAST_WEEK, False) == RECORD
	assert consent_outcome(False, date(2030, 1, 5), False, None, False) == RECORD


def test_a_newer_choice_than_the_row_stands():
	# a STOP she sent last week outlives an old list of yeses, and an old no a recent yes
	assert consent_outcome(True, date(2025, 6, 1), False, LAST_WEEK, False) == NEWER_CHOICE_STANDS
	assert consent_outcome(False, date(2025, 6, 1), True, LAST_WEEK, False) == NEWER_CHOICE_STANDS


def test_a_row_newer_than_all_the_store_knows_changes_her_choice():
	assert consent_outcome(True, date(2026, 3, 2), False, LAST_WEEK, False) == APPLY
	assert consent_outcome(False, date(2026, 3, 2), True, LAST_WEEK, False) == APPLY
	assert consent_outcome(True, date(2020, 1, 1), False, None, False) == APPLY


def test_on_the_same_day_a_sheet_may_withdraw_consent_but_not_give_it():
	assert consent_outcome(False, LAST_WEEK, True, LAST_WEEK, False) == APPLY
	assert consent_outcome(True, LAST_WEEK, False, LAST_WEEK, False) == NEWER_CHOICE_STANDS
