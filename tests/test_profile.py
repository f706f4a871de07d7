"""A customer's profile as a jeweller counts it: what she kept is what she bought, a day in the shop is
one visit however many bills it took, and she drifts from New to Lapsed if she stops coming."""

from datetime import date, timedelta
from decimal import Decimal

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
	Sale,
	compute_stats,
	lifecycle_stage,
	next_change_on,
	parse_thresholds,
	rfm,
	rfm_segment,
)

D = Decimal
DAY = date(2025, 1, 1)
SEGMENTS = {"Champion", "Loyal", "New", "Promising", "Cannot Lose", "At Risk", "Hibernating"}


def days(n: int) -> timedelta:
	return timedelta(days=n)


def stats_of(purchases: int, last: date, first: date | None = None, lifetime_value=10000) -> ProfileStats:
	return ProfileStats(first or last, last, purchases, purchases, D(lifetime_value), D(0))


# --- statistics -----------------------------------------------------------------------------------


def test_no_sales_no_statistics():
	assert compute_stats([]) == ProfileStats()


def test_one_purchase():
	stats = compute_stats([Sale("SINV-1", DAY, D("45000.00"))])
	assert stats == ProfileStats(DAY, DAY, 1, 1, D("45000.00"), D("45000.00"))


def test_a_full_return_removes_the_purchase():
	stats = compute_stats(
		[Sale("SINV-1", DAY, D(45000)), Sale("SINV-R1", DAY + days(3), D(-45000), "SINV-1")]
	)
	assert stats == ProfileStats()


def test_a_partial_return_lowers_lifetime_value_but_she_still_bought():
	stats = compute_stats(
		[Sale("SINV-1", DAY, D(100000)), Sale("SINV-R1", DAY + days(3), D(-30000), "SINV-1")]
	)
	assert (stats.purchases, stats.visits, stats.lifetime_value) == (1, 1, D(70000))


def test_two_invoices_on_the_same_day_are_one_visit():
	stats = compute_stats([Sale("SINV-1", DAY, D(20000)), Sale("SINV-2", DAY, D(5000))])
	assert (stats.visits, stats.purchases, stats.lifetime_value) == (1, 2, D(25000))


def test_a_return_is_not_a_visit_and_does_not_move_her_last_purchase():
	stats = compute_stats(
		[
			Sale("SINV-1", DAY, D(20000)),
			Sale("SINV-2", DAY + days(10), D(8000)),
			Sale("SINV-R1", DAY + days(40), D(-2000), "SINV-1"),
		]
	)
	assert (stats.first_purchase_date, stats.last_purchase_date, stats.visits) == (DAY, DAY + days(10), 2)


def test_returning_her_latest_purchase_makes_the_one_before_her_last():
	stats = compute_stats(
		[
			Sale("SINV-1", DAY, D(20000)),
			Sale("SINV-2", DAY + days(10), D(8000)),
			Sale("SINV-R2", DAY + days(12), D(-8000), "SINV-2"),
		]
	)
	assert (stats.last_purchase_date, stats.purchases, stats.lifetime_value) == (DAY, 1, D(20000))


def test_a_return_we_cannot_match_lowers_lifetime_value_only():
	# a return booked against a POS closing invoice: the money went back, but no visit is undone
	stats = compute_stats(
		[
			Sale("SINV-1", DAY, D(20000)),
			Sale("SINV-2", DAY + days(5), D(10000)),
			Sale("RET-1", DAY, D(-6000), "POS-CLOSE-1"),
		]
	)
	assert (stats.visits, stats.purchases, stats.lifetime_value) == (2, 2, D(24000))


def test_lifetime_value_never_goes_below_zero():
	stats = compute_stats([Sale("SINV-1", DAY, D(5000)), Sale("RET-1", DAY, D(-9000), "POS-CLOSE-1")])
	assert stats.lifetime_value == 0
	assert stats.purchases == 1


def test_only_returns_make_no_customer():
	assert compute_stats([Sale("RET-1", DAY, D(-9000), "POS-CLOSE-1")]) == ProfileStats()


def test_average_ticket_is_rounded_to_paise():
	stats = compute_stats(
		[Sale(f"SINV-{n}", DAY + days(n), D(100)) for n in range(2)] + [Sale("SINV-9", DAY, D(133))]
	)
	assert stats.average_ticket == D("111.00")
	stats = compute_stats(
		[Sale(f"SINV-{n}", DAY, D(100)) for n in range(3)] + [Sale("SINV-9", DAY, D(-200), "SINV-0")]
	)
	# the first bill is over-returned and stops counting; two bills of 100 remain
	assert (stats.purchases, stats.average_ticket) == (2, D("100.00"))


def test_amounts_given_as_floats_are_read_as_their_decimal_text():
	stats = compute_stats([Sale("SINV-1", DAY, 0.1), Sale("SINV-2", DAY, 0.2)])
	assert stats.lifetime_value == D("0.3")


@st.composite
def sales_histories(draw):
	"""Her bills over three years, some returned in part or in full, plus returns we cannot match."""
	sales = []
	for number in range(draw(st.integers(0, 8))):
		invoice = f"SINV-{number:03d}"
		posted = DAY + days(draw(st.integers(0, 3 * 365)))
		paise = draw(st.integers(1, 50_000_000))
		sales.append(Sale(invoice, posted, D(paise) / 100))
		returned = draw(st.sampled_from([0, 0, paise, draw(st.integers(1, paise))]))
		first = draw(st.integers(0, returned)) if returned else 0
		for part, amount in enumerate((first, returned - first)):
			if amount:
				when = posted + days(draw(st.integers(0, 60)))
				sales.append(Sale(f"{invoice}-R{part}", when, -D(amount) / 100, invoice))
	for number in range(draw(st.integers(0, 2))):
		when = DAY + days(draw(st.integers(0, 3 * 365)))
		sales.append(Sale(f"RET-{number}", when, -D(draw(st.integers(1, 5_000_000))) / 100, "POS-CLOSE-1"))
	return sales


def originals(sales):
	return [sale for sale in sales if not sale.return_against]


def orphans(sales):
	names = {sale.invoice for sale in originals(sales)}
	return [sale for sale in sales if sale.return_against and sale.return_against not in names]


@settings(max_examples=100)
@given(sales=sales_histories())
def test_statistics_hold_together(sales):
	stats = compute_stats(sales)
	assert stats.visits <= stats.purchases <= len(originals(sales))
	assert stats.lifetime_value >= 0
	assert stats.lifetime_value <= sum((sale.amount for sale in originals(sales)), D(0))
	if stats.purchases:
		assert stats.first_purchase_date <= stats.last_purchase_date
		assert stats.visits >= 1
		assert stats.average_ticket == (stats.lifetime_value / stats.purchases).quantize(D("0.01"))
		bill_days = {sale.posting_date for sale in originals(sales)}
		assert {stats.first_purchase_date, stats.last_purchase_date} <= bill_days
	else:
		assert stats == ProfileStats()


@settings(max_examples=100)
@given(data=st.data(), sales=sales_histories())
def test_recomputing_gives_the_same_answer_in_any_order(data, sales):
	shuffled = data.draw(st.permutations(sales))
	assert compute_stats(shuffled) == compute_stats(sales) == compute_stats(list(sales))


@given(sales=sales_histories())
def test_unmatched_returns_lower_lifetime_value_and_nothing_else(sales):
	matched = [sale for sale in sales if sale not in orphans(sales)]
	with_orphans, without = compute_stats(sales), compute_stats(matched)
	assert (with_orphans.first_purchase_date, with_orphans.last_purchase_date) == (
		without.first_purchase_date,
		without.last_purchase_date,
	)
	assert (with_orphans.visits, with_orphans.purchases) == (without.visits, without.purchases)
	if without.purchases:
		unmatched = sum((sale.amount for sale in orphans(sales)), D(0))
		assert with_orphans.lifetime_value == max(without.lifetime_value + unmatched, D(0))


@given(data=st.data(), sales=sales_histories())
def test_returning_the_rest_of_a_bill_removes_exactly_that_purchase(data, sales):
	before = compute_stats(sales)
	kept = {
		sale.invoice: sale.amount + sum((r.amount for r in sales if r.return_against == sale.invoice), D(0))
		for sale in originals(sales)
	}
	still_held = sorted(invoice for invoice, amount in kept.items() if amount > 0)
	if not still_held:
		return
	invoice = data.draw(st.sampled_from(still_held))
	after = compute_stats([*sales, Sale("SINV-RX", DAY + days(2000), -kept[invoice], invoice)])
	assert after.purchases == before.purchases - 1
	assert after.visits <= before.visits
	if not orphans(sales):
		assert after.lifetime_value == before.lifetime_value - kept[invoice]


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
