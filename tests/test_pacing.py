"""The shop never sends faster than Meta allows, nor twice to one person within the gap."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.messaging import MessagingError
from jewel_clienteling.domain.pacing import Pacer, max_burst, peak_rate

# --- Pacing ---------------------------------------------------------------------------------------


def test_pacer_spreads_a_burst_and_keeps_six_seconds_per_person():
	pacer = Pacer(rate=2, gap=6)
	# two per second: a, b at once; c, d a second later; e the second after; a again only six seconds
	# after her first message.
	assert [pacer.reserve(r, 0.0) for r in "abcdea"] == [0.0, 0.0, 1.0, 1.0, 2.0, 6.0]


def test_pacer_at_metas_default_rate():
	pacer = Pacer()
	times = [pacer.reserve(f"cust{i}", 0.0) for i in range(200)]
	assert times == [0.0] * 80 + [1.0] * 80 + [2.0] * 40


def test_pacer_never_goes_back_in_time():
	pacer = Pacer(rate=5, gap=6)
	assert pacer.reserve("a", 5.0) == 5.0
	assert pacer.reserve("b", 3.0) == 5.0
	assert pacer.reserve("a", 7.0) == 11.0


def test_pacer_still_keeps_the_gap_after_serving_many_customers():
	pacer = Pacer(rate=1000, gap=6)
	for i in range(25_000):
		assert pacer.reserve(f"cust{i}", i * 0.01) == i * 0.01
	now = 24_999 * 0.01
	assert pacer.reserve("cust24999", now) == now + 6  # wrote to her a moment ago
	assert pacer.reserve("cust24800", now) == 24_800 * 0.01 + 6  # six seconds after 248.0
	assert pacer.reserve("cust0", now) == now  # long ago


@pytest.mark.parametrize("rate, gap", [(0, 6), (-1, 6), (1.5, 6), (True, 6), (10, -1)])
def test_pacer_needs_a_sensible_rate_and_gap(rate, gap):
	with pytest.raises(MessagingError):
		Pacer(rate=rate, gap=gap)


@given(
	st.integers(1, 4),
	st.sampled_from([0.0, 0.5, 6.0]),
	st.lists(st.tuples(st.floats(0, 3, allow_nan=False), st.sampled_from("abcdefg")), max_size=60),
)
def test_pacer_never_exceeds_the_rate_or_the_gap_and_waits_no_longer_than_needed(rate, gap, requests):
	pacer, now, booked = Pacer(rate=rate, gap=gap), 0.0, []
	for step, recipient in requests:
		now += step
		moment = pacer.reserve(recipient, now)
		assert moment >= now
		booked.append((moment, recipient, now))
	times = sorted(t for t, _, _ in booked)
	for start in times:  # any one-second window is as full as it gets when it opens on a send
		assert sum(start <= t < start + 1.0 for t in times) <= rate
	for recipient in set("abcdefg"):
		mine = sorted(t for t, r, _ in booked if r == recipient)
		assert all(later >= earlier + gap for earlier, later in pairwise(mine))
	for index, (moment, recipient, asked_at) in enumerate(booked):
		earlier_mine = [t for t, r, _ in booked[:index] if r == recipient]
		allowed = max([asked_at, *(t + gap for t in earlier_mine)])
		if moment > allowed:  # pushed back by the rate: the second before it was full
			others = [t for j, (t, _, _) in enumerate(booked) if j != index]
			assert sum(moment - 1.0 - 1e-9 <= t < moment for t in others) >= rate


def _brute_force_most(times, window):
	return max((sum(start <= t < start + window for t in times) for start in times), default=0)


def test_burst_and_rate_by_hand():
	assert max_burst([(0, "a"), (5.9, "a"), (6, "a"), (1, "b")]) == 2
	assert max_burst([(0, "a"), (6, "a"), (12, "a")]) == 1
	assert max_burst([]) == 0 and peak_rate([]) == 0
	assert peak_rate([(0, "w"), (0.5, "x"), (0.99, "y"), (1.0, "z")]) == 3
	assert peak_rate([(3, "a"), (1, "b"), (2.5, "c")], window=1.0) == 2


@given(st.lists(st.tuples(st.floats(0, 20, allow_nan=False), st.sampled_from("abc")), max_size=40))
def test_burst_and_rate_match_counting_every_window(sends):
	assert peak_rate(sends) == _brute_force_most([t for t, _ in sends], 1.0)
	assert max_burst(sends) == max(
		(_brute_force_most([t for t, r in sends if r == who], 6.0) for who in "abc"), default=0
	)
