"""Time passes: a message planned for later falls due on its day, her consent asked again; every
reason has a shelf life after which it is withdrawn, never sent; the queue puts what goes stale
soonest first."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import outreach, outreach_cadence
from jewel_clienteling.domain import outreach_lifecycle as life

NOV = date(2026, 11, 1)


def day(n: int) -> date:
	return NOV + timedelta(days=n - 1)


def test_every_reason_and_status_is_known():
	assert {reason for reason, _step in life.SHELF_LIFE} == set(outreach.REASONS)
	for step in outreach_cadence.POST_PURCHASE_STEPS:
		assert (outreach.POST_PURCHASE, step) in life.SHELF_LIFE, step
	assert set(life.OPEN) | set(life.REACHED) | set(life.NOT_COUNTED) == set(life.STATUSES)
	assert not set(life.OPEN) & set(life.NOT_COUNTED)


def test_on_30_november_nothing_from_early_november_is_worth_sending():
	# the queue the issue found: a purchase anniversary due 3 November and a check-in due 5 November
	anniversary = life.expires_on(outreach.POST_PURCHASE, "Purchase anniversary", day(3))
	check_in = life.expires_on(outreach.POST_PURCHASE, "Check-in", day(5))
	assert life.is_stale(anniversary, day(30))
	assert life.is_stale(check_in, day(30))
	assert life.stale_reason(outreach.POST_PURCHASE, "Check-in", day(5), check_in) == life.STALE_TOO_LATE


def test_a_two_week_check_in_reads_well_a_fortnight_late_not_a_month_late():
	last = life.expires_on(outreach.POST_PURCHASE, "Check-in", day(1))
	assert last == day(15)
	assert not life.is_stale(last, day(15))
	assert life.is_stale(last, day(16))


def test_an_occasion_reminder_lives_until_the_eve_and_the_greeting_only_on_the_day():
	occasion = day(20)
	week_ahead = life.expires_on(outreach.OCCASION, "7 days ahead", day(13), occasion)
	six_weeks_ahead = life.expires_on(
		outreach.OCCASION, "42 days ahead", occasion - timedelta(days=42), occasion
	)
	greeting = life.expires_on(outreach.OCCASION, "On the day", occasion, occasion)
	assert week_ahead == day(19)
	assert six_weeks_ahead == occasion - timedelta(days=35), "a week's life, well before the occasion"
	assert greeting == occasion
	assert life.is_stale(greeting, day(21))
	assert life.stale_reason(outreach.OCCASION, "On the day", occasion, greeting) == life.STALE_EVENT_PASSED
	assert life.stale_reason(outreach.OCCASION, "42 days ahead", day(1), day(8)) == life.STALE_TOO_LATE


def test_a_festival_invitation_lives_until_the_eve_of_the_festival():
	assert life.expires_on(outreach.CAMPAIGN, "Diwali", day(3), day(8)) == day(7)
	assert life.expires_on(outreach.CAMPAIGN, "Gold coin offer", day(3)) == day(10), "no festival: a week"


def test_points_news_never_arrives_after_they_lapse():
	assert life.expires_on(outreach.POINTS_EXPIRING, "", day(1), day(31)) == day(30)
	assert life.expires_on(outreach.POINTS_EXPIRING, "", day(1), day(5)) == day(4)


def test_a_walk_in_follow_up_for_an_occasion_ends_before_it():
	assert life.expires_on(outreach.WALK_IN_FOLLOW_UP, "Price", day(4)) == day(11)
	assert life.expires_on(outreach.WALK_IN_FOLLOW_UP, "Price", day(4), day(9)) == day(8)


def test_an_unknown_step_takes_its_reasons_life():
	assert (
		life.shelf_life(outreach.POST_PURCHASE, "Something new")
		== life.SHELF_LIFE[(outreach.POST_PURCHASE, "")]
	)
	assert life.shelf_life("Not a reason") == life.DEFAULT_SHELF_LIFE


@given(
	st.sampled_from(sorted(life.SHELF_LIFE)),
	st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
	st.one_of(st.none(), st.integers(min_value=-400, max_value=400)),
)
def test_a_message_lives_at_least_its_own_day_and_never_past_its_event(key, due, event_offset):
	reason, step = key
	event = None if event_offset is None else due + timedelta(days=event_offset)
	last = life.expires_on(reason, step, due, event)
	assert last >= due
	assert last <= due + timedelta(days=life.shelf_life(reason, step).days)
	if life.shelf_life(reason, step).until_event and event is not None and event > due:
		assert last < event
	assert not life.is_stale(last, due)
	assert life.is_stale(last, last + timedelta(days=1))


def test_a_planned_message_falls_due_on_its_day_unless_stale():
	assert not life.falls_due(life.PLANNED, day(4), day(11), day(3))
	assert life.falls_due(life.PLANNED, day(4), day(11), day(4))
	assert life.falls_due(life.PLANNED, day(4), day(11), day(11)), "late, still worth sending"
	assert not life.falls_due(life.PLANNED, day(4), day(11), day(12))
	assert not life.falls_due(life.DUE, day(4), day(11), day(5))


def test_the_queue_puts_what_goes_stale_soonest_first_then_the_more_important():
	rows = [
		("lapsed", day(30), outreach.LAPSED, day(1)),
		("greeting", day(5), outreach.OCCASION, day(5)),
		("repair", day(12), outreach.REPAIR_READY, day(5)),
		("check-in", day(12), outreach.POST_PURCHASE, day(1)),
		("undated", None, outreach.REPAIR_READY, day(1)),
	]
	ordered = sorted(rows, key=lambda row: life.urgency(row[1], row[2], row[3]))
	assert [row[0] for row in ordered] == ["greeting", "repair", "check-in", "lapsed", "undated"]


WHATSAPP_ONLY = outreach.Contact(whatsapp_opt_in=True, has_mobile=True)


def test_consent_is_asked_again_on_the_day():
	assert life.recheck(outreach.MARKETING, outreach.WHATSAPP, WHATSAPP_ONLY) == (outreach.WHATSAPP, None)
	stopped = outreach.Contact(has_mobile=True)
	assert life.recheck(outreach.MARKETING, outreach.WHATSAPP, stopped) == (None, outreach.SKIP_NO_CONSENT)
	blocked = outreach.Contact(do_not_contact=True, whatsapp_opt_in=True, has_mobile=True)
	assert life.recheck(outreach.MARKETING, outreach.WHATSAPP, blocked) == (
		None,
		outreach.SKIP_DO_NOT_CONTACT,
	)
	assert life.recheck(outreach.MARKETING, outreach.WHATSAPP, None) == (None, outreach.SKIP_UNREACHABLE)


def test_the_planned_channel_stays_while_allowed_else_the_one_she_allows_now():
	both = outreach.Contact(
		whatsapp_opt_in=True, sms_opt_in=True, has_mobile=True, preferred_channel=outreach.SMS
	)
	assert life.recheck(outreach.MARKETING, outreach.WHATSAPP, both) == (outreach.WHATSAPP, None)
	sms_now = outreach.Contact(sms_opt_in=True, has_mobile=True)
	assert life.recheck(outreach.MARKETING, outreach.WHATSAPP, sms_now) == (outreach.SMS, None)
	assert life.recheck(outreach.MARKETING, outreach.MANUAL, WHATSAPP_ONLY) == (outreach.MANUAL, None)
	assert life.recheck(outreach.MARKETING, None, WHATSAPP_ONLY) == (outreach.WHATSAPP, None)
	email_gone = outreach.Contact(email_opt_in=True, whatsapp_opt_in=True, has_mobile=True)
	assert life.recheck(outreach.MARKETING, outreach.EMAIL, email_gone) == (outreach.WHATSAPP, None)


def test_her_repair_is_still_told_when_she_wants_no_marketing():
	blocked = outreach.Contact(do_not_contact=True, has_mobile=True)
	assert life.recheck(outreach.UTILITY, outreach.WHATSAPP, blocked) == (outreach.WHATSAPP, None)
	assert life.recheck(outreach.UTILITY, outreach.WHATSAPP, blocked, utility_needs_opt_in=True) == (
		None,
		outreach.SKIP_NO_CONSENT,
	), "unless the shop asks consent for utility messages too"
