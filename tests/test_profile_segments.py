"""Where a customer stands: she drifts from New to Lapsed if she stops coming, her RFM segment follows
her scores, and we look at her again exactly when something can change."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.profile import (
	LIFECYCLE_STAGES,
	RFM,
	STAGE_ACTIVE,
	STAGE_AT_RISK,
	STAGE_LAPSED,
	STAGE_LOYAL,
	STAGE_NEW,
	STAGE_REPEAT,
	LifecycleRules,
	ProfileStats,
	RFMThresholds,
	compute_stats,
	lifecycle_stage,
	next_change_on,
	parse_thresholds,
	rfm,
	rfm_segment,
)
from tests.profile_helpers import (
	DAY,
	D,
	days,
	sales_histories,
)

SEGMENTS = {"Champion", "Loyal", "New", "Promising", "Cannot Lose", "At Risk", "Hibernating"}


def stats_of(purchases: int, last: date, first: date | None = None, lifetime_value=10000) -> ProfileStats:
	return ProfileStats(first or last, last, purchases, purchases, D(lifetime_value), D(0))


# --- lifecycle ------------------------------------------------------------------------------------


def test_a_first_purchase_last_month_is_new():
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(30)) == STAGE_NEW


def test_a_single_purchase_stays_new_for_90_days_then_is_active():
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(90)) == STAGE_NEW
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(91)) == STAGE_ACTIVE


def test_a_second_purchase_makes_her_a_repeat_customer():
	assert lifecycle_stage(stats_of(2, DAY, DAY - days(10)), DAY + days(5)) == STAGE_REPEAT


def test_four_purchases_make_her_loyal():
	assert lifecycle_stage(stats_of(4, DAY, DAY - days(400)), DAY + days(5)) == STAGE_LOYAL


def test_four_months_of_silence_put_even_a_loyal_customer_at_risk():
	loyal = stats_of(10, DAY, DAY - days(900))
	assert lifecycle_stage(loyal, DAY + days(120)) == STAGE_LOYAL
	assert lifecycle_stage(loyal, DAY + days(121)) == STAGE_AT_RISK


def test_six_months_of_silence_mean_she_has_lapsed():
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(180)) == STAGE_AT_RISK
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(181)) == STAGE_LAPSED
	assert lifecycle_stage(stats_of(7, DAY), DAY + days(3000)) == STAGE_LAPSED


def test_someone_who_never_kept_a_purchase_has_no_stage():
	assert lifecycle_stage(ProfileStats(), DAY) == ""


def test_the_store_sets_its_own_windows():
	rules = LifecycleRules(new_days=30, at_risk_days=60, lapsed_days=90, loyal_min_purchases=3)
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(31), rules) == STAGE_ACTIVE
	assert lifecycle_stage(stats_of(3, DAY), DAY, rules) == STAGE_LOYAL
	assert lifecycle_stage(stats_of(3, DAY), DAY + days(61), rules) == STAGE_AT_RISK
	assert lifecycle_stage(stats_of(3, DAY), DAY + days(91), rules) == STAGE_LAPSED


# --- RFM ------------------------------------------------------------------------------------------


def test_bought_once_yesterday_is_a_new_customer():
	score = rfm(stats_of(1, DAY, lifetime_value=10000), DAY + days(1))
	assert score == RFM(5, 1, 1, "New")
	assert score.code == "511"


def test_frequent_and_recent_is_a_champion():
	assert rfm(stats_of(6, DAY, lifetime_value=400000), DAY + days(10)).segment == "Champion"


def test_a_big_spender_gone_quiet_is_someone_we_cannot_lose():
	score = rfm(stats_of(2, DAY, lifetime_value=1200000), DAY + days(200))
	assert (score.recency, score.monetary, score.segment) == (2, 5, "Cannot Lose")


def test_a_small_spender_gone_quiet_is_at_risk_then_hibernating():
	assert rfm(stats_of(1, DAY), DAY + days(200)).segment == "At Risk"
	assert rfm(stats_of(1, DAY), DAY + days(400)).segment == "Hibernating"


def test_three_purchases_a_few_months_back_is_loyal_and_one_is_promising():
	assert rfm(stats_of(3, DAY), DAY + days(100)).segment == "Loyal"
	assert rfm(stats_of(1, DAY), DAY + days(100)).segment == "Promising"


def test_score_bands_include_their_upper_bound():
	assert rfm(stats_of(1, DAY), DAY + days(30)).recency == 5
	assert rfm(stats_of(1, DAY), DAY + days(31)).recency == 4
	assert rfm(stats_of(1, DAY, lifetime_value=25000), DAY).monetary == 1
	assert rfm(stats_of(1, DAY, lifetime_value=D("25000.01")), DAY).monetary == 2
	assert [rfm(stats_of(n, DAY), DAY).frequency for n in range(1, 8)] == [1, 2, 3, 4, 4, 5, 5]


def test_no_purchase_no_rfm():
	assert rfm(ProfileStats(), DAY) is None


@given(recency=st.integers(1, 5), frequency=st.integers(1, 5), monetary=st.integers(1, 5))
def test_every_score_falls_in_a_named_segment(recency, frequency, monetary):
	segment = rfm_segment(recency, frequency, monetary)
	assert segment in SEGMENTS
	if segment == "Champion":
		assert recency >= 4 and frequency >= 4
	if segment == "Cannot Lose":
		# only someone who has gone quiet can be lost
		assert recency <= 2


@given(sales=sales_histories(), quiet=st.integers(0, 800), more=st.integers(1, 400))
def test_scores_stay_between_1_and_5_and_recency_only_falls_with_time(sales, quiet, more):
	stats = compute_stats(sales)
	if not stats.purchases:
		return
	today = stats.last_purchase_date + days(quiet)
	now, later = rfm(stats, today), rfm(stats, today + days(more))
	for score in (now, later):
		assert all(1 <= value <= 5 for value in (score.recency, score.frequency, score.monetary))
	assert later.recency <= now.recency
	assert (later.frequency, later.monetary) == (now.frequency, now.monetary)
	assert lifecycle_stage(stats, today) in LIFECYCLE_STAGES


def test_thresholds_are_read_from_settings_text():
	assert parse_thresholds("30, 90, 180, 365") == (30, 90, 180, 365)
	assert parse_thresholds("25_000, 1_00_000, 3_00_000, 10_00_000") == (25000, 100000, 300000, 1000000)
	assert parse_thresholds("1,2,3", count=3) == (1, 2, 3)


@pytest.mark.parametrize(
	"text",
	[
		"30, 90, 180",
		"30, 90, 180, 365, 730",
		"90, 30, 180, 365",
		"30, 30, 180, 365",
		"0, 30, 90, 180",
		"-30, 30, 90, 180",
		"thirty, 90, 180, 365",
		"30.5, 90, 180, 365",
		"",
		None,
	],
)
def test_thresholds_that_are_not_four_ascending_whole_numbers_are_refused(text):
	with pytest.raises(ValueError):
		parse_thresholds(text)


@given(
	values=st.lists(st.integers(1, 10**7), min_size=4, max_size=4, unique=True),
	sep=st.sampled_from([",", ", ", " , "]),
)
def test_any_four_ascending_numbers_read_back(values, sep):
	values = sorted(values)
	assert parse_thresholds(sep.join(map(str, values))) == tuple(values)


# --- when to look at her again --------------------------------------------------------------------


def test_after_a_first_purchase_the_next_change_is_when_recency_drops():
	stats = stats_of(1, DAY)
	assert next_change_on(stats, DAY) == DAY + days(31)
	assert rfm(stats, DAY + days(30)) == rfm(stats, DAY)
	assert rfm(stats, DAY + days(31)).recency == 4


def test_the_day_she_stops_being_new_is_a_change():
	stats = stats_of(1, DAY)
	assert next_change_on(stats, DAY + days(85)) == DAY + days(91)
	assert lifecycle_stage(stats, DAY + days(91)) != lifecycle_stage(stats, DAY + days(90))


def test_a_repeat_customer_never_stops_being_new():
	stats = stats_of(2, DAY)
	assert next_change_on(stats, DAY + days(85)) == DAY + days(91)  # only recency: 90 -> 91 days
	assert lifecycle_stage(stats, DAY + days(91)) == lifecycle_stage(stats, DAY + days(90)) == STAGE_REPEAT


def test_a_store_with_a_short_new_window_looks_again_when_she_stops_being_new():
	rules = LifecycleRules(new_days=20)
	assert next_change_on(stats_of(1, DAY), DAY, rules) == DAY + days(21)
	assert lifecycle_stage(stats_of(1, DAY), DAY + days(21), rules) == STAGE_ACTIVE


def test_a_customer_lapsed_beyond_every_threshold_never_changes_again():
	assert next_change_on(stats_of(3, DAY), DAY + days(400)) is None


def test_no_purchase_nothing_to_schedule():
	assert next_change_on(ProfileStats(), DAY) is None


@st.composite
def lifecycle_rules(draw):
	at_risk = draw(st.integers(1, 300))
	return LifecycleRules(
		new_days=draw(st.integers(1, 300)),
		at_risk_days=at_risk,
		lapsed_days=draw(st.integers(at_risk + 1, 400)),
		loyal_min_purchases=draw(st.integers(2, 6)),
	)


recency_bands = st.lists(st.integers(1, 400), min_size=4, max_size=4, unique=True).map(
	lambda bands: RFMThresholds(recency_days=tuple(sorted(bands)))
)


def state(stats, day, rules, thresholds):
	return lifecycle_stage(stats, day, rules), rfm(stats, day, thresholds)


@st.composite
def kept_histories(draw):
	"""What the schedule depends on: how many bills she kept, when the first and last were, what she spent."""
	purchases = draw(st.sampled_from([1, 1, 1, 1, 2, 3, 4, 8]))
	last = DAY + days(draw(st.integers(0, 3 * 365)))
	first = last if purchases == 1 else last - days(draw(st.integers(0, 3 * 365)))
	value = D(draw(st.integers(1, 5_000_000)))
	return ProfileStats(first, last, purchases, purchases, value, value / purchases)


@settings(max_examples=120)
@given(
	stats=kept_histories(),
	quiet=st.one_of(st.integers(0, 30), st.integers(0, 450)),
	custom=st.sampled_from([True, True, False]),
	rules=lifecycle_rules(),
	thresholds=recency_bands,
)
def test_nothing_changes_before_next_change_on(stats, quiet, custom, rules, thresholds):
	if not custom:
		rules, thresholds = LifecycleRules(), RFMThresholds()
	today = stats.last_purchase_date + days(quiet)
	due = next_change_on(stats, today, rules, thresholds)
	# every window is at most 400 days, so any change still to come comes within 401 days
	horizon = due if due is not None else today + days(401)
	assert horizon > today
	now = state(stats, today, rules, thresholds)
	day = today + days(1)
	while day < horizon:
		assert state(stats, day, rules, thresholds) == now, day
		day += days(1)
	if due is not None and not custom:
		# with the store's default windows the due day is never a wasted look
		assert state(stats, due, rules, thresholds) != now
