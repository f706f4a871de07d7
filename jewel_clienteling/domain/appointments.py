"""Appointments: a private viewing, a bridal consultation, a repair pickup booked for a set hour.

She is reminded the day before (in the morning, once quiet hours are over) and again two hours
before. Both are about her own booking, so they are service messages: they need no marketing
consent and are not held back by the frequency cap. A reminder that quiet hours would push to less
than MIN_NOTICE before the hour is not sent (the day-before one has told her already), and a
booking made after a reminder's moment has passed does not get it late.

A booking not closed GRACE_MINUTES after its hour is a no-show: the associate gets a follow-up to
find her another time, once per booking and hour. Moving the hour moves the reminders with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jewel_clienteling.domain.outreach import in_quiet_hours

# Why she comes, exactly as spelled in the Appointment's jc_purpose options
PRIVATE_VIEWING = "Private viewing"
BRIDAL_CONSULTATION = "Bridal consultation"
REPAIR_PICKUP = "Repair pickup"
CUSTOM_ORDER_DISCUSSION = "Custom order discussion"
OTHER = "Other"
PURPOSES = (PRIVATE_VIEWING, BRIDAL_CONSULTATION, REPAIR_PICKUP, CUSTOM_ORDER_DISCUSSION, OTHER)

# ERPNext's Appointment statuses: Closed is a booking that is over (she came, or it was called off)
CLOSED = "Closed"

DAY_BEFORE = "Day before"
TWO_HOURS_BEFORE = "Two hours before"
NO_SHOW = "No-show"
TWO_HOURS = timedelta(hours=2)
MIN_NOTICE = timedelta(minutes=30)
GRACE_MINUTES = 60
NO_SHOW_LOOKBACK_DAYS = 7  # a sweep that missed a week still follows up; older ones are left


@dataclass(frozen=True)
class Reminder:
	step: str
	due_date: date
	send_after: datetime


def cycle(scheduled: datetime) -> str:
	"""One hour of one booking: moving the booking makes new reminders, not the old ones again."""
	return scheduled.replace(second=0, microsecond=0).isoformat(sep=" ")


def _out_of_quiet(moment: datetime, quiet_start: time | None, quiet_end: time | None) -> datetime:
	if not in_quiet_hours(moment.time(), quiet_start, quiet_end):
		return moment
	day = moment.date() + timedelta(days=1) if moment.time() >= quiet_end else moment.date()
	return datetime.combine(day, quiet_end)


def reminders(
	scheduled: datetime, now: datetime, quiet_start: time | None = None, quiet_end: time | None = None
) -> list[Reminder]:
	"""The reminders still worth sending for a booking at `scheduled`, booked (or changed) at `now`
	(naive site times). Day before: from the start of that day, out of quiet hours. Two hours before:
	at that moment, or when quiet hours end if that still leaves MIN_NOTICE."""
	found = []
	day_before = scheduled.date() - timedelta(days=1)
	if day_before >= now.date():
		moment = _out_of_quiet(max(now, datetime.combine(day_before, time.min)), quiet_start, quiet_end)
		if moment.date() == day_before:
			found.append(Reminder(DAY_BEFORE, day_before, moment))
	moment = scheduled - TWO_HOURS
	if moment >= now - timedelta(minutes=1):
		moment = _out_of_quiet(moment, quiet_start, quiet_end)
		if moment <= scheduled - MIN_NOTICE:
			found.append(Reminder(TWO_HOURS_BEFORE, moment.date(), moment))
	return found


def is_no_show(
	status: str | None, scheduled: datetime, now: datetime, grace_minutes: int = GRACE_MINUTES
) -> bool:
	"""Not closed GRACE_MINUTES after the hour (and not older than the sweep looks back)."""
	if status == CLOSED:
		return False
	overdue = now - scheduled
	return timedelta(minutes=grace_minutes) <= overdue <= timedelta(days=NO_SHOW_LOOKBACK_DAYS)


def message_context(scheduled: datetime, purpose: str | None, store: str | None, pieces: str | None) -> dict:
	"""What a reminder may say: the day and hour in words a customer reads, why she comes, where."""
	return {
		"appointment_date": scheduled.date().isoformat(),
		"appointment_day": scheduled.strftime("%A %d %B").replace(" 0", " "),
		"appointment_time": scheduled.strftime("%I:%M %p").lstrip("0"),
		"appointment_purpose": purpose or "",
		"appointment_store": store or "",
		"pieces": [line.strip() for line in (pieces or "").splitlines() if line.strip()],
	}
