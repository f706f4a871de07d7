"""Nothing is sent at night: a message planned in quiet hours waits for the first allowed moment."""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.outreach import (
	in_quiet_hours,
	send_after,
)

# --- quiet hours -------------------------------------------------------------------------------

NIGHT = (time(21, 0), time(10, 0))


def test_quiet_hours_from_nine_at_night_to_ten_in_the_morning():
	assert in_quiet_hours(time(22, 30), *NIGHT)
	assert in_quiet_hours(time(21, 0), *NIGHT)
	assert in_quiet_hours(time(0, 0), *NIGHT)
	assert in_quiet_hours(time(9, 59, 59), *NIGHT)
	assert not in_quiet_hours(time(10, 0), *NIGHT)
	assert not in_quiet_hours(time(20, 59), *NIGHT)


def test_quiet_hours_within_one_day():
	lunch = (time(13, 0), time(14, 0))
	assert in_quiet_hours(time(13, 30), *lunch)
	assert not in_quiet_hours(time(14, 0), *lunch)
	assert not in_quiet_hours(time(12, 59), *lunch)


def test_no_quiet_hours_when_unset_or_empty():
	for start, end in ((None, None), (time(21), None), (None, time(10)), (time(9), time(9))):
		assert not any(in_quiet_hours(time(hour, 30), start, end) for hour in range(24))


def test_a_message_planned_at_half_past_ten_at_night_goes_out_at_ten_next_morning():
	now = datetime(2026, 10, 1, 22, 30)
	assert send_after(date(2026, 10, 1), now, *NIGHT) == datetime(2026, 10, 2, 10, 0)


def test_an_early_morning_message_waits_until_ten_the_same_day():
	assert send_after(date(2026, 10, 1), datetime(2026, 10, 1, 7, 15), *NIGHT) == datetime(2026, 10, 1, 10, 0)


def test_a_greeting_due_tomorrow_does_not_go_out_at_midnight():
	now = datetime(2026, 10, 1, 15, 0)
	assert send_after(date(2026, 10, 5), now, *NIGHT) == datetime(2026, 10, 5, 10, 0)
	# with no quiet hours it may go at the first moment of its day
	assert send_after(date(2026, 10, 5), now, None, None) == datetime(2026, 10, 5, 0, 0)


def test_an_overdue_message_goes_now_when_now_is_allowed():
	now = datetime(2026, 10, 3, 11, 45, 12)
	assert send_after(date(2026, 10, 1), now, *NIGHT) == now


minutes_of_day = st.integers(0, 24 * 60 - 1).map(lambda minute: time(minute // 60, minute % 60))


def quiet_minutes(start: time | None, end: time | None) -> set[int]:
	"""The minutes of the day that are quiet, found by walking the clock from start to end."""
	if start is None or end is None:
		return set()
	minute, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
	quiet = set()
	while minute != last:
		quiet.add(minute)
		minute = (minute + 1) % (24 * 60)
	return quiet


def is_quiet(moment: datetime | time, quiet: set[int]) -> bool:
	return moment.hour * 60 + moment.minute in quiet


@settings(max_examples=300)
@given(
	moment=st.times(),
	start=st.none() | minutes_of_day,
	end=st.none() | minutes_of_day,
)
def test_a_moment_is_quiet_exactly_when_the_clock_walk_says_so(moment, start, end):
	assert in_quiet_hours(moment, start, end) == is_quiet(moment, quiet_minutes(start, end))


@settings(max_examples=150)
@given(
	now=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59, 59)),
	due_in=st.integers(-3, 3),
	start=st.none() | minutes_of_day,
	end=st.none() | minutes_of_day,
)
def test_send_after_is_the_first_allowed_moment(now, due_in, start, end):
	due = now.date() + timedelta(days=due_in)
	lower = max(now, datetime.combine(due, time.min))
	quiet = quiet_minutes(start, end)
	found = send_after(due, now, start, end)

	assert found >= lower
	assert not is_quiet(found, quiet)
	assert found - lower <= timedelta(days=1)
	# no earlier moment is allowed: lower itself, and every whole minute after it up to the answer
	if found > lower:
		assert is_quiet(lower, quiet)
		minute = lower.replace(second=0, microsecond=0) + timedelta(minutes=1)
		while minute < found:
			assert is_quiet(minute, quiet)
			minute += timedelta(minutes=1)
