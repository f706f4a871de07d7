"""Appointment rules: which reminders a booking still gets, quiet hours, and when she did not come."""

from datetime import datetime, time, timedelta

from jewel_clienteling.domain import appointments

QUIET = (time(21, 0), time(10, 0))


def steps(found):
	return [(r.step, r.due_date.isoformat(), r.send_after.isoformat(sep=" ")) for r in found]


def test_a_booking_days_ahead_gets_the_day_before_after_quiet_hours_and_two_hours_before():
	found = appointments.reminders(datetime(2026, 6, 12, 15, 0), datetime(2026, 6, 8, 12, 0), *QUIET)
	assert steps(found) == [
		("Day before", "2026-06-11", "2026-06-11 10:00:00"),
		("Two hours before", "2026-06-12", "2026-06-12 13:00:00"),
	]


def test_two_hours_before_in_quiet_hours_waits_for_morning_only_if_notice_remains():
	# 11:00 booking: 09:00 is quiet, 10:00 still leaves an hour
	found = appointments.reminders(datetime(2026, 6, 12, 11, 0), datetime(2026, 6, 8, 12, 0), *QUIET)
	assert steps(found)[1] == ("Two hours before", "2026-06-12", "2026-06-12 10:00:00")
	# 10:15 booking: 10:00 leaves 15 minutes, too little: the day-before one has told her
	found = appointments.reminders(datetime(2026, 6, 12, 10, 15), datetime(2026, 6, 8, 12, 0), *QUIET)
	assert [r.step for r in found] == ["Day before"]


def test_a_booking_for_today_gets_no_late_day_before_reminder():
	found = appointments.reminders(datetime(2026, 6, 12, 18, 0), datetime(2026, 6, 12, 11, 0), *QUIET)
	assert [r.step for r in found] == ["Two hours before"]
	assert appointments.reminders(datetime(2026, 6, 12, 12, 0), datetime(2026, 6, 12, 11, 0), *QUIET) == []


def test_booked_late_the_evening_before_no_day_before_reminder_in_the_night():
	found = appointments.reminders(datetime(2026, 6, 12, 15, 0), datetime(2026, 6, 11, 22, 0), *QUIET)
	assert [r.step for r in found] == ["Two hours before"]


def test_without_quiet_hours_reminders_go_at_their_moment():
	found = appointments.reminders(datetime(2026, 6, 12, 8, 0), datetime(2026, 6, 10, 12, 0))
	assert steps(found) == [
		("Day before", "2026-06-11", "2026-06-11 00:00:00"),
		("Two hours before", "2026-06-12", "2026-06-12 06:00:00"),
	]


def test_no_show_only_after_the_grace_and_never_when_closed():
	at = datetime(2026, 6, 12, 11, 0)
	assert not appointments.is_no_show("Open", at, at + timedelta(minutes=59))
	assert appointments.is_no_show("Open", at, at + timedelta(minutes=60))
	assert not appointments.is_no_show("Closed", at, at + timedelta(hours=3))
	assert not appointments.is_no_show(
		"Open", at, at + timedelta(days=appointments.NO_SHOW_LOOKBACK_DAYS, minutes=1)
	)


def test_moving_the_hour_is_a_new_cycle():
	assert appointments.cycle(datetime(2026, 6, 12, 11, 0, 31)) == "2026-06-12 11:00:00"
	assert appointments.cycle(datetime(2026, 6, 12, 11, 0)) != appointments.cycle(
		datetime(2026, 6, 12, 12, 0)
	)


def test_message_context_reads_as_a_customer_would():
	context = appointments.message_context(
		datetime(2026, 6, 5, 15, 30), "Bridal consultation", "JC Counter", "A\n\n B "
	)
	assert context["appointment_day"] == "Friday 5 June"
	assert context["appointment_time"] == "3:30 PM"
	assert context["pieces"] == ["A", "B"]
