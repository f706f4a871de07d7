"""The workspace's figures from plain rows: months, the outreach funnel, the repeat purchase rate."""

from datetime import date
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.dashboard import (
	FUNNEL,
	OutreachRow,
	funnel_by_month,
	months,
	repeat_rate,
	returning_share_by_month,
	stage_reached,
)

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
outreach = st.builds(
	OutreachRow,
	due=days,
	sent=st.booleans(),
	delivered=st.booleans(),
	read=st.booleans(),
	replied=st.booleans(),
	bought=st.booleans(),
)


def test_twelve_months_end_with_this_one_across_a_new_year():
	found = months(date(2027, 2, 17), 4)
	assert found == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


@given(days, st.integers(min_value=1, max_value=36))
def test_months_are_consecutive_first_days(end, count):
	found = months(end, count)
	assert len(found) == count and found[-1] == end.replace(day=1)
	assert all(month.day == 1 for month in found)
	assert all((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in pairwise(found))


def test_a_read_receipt_without_a_delivery_receipt_still_counts_as_delivered():
	row = OutreachRow(
		due=date(2026, 5, 3), sent=True, delivered=False, read=True, replied=False, bought=False
	)
	counts = funnel_by_month([row], [date(2026, 5, 1)])
	assert [counts[stage][0] for stage in FUNNEL] == [1, 1, 1, 1, 0, 0]


def test_outreach_outside_the_months_is_not_counted():
	row = OutreachRow(due=date(2026, 4, 30), sent=True, delivered=True, read=True, replied=True, bought=True)
	counts = funnel_by_month([row], [date(2026, 5, 1)])
	assert all(counts[stage] == [0] for stage in FUNNEL)


@given(st.lists(outreach, max_size=60))
def test_the_funnel_never_widens(rows):
	month_starts = months(date(2030, 12, 31), 132)
	counts = funnel_by_month(rows, month_starts)
	assert sum(counts["Planned"]) == len(rows)
	for upper, lower in pairwise(FUNNEL):
		assert all(a >= b for a, b in zip(counts[upper], counts[lower], strict=True))
	assert sum(counts["Bought"]) == sum(row.bought for row in rows)
	assert all(0 <= stage_reached(row) < len(FUNNEL) for row in rows)


def test_repeat_rate_counts_buyers_who_came_back():
	# four buyers, one of whom bought twice and one five times; non-buyers do not count
	assert repeat_rate([1, 2, 1, 5, 0, 0]) == 50.0
	assert repeat_rate([]) == 0.0


@given(st.lists(st.integers(min_value=0, max_value=20)))
def test_repeat_rate_is_a_percentage(purchases):
	rate = repeat_rate(purchases)
	assert 0.0 <= rate <= 100.0
	assert (rate == 100.0) == (bool([p for p in purchases if p]) and all(p != 1 for p in purchases))


def test_a_customer_is_returning_only_after_the_month_of_her_first_purchase():
	month_starts = [date(2026, 3, 1), date(2026, 4, 1)]
	visits = [
		(date(2026, 3, 2), "Asha", date(2026, 3, 2)),  # new in March
		(date(2026, 3, 20), "Asha", date(2026, 3, 2)),  # same month: still new, counted once
		(date(2026, 4, 5), "Asha", date(2026, 3, 2)),  # back in April
		(date(2026, 4, 9), "Meera", date(2026, 4, 9)),  # new in April
		(date(2026, 4, 11), "Kavya", date(2025, 1, 9)),  # an old customer
	]
	march, april = returning_share_by_month(visits, month_starts)
	assert march == 0.0
	assert april == round(100 * 2 / 3, 1)
