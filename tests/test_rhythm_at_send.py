"""Her rhythm asked again at the moment a message goes (a sender's, or an associate's days late), and
which replies are answered with a word of confirmation: pure rules (domain/rhythm.py)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import outreach as rules
from jewel_clienteling.domain import rhythm

TODAY = date(2027, 5, 3)
CAP = 14
RHYTHMS = st.sampled_from((None, *rhythm.RHYTHMS))


def held(reached, her_rhythm=None, purpose=rules.MARKETING, topic="Occasion:OCC-1", cap=CAP):
	return rhythm.crowded_at_send(purpose, topic, TODAY, reached, her_rhythm, cap)


def ago(days: int, topic: str = "POS Invoice:INV-1") -> tuple[date, str]:
	return TODAY - timedelta(days=days), topic


def test_a_late_send_waits_for_a_message_that_reached_her_within_her_gap():
	# the store's fortnight: ten days after another message is too soon, fourteen is not
	assert held([ago(10)])
	assert not held([ago(14)])
	# her monthly rhythm holds it twenty days on, where the store's cap would not
	assert held([ago(20)], rhythm.MONTHLY)
	assert not held([ago(20)])
	# weekly: eight days on it goes, where the store's cap would hold it
	assert not held([ago(8)], rhythm.WEEKLY)
	assert held([ago(8)])


def test_the_store_cap_lets_one_topic_through_her_own_rhythm_does_not():
	# the reminder and the greeting of one occasion, as when planning (outreach.decide)
	assert not held([ago(7, "Occasion:OCC-1")])
	assert held([ago(7, "Occasion:OCC-1")], rhythm.MONTHLY)


def test_utility_messages_never_wait():
	assert not held([ago(0), ago(1)], rhythm.THREE_MONTHS, purpose=rules.UTILITY)


def test_nothing_reached_her_nothing_holds_it():
	assert not held([], rhythm.THREE_MONTHS)


@given(
	her_rhythm=RHYTHMS,
	cap=st.integers(0, 120),
	days=st.lists(st.integers(0, 200), max_size=6),
	same_topic=st.booleans(),
)
def test_held_exactly_when_a_counted_message_is_closer_than_her_gap(her_rhythm, cap, days, same_topic):
	topic = "Occasion:OCC-1" if same_topic else "POS Invoice:INV-1"
	reached = [ago(n, topic) for n in days]
	gap = rhythm.gap_days(her_rhythm, cap)
	counts = rhythm.is_her_own(her_rhythm) or not same_topic
	expected = counts and any(n < gap for n in days)
	assert held(reached, her_rhythm, cap=cap) == expected
	# never for a utility message, whatever reached her
	assert not held(reached, her_rhythm, purpose=rules.UTILITY, cap=cap)


@given(her_rhythm=RHYTHMS, days=st.lists(st.integers(0, 200), max_size=6), extra=st.integers(0, 200))
def test_one_more_message_that_reached_her_never_lets_a_held_one_go(her_rhythm, days, extra):
	reached = [ago(n) for n in days]
	if held(reached, her_rhythm):
		assert held([*reached, ago(extra)], her_rhythm)


def test_only_a_reply_that_changes_her_rhythm_is_confirmed():
	assert rhythm.confirms(None, rhythm.MONTHLY)
	assert rhythm.confirms("", rhythm.MONTHLY)
	assert rhythm.confirms(rhythm.WEEKLY, rhythm.MONTHLY)
	assert not rhythm.confirms(rhythm.MONTHLY, rhythm.MONTHLY)
	assert not rhythm.confirms(rhythm.MONTHLY, None)  # not a rhythm reply, or an older one


def test_less_at_the_far_end_and_more_at_the_near_end_change_nothing_and_are_not_confirmed():
	assert not rhythm.confirms(rhythm.THREE_MONTHS, rhythm.reply_rhythm("LESS", rhythm.THREE_MONTHS, CAP))
	assert not rhythm.confirms(rhythm.WEEKLY, rhythm.reply_rhythm("MORE", rhythm.WEEKLY, CAP))
	# from the store's fortnight, "LESS" is a month: her first rhythm of her own, confirmed
	assert rhythm.confirms(None, rhythm.reply_rhythm("LESS", None, CAP))


@given(current=RHYTHMS, word=st.sampled_from(("LESS", "MORE")))
def test_a_step_is_confirmed_unless_she_is_at_that_end_already(current, word):
	chosen = rhythm.reply_rhythm(word, current, CAP)
	at_the_end = current == (rhythm.THREE_MONTHS if word == "LESS" else rhythm.WEEKLY)
	assert rhythm.confirms(current, chosen) == (not at_the_end)
