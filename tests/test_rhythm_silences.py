"""Which last touches a day's stay-in-touch notes can come from (domain/rhythm.py): the planner reads
only customers touched on these days, so they must be exactly the days one silence back."""

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import rhythm

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_every_length_her_rhythm_can_give_and_no_other():
	assert rhythm.silence_lengths(60) == (60, 90)
	assert rhythm.silence_lengths(14) == (14, 30, 60, 90)
	assert rhythm.silence_lengths(120) == (120,)


def test_one_day_planned_reads_a_day_for_each_length():
	today = date(2026, 11, 30)
	assert rhythm.silences_reaching_length(today, today, (60, 90)) == [
		(date(2026, 9, 1), date(2026, 9, 1)),
		(date(2026, 10, 1), date(2026, 10, 1)),
	]


def test_days_caught_up_together_read_one_range_where_they_overlap():
	first, last = date(2026, 11, 1), date(2026, 11, 30)
	assert rhythm.silences_reaching_length(first, last, (14, 30)) == [(date(2026, 10, 2), date(2026, 11, 16))]


@given(first=DAYS, span=st.integers(0, 120), silence=st.integers(1, 200), touched=DAYS)
def test_a_touch_is_read_exactly_when_one_of_its_silences_ends_in_the_days_planned(
	first, span, silence, touched
):
	last = first + timedelta(days=span)
	lengths = rhythm.silence_lengths(silence)
	ranges = rhythm.silences_reaching_length(first, last, lengths)
	read = any(start <= touched <= end for start, end in ranges)
	ends_within = any(first <= touched + timedelta(days=length) <= last for length in lengths)
	assert read == ends_within
	assert all(end < start for (_s, end), (start, _e) in pairwise(ranges))


@given(touched=DAYS, silence=st.integers(1, 200), her=st.sampled_from((None, "", *rhythm.RHYTHMS)))
def test_every_note_falls_one_of_those_lengths_after_her_last_touch(touched, silence, her):
	due = rhythm.stay_in_touch_due(touched, silence, her, 14)
	assert (due - touched).days in rhythm.silence_lengths(silence)
