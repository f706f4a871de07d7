"""Her tier by twelve months of spend: returns count against it, the shop sets the thresholds, and
the day her tier may fall is named in advance."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.loyalty import (
	leaves_window_on,
	tier_for,
	tier_recheck_on,
	year_before,
)

D = Decimal


def days(n: int) -> timedelta:
	return timedelta(days=n)


# --- tiers --------------------------------------------------------------------------------------------


def test_tier_by_what_she_spent_in_the_last_twelve_months():
	today = date(2025, 6, 30)
	spend = {date(2024, 6, 30): D(900000), date(2024, 7, 1): D(150000), date(2025, 6, 1): D(100000)}
	assert tier_for(spend, today) == "Gold"
	assert tier_for(spend, date(2025, 7, 1)) == "Silver"
	assert tier_for(spend, date(2024, 6, 30)) == "Platinum"
	assert tier_for({}, today) == ""


def test_a_return_counts_against_her_tier_and_thresholds_are_the_shops():
	today = date(2025, 6, 30)
	spend = [(date(2025, 1, 5), D(600000)), (date(2025, 2, 1), D(-200000))]
	assert tier_for(spend, today) == "Gold"
	assert tier_for(spend, today, [("Diamond", 400000), ("Pearl", 1)]) == "Diamond"


@given(
	sales=st.lists(
		st.tuples(st.dates(date(2023, 1, 1), date(2026, 12, 31)), st.integers(1, 300000)), min_size=1
	),
	today=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
)
def test_her_tier_only_changes_on_the_day_the_recheck_names(sales, today):
	"""Walking day by day without new sales, the tier first differs on the recheck day or later, never
	before it; and on that day the sale that left is no longer counted."""
	thresholds = (("Silver", 1), ("Gold", 300000))
	recheck = tier_recheck_on([day for day, _ in sales], today)
	past = [(day, amount) for day, amount in sales if day <= today]
	tier_today = tier_for(past, today, thresholds)
	if recheck is None:
		assert tier_today == ""
		return
	assert recheck > today
	day = today
	while day < recheck - days(1):
		day += days(1)
		assert tier_for(past, day, thresholds) == tier_today
	leaving = [d for d, _ in past if year_before(today) < d <= today and leaves_window_on(d) == recheck]
	assert leaving
	assert all(not (year_before(recheck) < d <= recheck) for d in leaving)


def test_a_leap_day_sale_leaves_her_window_on_the_first_of_march():
	assert leaves_window_on(date(2024, 2, 29)) == date(2025, 3, 1)
	assert tier_for([(date(2024, 2, 29), 60000)], date(2025, 2, 28)) == "Silver"
	assert tier_for([(date(2024, 2, 29), 60000)], date(2025, 3, 1)) == ""
