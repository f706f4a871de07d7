"""Her rhythm as pure rules: how often (her choice over the store's cap, both ways, strict across
topics), at what time of day (within quiet hours), her reply words, and the stay-in-touch note."""

from datetime import date, datetime, time

import pytest

from jewel_clienteling.domain import outreach as rules
from jewel_clienteling.domain import rhythm

TODAY = date(2027, 5, 3)
QUIET = (time(21, 0), time(10, 0))


def candidate(reason: str, due: date, name: str = "INV-1") -> rules.Candidate:
	return rules.Candidate("C-1", reason, "POS Invoice", name, reason, due, step=reason)


def existing(due: date, topic: str, sent: bool = True, reason: str = rules.POST_PURCHASE) -> rules.Existing:
	return rules.Existing(f"key-{due}-{topic}", due, rules.PRIORITY[reason], topic, sent)


WHATSAPP = rules.Contact(whatsapp_opt_in=True, has_mobile=True)


def plan(rhythm_name, candidates, rows=(), cap=14):
	decisions, _withdrawn = rules.decide(
		candidates,
		rows,
		WHATSAPP,
		rhythm.gap_days(rhythm_name, cap),
		every_topic=rhythm.is_her_own(rhythm_name),
	)
	return [decision.plan for decision in decisions]


def test_her_rhythm_replaces_the_store_cap_in_both_directions():
	assert rhythm.gap_days(None, 14) == 14
	assert rhythm.gap_days("", 14) == 14
	assert rhythm.gap_days(rhythm.WEEKLY, 14) == 7
	assert rhythm.gap_days(rhythm.TWO_MONTHS, 14) == 60
	# weekly: a message 8 days after another on a different topic goes, where the store's cap stops it
	sent = [existing(date(2027, 4, 25), "Occasion:OCC-1")]
	assert plan(None, [candidate(rules.REFERRAL_ASK, TODAY)], sent) == [False]
	assert plan(rhythm.WEEKLY, [candidate(rules.REFERRAL_ASK, TODAY)], sent) == [True]
	# every two months: 40 days after the last one is too soon
	long_ago = [existing(date(2027, 3, 24), "Occasion:OCC-1")]
	assert plan(None, [candidate(rules.REFERRAL_ASK, TODAY)], long_ago) == [True]
	assert plan(rhythm.TWO_MONTHS, [candidate(rules.REFERRAL_ASK, TODAY)], long_ago) == [False]


def test_her_rhythm_counts_every_marketing_message_whatever_its_topic():
	# the store lets two messages about one sale through (the review request and the referral ask);
	# her monthly rhythm lets only the more important one through
	about_one_sale = [candidate(rules.REVIEW_REQUEST, TODAY), candidate(rules.REFERRAL_ASK, date(2027, 5, 5))]
	assert plan(None, about_one_sale) == [True, True]
	assert plan(rhythm.MONTHLY, about_one_sale) == [True, False]


def test_utility_messages_never_wait_for_her_rhythm():
	sent = [existing(date(2027, 5, 1), "Occasion:OCC-1")]
	repair = rules.Candidate("C-1", rules.REPAIR_READY, "Repair Ticket", "R-1", "ready", TODAY)
	assert plan(rhythm.THREE_MONTHS, [repair], sent) == [True]


def test_her_time_of_day_within_the_quiet_hours():
	due = TODAY
	# planned at 06:00: quiet until 10:00, and she likes the evening
	assert rhythm.send_after(due, datetime(2027, 5, 3, 6, 0), *QUIET, rhythm.EVENING) == datetime(
		2027, 5, 3, 16, 0
	)
	# in her morning already: now
	assert rhythm.send_after(due, datetime(2027, 5, 3, 11, 0), *QUIET, rhythm.MORNING) == datetime(
		2027, 5, 3, 11, 0
	)
	# her morning is over: tomorrow morning
	assert rhythm.send_after(due, datetime(2027, 5, 3, 13, 0), *QUIET, rhythm.MORNING) == datetime(
		2027, 5, 4, 10, 0
	)
	# no time of day: the store's quiet hours alone
	assert rhythm.send_after(due, datetime(2027, 5, 3, 6, 0), *QUIET, None) == datetime(2027, 5, 3, 10, 0)
	# a day still to come: her time on that day
	assert rhythm.send_after(
		date(2027, 5, 9), datetime(2027, 5, 3, 13, 0), *QUIET, rhythm.AFTERNOON
	) == datetime(2027, 5, 9, 12, 0)
	# quiet hours that swallow her evening win: never inside them
	late_quiet = (time(15, 0), time(21, 0))
	moment = rhythm.send_after(due, datetime(2027, 5, 3, 9, 0), *late_quiet, rhythm.EVENING)
	assert not rules.in_quiet_hours(moment.time(), *late_quiet)


@pytest.mark.parametrize(
	("text", "current", "expected"),
	[
		("MONTHLY", None, rhythm.MONTHLY),
		("Weekly 🙏", rhythm.MONTHLY, rhythm.WEEKLY),
		("every two months.", None, rhythm.TWO_MONTHS),
		("LESS", None, rhythm.MONTHLY),  # from the store's 14 days, one step less often
		("less often", rhythm.MONTHLY, rhythm.TWO_MONTHS),
		("Less", rhythm.THREE_MONTHS, rhythm.THREE_MONTHS),
		("more", None, rhythm.WEEKLY),
		("More often!", rhythm.TWO_MONTHS, rhythm.MONTHLY),
		("more", rhythm.WEEKLY, rhythm.WEEKLY),
		("I would like to hear less about gold", None, None),
		("STOP", None, None),
		(None, None, None),
	],
)
def test_her_reply_sets_her_rhythm_only_when_that_is_the_whole_message(text, current, expected):
	assert rhythm.reply_rhythm(text, current, 14) == expected


def test_who_is_valued():
	assert rhythm.is_valued("Loyal", None)
	assert rhythm.is_valued("Active", "Cannot Lose")
	assert not rhythm.is_valued("New", "New")
	assert not rhythm.is_valued("Lapsed", "Hibernating")


def test_stay_in_touch_after_the_silence_never_sooner_than_her_rhythm():
	touched = rhythm.last_touch(date(2027, 3, 1), date(2027, 2, 1))
	assert touched == date(2027, 3, 1)
	assert rhythm.last_touch(None, date(2027, 2, 1)) == date(2027, 2, 1)
	assert rhythm.stay_in_touch_due(touched, 60, None, 14) == date(2027, 4, 30)
	assert rhythm.stay_in_touch_due(touched, 60, rhythm.WEEKLY, 14) == date(2027, 4, 30)
	assert rhythm.stay_in_touch_due(touched, 60, rhythm.THREE_MONTHS, 14) == date(2027, 5, 30)


def test_the_note_is_about_care_new_pieces_or_an_invitation_in_turn_never_an_offer():
	days = [date(2027, 1, 1).toordinal() + step * rhythm.DEFAULT_STAY_IN_TOUCH_DAYS for step in range(6)]
	kinds = {rhythm.touch_kind(date.fromordinal(day), True) for day in days}
	assert kinds == set(rhythm.TOUCHES)
	without = {rhythm.touch_kind(date.fromordinal(day), False) for day in days}
	assert without == {rhythm.CARE, rhythm.INVITATION}
	assert rules.PURPOSE[rules.STAY_IN_TOUCH] == rules.MARKETING  # her consent is still asked
	assert rules.STAY_IN_TOUCH in rules.REASONS
