"""The Clienteling Impact figures from plain counts: rates, ratios, months, sides and columns."""

from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import example, given
from hypothesis import strategies as st

from jewel_clienteling.domain import impact as rules
from jewel_clienteling.domain.impact import Counts, Messages
from jewel_clienteling.domain.visits import SaleRow, changes, visits_of


def test_a_period_is_whole_months_and_february_ends_on_its_last_day():
	assert rules.whole_months(date(2024, 2, 17), date(2024, 2, 3)) == (date(2024, 2, 1), date(2024, 2, 29))
	assert rules.months_between(date(2025, 11, 20), date(2026, 2, 1)) == [
		date(2025, 11, 1),
		date(2025, 12, 1),
		date(2026, 1, 1),
		date(2026, 2, 1),
	]


def test_a_month_has_matured_once_its_last_day_is_12_months_ago():
	assert rules.last_matured_month(date(2026, 11, 30)) == date(2025, 11, 1)
	assert rules.last_matured_month(date(2026, 11, 29)) == date(2025, 10, 1)
	assert rules.last_matured_month(date(2026, 3, 1)) == date(2025, 2, 1)  # 28 Feb 2025 + 12 months


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2040, 12, 31)))
@example(date(2001, 2, 28))  # 29 February 2000's 12 months end on 28 February 2001
def test_every_first_visit_of_a_matured_month_has_had_its_12_months(today):
	month = rules.last_matured_month(today)
	assert rules.came_back_by(rules.month_end(month)) <= today
	following = month + relativedelta(months=1)
	assert rules.came_back_by(rules.month_end(following)) > today


def test_coming_back_is_a_later_day_within_12_months():
	first = date(2024, 2, 29)
	assert rules.came_back(first, date(2025, 2, 28))
	assert not rules.came_back(first, date(2025, 3, 1))
	assert not rules.came_back(first, first)
	assert not rules.came_back(first, None)


def test_the_month_the_app_arrived_counts_as_with_the_app():
	arrived = date(2025, 6, 18)
	assert rules.side_of(date(2025, 6, 1), arrived) == rules.AFTER
	assert rules.side_of(date(2025, 5, 1), arrived) == rules.BEFORE
	assert rules.side_of(date(2025, 5, 1), None) == rules.AFTER


def test_the_app_arrived_at_the_earlier_of_its_install_and_its_first_message():
	assert rules.arrival(date(2026, 11, 30), date(2025, 12, 1)) == date(2025, 12, 1)
	assert rules.arrival(date(2026, 11, 30), None) == date(2026, 11, 30)
	assert rules.arrival(None, None) is None


def test_reasons_are_timed_broadcast_or_neither():
	assert {rules.kind_of(r) for r in ("Occasion", "Post-purchase", "Lapsed")} == {rules.TIMED}
	assert rules.kind_of("Campaign") == rules.BROADCAST
	assert rules.kind_of("Repair ready") is None


def test_figures_of_one_column():
	counts = Counts(
		first_time_buyers=40,
		matured_buyers=30,
		came_back=12,
		first_visits=40,
		first_amount=2_000_000,
		repeat_visits=60,
		repeat_amount=7_500_000,
		referred_new_buyers=4,
		referred_visits=9,
		referred_amount=610_000,
	)
	counts.add_messages(
		"Occasion",
		"WhatsApp",
		Messages(sent=100, delivered=96, read=90, replied=30, converted=12, revenue=900_000),
	)
	counts.add_messages(
		"Campaign",
		"Email",
		Messages(sent=200, delivered=190, read=40, replied=10, converted=4, revenue=100_000),
	)
	counts.add_messages("Repair ready", "SMS", Messages(sent=10, replied=1))
	found = rules.figures(counts)
	assert found["come_back_rate"] == 40.0
	assert found["first_visit_spend"] == 50_000 and found["repeat_visit_spend"] == 125_000
	assert found["repeat_over_first"] == 2.5
	assert (found["timed_sent"], found["timed_reply_rate"], found["timed_conversion_rate"]) == (
		100,
		30.0,
		12.0,
	)
	assert (found["broadcast_sent"], found["broadcast_reply_rate"], found["broadcast_conversion_rate"]) == (
		200,
		5.0,
		2.0,
	)
	assert found["timed_over_broadcast"] == 6.0
	assert (
		found["whatsapp_delivered_rate"],
		found["whatsapp_read_rate"],
		found["whatsapp_replied_rate"],
	) == (96.0, 90.0, 30.0)
	assert (found["email_sent"], found["email_read_rate"]) == (200, 20.0)
	# SMS reports neither delivery nor reading, and none was recorded: unknown, not 0 %
	assert (
		found["sms_sent"],
		found["sms_delivered_rate"],
		found["sms_read_rate"],
		found["sms_replied_rate"],
	) == (10, None, None, 10.0)
	assert found["manual_sent"] == 0 and found["manual_replied_rate"] is None
	assert (found["referred_new_buyers"], found["referred_revenue"]) == (4, 610_000)
	assert set(found) == set(rules.FIGURE_KEYS)


def test_an_sms_delivery_a_gateway_did_record_is_shown():
	assert rules.channel_rates("SMS", Messages(sent=20, delivered=15))["delivered"] == 75.0


def test_nothing_to_measure_is_none_not_zero():
	found = rules.figures(Counts())
	assert found["come_back_rate"] is None and found["repeat_over_first"] is None
	assert found["timed_reply_rate"] is None and found["timed_over_broadcast"] is None
	assert found["first_visits"] == 0


def test_columns_for_each_comparison():
	first, last = date(2026, 1, 1), date(2026, 3, 31)
	assert rules.columns_for(rules.BEFORE_AND_AFTER, ["After"], first, last) == [rules.BEFORE, rules.AFTER]
	assert rules.columns_for(rules.MONTH, [], first, last) == ["2026-01-01", "2026-02-01", "2026-03-01"]
	assert rules.columns_for(rules.STORE, ["Saket", "", "Andheri"], first, last) == ["Andheri", "Saket", ""]


def test_the_table_has_a_row_a_figure_and_a_value_a_column():
	rows = rules.table({"Saket": Counts(first_visits=3)}, ["Andheri", "Saket"])
	assert [row["figure"] for row in rows] == list(rules.FIGURE_KEYS)
	first_visits = next(row for row in rows if row["figure"] == "first_visits")
	assert (first_visits["c0"], first_visits["c1"], first_visits["fieldtype"]) == (0, 3, "Int")


counts_strategy = st.builds(
	Counts,
	first_time_buyers=st.integers(0, 100),
	first_visits=st.integers(0, 100),
	first_amount=st.integers(0, 10**7).map(float),
	repeat_visits=st.integers(0, 100),
	referred_amount=st.integers(0, 10**6).map(float),
)


@given(st.lists(counts_strategy, max_size=5))
def test_the_total_adds_every_column(columns):
	total = rules.total(columns)
	assert total.first_visits == sum(c.first_visits for c in columns)
	assert total.first_amount == sum(c.first_amount for c in columns)
	assert total.referred_amount == sum(c.referred_amount for c in columns)


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_a_rate_is_a_percentage_or_unknown(part, whole):
	found = rules.rate(min(part, whole), whole)
	assert found is None if whole == 0 else 0 <= found <= 100


def _sale(customer, day, amount, store="A"):
	return SaleRow(customer, day, store, "asha", Decimal(amount), datetime(2026, 1, 1))


def test_month_counts_leave_out_the_walk_in_and_count_who_came_back():
	found = rules.month_counts(
		visits_of(
			[
				_sale("C1", date(2025, 1, 10), 100),
				_sale("C1", date(2025, 12, 1), 300),
				_sale("C2", date(2025, 1, 20), 50),
				_sale("WALK-IN", date(2025, 1, 20), 9),
			]
		),
		walk_in="WALK-IN",
	)
	assert found == {
		(date(2025, 1, 1), "A", "asha", True, False): (2, Decimal(150), 1),
		(date(2025, 12, 1), "A", "asha", False, False): (1, Decimal(300), 0),
	}


def test_a_new_visit_moves_the_month_of_the_last_one_too():
	before = visits_of([_sale("C1", date(2025, 1, 10), 100)])
	after = visits_of([_sale("C1", date(2025, 1, 10), 100), _sale("C1", date(2025, 6, 1), 40)])
	deltas = rules.month_deltas(changes(before, after))
	assert deltas == {
		(date(2025, 1, 1), "A", "asha", True, False): (0, Decimal(0), 1),  # she came back
		(date(2025, 6, 1), "A", "asha", False, False): (1, Decimal(40), 0),
	}


@given(
	st.lists(
		st.tuples(
			st.sampled_from(["C1", "C2"]), st.dates(date(2024, 1, 1), date(2026, 12, 31)), st.integers(1, 999)
		),
		max_size=12,
	),
	st.lists(
		st.tuples(
			st.sampled_from(["C1", "C2"]), st.dates(date(2024, 1, 1), date(2026, 12, 31)), st.integers(1, 999)
		),
		max_size=12,
	),
)
def test_counts_moved_by_the_deltas_are_the_counts_counted_anew(old_sales, new_sales):
	old = visits_of([_sale(*row) for row in old_sales])
	new = visits_of([_sale(*row) for row in new_sales])
	counts = rules.month_counts(old)
	for key, delta in rules.month_deltas(changes(old, new)).items():
		current = counts.get(key, (0, Decimal(0), 0))
		counts[key] = tuple(c + d for c, d in zip(current, delta, strict=True))
	assert {k: v for k, v in counts.items() if any(v)} == rules.month_counts(new)
