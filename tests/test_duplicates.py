"""One person, two records merged: her consent is the latest word she gave on either record."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.duplicates import DROPPED, KEPT, Consent, do_not_contact, latest_word

JAN = datetime(2026, 1, 10, 11, 0)
MAR = datetime(2026, 3, 5, 16, 30)


def test_an_opt_in_at_the_second_store_after_nothing_at_the_first_is_kept():
	assert latest_word(Consent(False), Consent(True, MAR)) == DROPPED


def test_the_first_stores_opt_in_stays_when_the_second_record_says_nothing():
	assert latest_word(Consent(True, JAN), Consent(False)) == KEPT


def test_a_later_withdrawal_on_either_record_wins_over_an_earlier_opt_in():
	assert latest_word(Consent(True, JAN), Consent(False, withdrawn_on=MAR)) == DROPPED
	assert latest_word(Consent(False, withdrawn_on=MAR), Consent(True, JAN)) == KEPT


def test_an_opt_in_given_after_a_withdrawal_wins():
	assert latest_word(Consent(False, withdrawn_on=JAN), Consent(True, MAR)) == DROPPED
	assert latest_word(Consent(True, MAR, withdrawn_on=JAN), Consent(False, withdrawn_on=JAN)) == KEPT


def test_on_the_same_instant_the_withdrawal_wins():
	assert latest_word(Consent(True, MAR), Consent(False, withdrawn_on=MAR)) == DROPPED
	assert latest_word(Consent(False, withdrawn_on=MAR), Consent(True, MAR)) == KEPT


def test_an_opt_in_of_unknown_date_is_older_than_any_dated_word():
	assert latest_word(Consent(True), Consent(False, withdrawn_on=JAN)) == DROPPED
	assert latest_word(Consent(True, None), Consent(True, JAN)) == DROPPED


def test_an_opt_in_held_now_came_after_the_withdrawal_on_the_same_record():
	# an opt-in of unknown date on a record that also shows a withdrawal was given after it
	assert latest_word(Consent(True, None, withdrawn_on=MAR), Consent(False, withdrawn_on=JAN)) == KEPT
	assert latest_word(Consent(True, JAN, withdrawn_on=MAR), Consent(True, datetime(2026, 2, 1))) == KEPT


def test_do_not_contact_on_either_record_stays():
	assert do_not_contact(False, True) and do_not_contact(True, False)
	assert not do_not_contact(False, False)


days = st.integers(0, 400).map(lambda n: JAN + timedelta(days=n))


@st.composite
def consents(draw) -> Consent:
	"""A record's consent as the app keeps it: an opt-in she holds was given after her last withdrawal."""
	withdrawn = draw(st.one_of(st.none(), days))
	if not draw(st.booleans()):
		return Consent(False, None, withdrawn)
	given = draw(st.one_of(st.none(), days) if withdrawn is None else days)
	if withdrawn and given <= withdrawn:
		given, withdrawn = withdrawn + timedelta(minutes=1), given
	return Consent(True, given, withdrawn)


@given(consents(), consents())
def test_the_merged_record_holds_an_opt_in_exactly_when_her_latest_word_anywhere_was_one(kept, dropped):
	chosen = kept if latest_word(kept, dropped) == KEPT else dropped
	words = [(c.given_on or datetime.min, 1) for c in (kept, dropped) if c.opted_in]
	words += [(c.withdrawn_on, 0) for c in (kept, dropped) if c.withdrawn_on]
	if not words:
		assert not chosen.opted_in
		return
	# the latest word; on the same instant a withdrawal (0) counts as the later one
	latest = max(words, key=lambda word: (word[0], -word[1]))
	assert chosen.opted_in == bool(latest[1])
