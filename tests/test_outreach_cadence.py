"""When to write to her: an occasion reminded ahead and greeted on the day, the steps after a purchase
with care advice for what she bought, a lapse noticed once, and a festive buyer found in the window."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.outreach_cadence import (
	POST_PURCHASE_STEPS,
	bought_around,
	cadence,
	care_topic,
	lapse_cycle,
	lapse_due,
	occasion_cycle,
	occasion_leads,
	occasion_reminders,
	occasion_step,
	parse_days,
	planning_days,
	years_since,
)

# --- occasions ---------------------------------------------------------------------------------


def test_days_ahead_are_read_largest_first_without_repeats():
	assert parse_days("42, 7, 0", ()) == (42, 7, 0)
	assert parse_days("0,7,42,7", ()) == (42, 7, 0)
	assert parse_days(" 30 ,", ()) == (30,)


def test_nothing_written_gives_the_default():
	assert parse_days(None, (42, 7, 0)) == (42, 7, 0)
	assert parse_days("", (42, 7, 0)) == (42, 7, 0)
	assert parse_days("  ", (14,)) == (14,)


@pytest.mark.parametrize("text", ["-7", "7.5", "seven", "42; 7", "4 2", "0x10", "1e3", "+7"])
def test_days_that_cannot_be_read_are_refused(text):
	with pytest.raises(ValueError):
		parse_days(text, (42, 7, 0))


@given(
	days=st.lists(st.integers(0, 400), min_size=1, max_size=6),
	spaces=st.lists(st.sampled_from(["", " ", "  "]), min_size=12, max_size=12),
)
def test_days_written_any_way_read_back_as_the_same_set(days, spaces):
	text = ",".join(f"{spaces[2 * i % 12]}{n}{spaces[(2 * i + 1) % 12]}" for i, n in enumerate(days))
	read = parse_days(text, (99,))
	assert set(read) == set(days)
	assert list(read) == sorted(read, reverse=True)
	assert len(read) == len(set(read))


def test_an_occasion_with_its_own_lead_is_reminded_then_and_greeted_on_the_day():
	by_type = {"Anniversary": (42, 7, 0)}
	assert occasion_leads(30, by_type, "Anniversary", (7, 0)) == (30, 0)


def test_without_its_own_lead_an_occasion_follows_its_type_then_the_default():
	by_type = {"Anniversary": (0, 42, 7), "Festival": ()}
	assert occasion_leads(None, by_type, "Anniversary", (7, 0)) == (42, 7, 0)
	assert occasion_leads(0, by_type, "Anniversary", (7, 0)) == (42, 7, 0)
	assert occasion_leads(None, by_type, "Birthday", (0, 7)) == (7, 0)
	# a type with nothing set falls back to the default
	assert occasion_leads(None, by_type, "Festival", (7, 0)) == (7, 0)


def test_steps_and_cycles_name_the_reminder():
	assert occasion_step(0) == "On the day"
	assert occasion_step(42) == "42 days ahead"
	assert occasion_cycle(date(2027, 1, 5), 42) == "2027-01-05/42"


def test_an_anniversary_on_5_january_is_reminded_in_november_and_december_and_greeted_on_the_day():
	found = occasion_reminders(date(2027, 1, 5), (42, 7, 0), date(2026, 11, 1), date(2027, 1, 31))
	assert found == [(date(2026, 11, 24), 42), (date(2026, 12, 29), 7), (date(2027, 1, 5), 0)]


def test_a_planner_back_after_three_days_catches_up_what_fell_due():
	# it last ran on 27 December and covers 28 to 30 December: only the week-ahead reminder is due
	found = occasion_reminders(date(2027, 1, 5), (42, 7, 0), date(2026, 12, 28), date(2026, 12, 30))
	assert found == [(date(2026, 12, 29), 7)]
	assert occasion_reminders(date(2027, 1, 5), (42, 7, 0), date(2026, 12, 30), date(2027, 1, 4)) == []


@settings(max_examples=200)
@given(
	occurrence=st.dates(date(2025, 1, 1), date(2028, 12, 31)),
	leads=st.lists(st.integers(0, 120), max_size=6),
	start_back=st.integers(-30, 150),
	span=st.integers(0, 60),
)
def test_every_reminder_in_the_window_exactly_once(occurrence, leads, start_back, span):
	first_day = occurrence - timedelta(days=start_back)
	last_day = first_day + timedelta(days=span)
	expected = []
	day = first_day
	while day <= last_day:
		for lead in sorted(set(leads), reverse=True):
			if day + timedelta(days=lead) == occurrence:
				expected.append((day, lead))
		day += timedelta(days=1)
	assert occasion_reminders(occurrence, leads, first_day, last_day) == expected


@given(
	occurrence=st.dates(date(2025, 1, 1), date(2028, 12, 31)),
	leads=st.lists(st.integers(0, 120), max_size=6),
	cuts=st.lists(st.integers(0, 200), min_size=1, max_size=5),
)
def test_windows_that_follow_each_other_remind_each_lead_once(occurrence, leads, cuts):
	# the planner runs on a few days; each run covers the days since the last one
	start = occurrence - timedelta(days=200)
	bounds = [start, *sorted(start + timedelta(days=cut) for cut in cuts), occurrence]
	reminded = []
	for previous, current in pairwise(bounds):
		if current > previous:
			reminded += occasion_reminders(occurrence, leads, previous + timedelta(days=1), current)
	reminded += occasion_reminders(occurrence, leads, start, start)
	assert sorted(lead for _, lead in reminded) == sorted({lead for lead in leads if lead <= 200})


def test_which_anniversary_this_is():
	assert years_since(2002, date(2027, 1, 5)) == 25
	assert years_since(None, date(2027, 1, 5)) is None
	assert years_since(2027, date(2027, 1, 5)) is None  # the wedding itself is no anniversary
	assert years_since(2030, date(2027, 1, 5)) is None


def test_the_planner_covers_missed_days_up_to_a_month():
	today = date(2026, 10, 10)
	assert planning_days(None, today) == [today]
	assert planning_days(today, today) == []
	assert planning_days(today + timedelta(days=1), today) == []
	assert planning_days(date(2026, 10, 7), today) == [date(2026, 10, 8), date(2026, 10, 9), today]
	month = planning_days(date(2026, 1, 1), today)
	assert len(month) == 31
	assert month[0] == date(2026, 9, 10)
	assert month[-1] == today


@given(
	today=st.dates(date(2025, 1, 1), date(2030, 12, 31)),
	gap=st.integers(-5, 100),
	max_catch_up=st.integers(1, 60),
)
def test_planning_days_are_the_latest_uncovered_days_in_order(today, gap, max_catch_up):
	last = today - timedelta(days=gap)
	days = planning_days(last, today, max_catch_up)
	uncovered = [last + timedelta(days=n) for n in range(1, gap + 1)]
	assert days == uncovered[-max_catch_up:]


# --- after a purchase --------------------------------------------------------------------------


def test_the_default_cadence_has_four_steps():
	assert POST_PURCHASE_STEPS == ("Check-in", "Care", "New arrivals", "Purchase anniversary")
	assert cadence(14, 90, 180, 365) == (
		("Check-in", 14),
		("Care", 90),
		("New arrivals", 180),
		("Purchase anniversary", 365),
	)


def test_a_step_set_to_zero_is_switched_off():
	assert cadence(14, 0, 180, 0) == (("Check-in", 14), ("New arrivals", 180))
	assert cadence(0, 0, 0, 0) == ()


@pytest.mark.parametrize(
	("metals", "stones", "topic"),
	[
		(["22K Gold"], ["Diamond"], "diamond"),
		(["18K White Gold"], ["Solitaire"], "diamond"),
		(["22K Gold"], ["Kundan"], "polki"),
		(["22K Gold"], ["Polki", "Pearl"], "polki"),
		(["22K Gold"], ["Uncut Diamond"], "polki"),  # an uncut diamond is polki, and is kept dry
		(["Silver"], ["Freshwater Pearl"], "pearl"),
		(["22K Gold"], ["Emerald"], "gemstone"),
		(["Platinum"], ["Ruby", "Diamond"], "diamond"),
		(["Platinum"], ["Sapphire", "Pearl"], "pearl"),
		(["Platinum"], [], "platinum"),
		(["Sterling Silver"], [], "silver"),
		(["Platinum", "Silver", "Gold"], [], "platinum"),
		(["Gold", "Silver"], [], "silver"),
		(["Rose Gold"], [], "gold"),
		(["Brass"], [], "gold"),
		([], [], "gold"),
		(["PLATINUM"], ["  ", ""], "platinum"),  # a blank stone is no stone
		(["gold"], ["DIAMOND"], "diamond"),
	],
)
def test_the_care_advice_follows_what_she_bought(metals, stones, topic):
	assert care_topic(metals, stones) == topic


stone_names = st.sampled_from(
	["Diamond", "Solitaire", "Polki", "Kundan", "Uncut", "Pearl", "Ruby", "Emerald"]
)
metal_names = st.sampled_from(["22K Gold", "Platinum", "Silver", "Rose Gold", "Copper"])


@given(
	metals=st.lists(metal_names, max_size=4),
	other_metals=st.lists(metal_names, max_size=4),
	stones=st.lists(stone_names, min_size=1, max_size=4),
	data=st.data(),
)
def test_a_stone_always_wins_and_order_and_capitals_do_not_matter(metals, other_metals, stones, data):
	topic = care_topic(metals, stones)
	assert topic in ("diamond", "polki", "pearl", "gemstone")
	assert care_topic(other_metals, stones) == topic
	assert care_topic(metals, data.draw(st.permutations(stones))) == topic
	assert care_topic([m.upper() for m in metals], [s.lower() for s in stones]) == topic
	assert care_topic(metals, []) in ("platinum", "silver", "gold")


def test_she_is_asked_back_once_per_lapse():
	assert lapse_due(date(2025, 3, 1), 365) == date(2026, 3, 1)
	assert lapse_cycle(date(2025, 3, 1)) == "2025-03-01"


DHANTERAS_2024 = date(2024, 10, 29)
DHANTERAS_2025 = date(2025, 10, 18)


def test_a_dhanteras_buyer_is_found_within_the_window():
	assert bought_around(DHANTERAS_2025, 7, 2) == (date(2025, 10, 11), date(2025, 10, 20))
	assert bought_around(DHANTERAS_2024, 7, 2) == (date(2024, 10, 22), date(2024, 10, 31))
	assert bought_around(DHANTERAS_2025, 0, 0) == (DHANTERAS_2025, DHANTERAS_2025)


@given(
	bought=st.dates(date(2024, 1, 1), date(2025, 12, 31)),
	festival=st.dates(date(2024, 1, 1), date(2025, 12, 31)),
	before=st.integers(0, 20),
	after=st.integers(0, 20),
)
def test_bought_around_agrees_with_a_calendar_of_festive_days(bought, festival, before, after):
	festive = {festival + timedelta(days=offset) for offset in range(-before, after + 1)}
	start, end = bought_around(festival, before, after)
	assert (start <= bought <= end) == (bought in festive)


def test_a_plain_piece_is_cared_for_as_its_metal():
	# jewellers often record "Plain" in the Stone attribute of an unset gold bangle
	assert care_topic(["Gold"], ["Plain"]) == "gold"
	assert care_topic(["Platinum"], ["None", "Diamond"]) == "diamond"
