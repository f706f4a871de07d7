"""The repair desk as a jeweller runs it: a ticket moves one step at a time, and she is told when it is
ready, reminded when she forgets it, and asked how it went once she has it back."""

import ast
import inspect
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain import repairs
from jewel_clienteling.domain.outreach import REPAIR_READY
from jewel_clienteling.domain.repairs import (
	FINAL_STATUSES,
	STATUS_APPROVED,
	STATUS_AT_WORKSHOP,
	STATUS_CANCELLED,
	STATUS_DELIVERED,
	STATUS_ESTIMATED,
	STATUS_READY,
	STATUS_RECEIVED,
	STATUSES,
	InvalidDates,
	InvalidTransition,
	allowed_next,
	check_transition,
	is_free_under_warranty,
	is_overdue,
	is_uncollected,
	message_on_status_change,
	review_request_day,
	review_requests_delivered,
	turnaround_days,
	uncollected_reminder_cycle,
	withdraws_pickup_messages,
)

# The desk's rule, written out independently of the code.
ORDER = ["Received", "Estimated", "Approved", "At Workshop", "Ready", "Delivered"]


def desk_allows(current: str, new: str, direct: bool) -> bool:
	if current in ("Delivered", "Cancelled"):
		return False
	if new == "Cancelled":
		return True
	if direct and (current, new) == ("Received", "At Workshop"):
		return True
	return ORDER.index(new) == ORDER.index(current) + 1


statuses = st.sampled_from(STATUSES)
days = st.dates(date(2000, 1, 1), date(2060, 12, 31))


def refusal(current, new, **kwargs) -> str:
	with pytest.raises(InvalidTransition) as error:
		check_transition(current, new, **kwargs)
	return error.value.reason


# --- purity ------------------------------------------------------------------------------------


def test_the_module_does_not_import_frappe():
	tree = ast.parse(inspect.getsource(repairs))
	imported = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			imported |= {alias.name.split(".")[0] for alias in node.names}
		elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jewel_clienteling.domain."):
			continue  # another pure domain module (the reason names live in domain/outreach.py)
		elif isinstance(node, ast.ImportFrom):
			imported.add((node.module or "").split(".")[0])
	assert "frappe" not in imported
	assert imported <= {"__future__", "datetime", "decimal", "dataclasses", "enum"}


# --- how a ticket moves -------------------------------------------------------------------------


def test_a_ring_cannot_go_from_received_to_ready():
	assert refusal(STATUS_RECEIVED, STATUS_READY) == "step_skipped"


def test_cancelling_a_delivered_ticket_is_refused():
	assert refusal(STATUS_DELIVERED, STATUS_CANCELLED, reason="Customer changed her mind") == "already_final"


def test_a_cancelled_ticket_cannot_be_revived():
	assert refusal(STATUS_CANCELLED, STATUS_RECEIVED) == "already_final"
	assert allowed_next(STATUS_CANCELLED) == ()
	assert allowed_next(STATUS_DELIVERED) == ()


def test_cancelling_needs_a_reason():
	assert refusal(STATUS_ESTIMATED, STATUS_CANCELLED) == "cancel_reason_missing"
	assert refusal(STATUS_ESTIMATED, STATUS_CANCELLED, reason="   ") == "cancel_reason_missing"
	check_transition(STATUS_ESTIMATED, STATUS_CANCELLED, reason="Estimate too high for her")


def test_a_piece_back_from_the_workshop_cannot_be_sent_back_to_estimation():
	assert refusal(STATUS_READY, STATUS_ESTIMATED) == "step_back"


def test_a_free_service_may_go_straight_to_the_workshop_only_when_the_shop_allows_it():
	assert refusal(STATUS_RECEIVED, STATUS_AT_WORKSHOP) == "step_skipped"
	check_transition(STATUS_RECEIVED, STATUS_AT_WORKSHOP, allow_direct_to_workshop=True)
	assert allowed_next(STATUS_RECEIVED, allow_direct_to_workshop=True) == (
		STATUS_ESTIMATED,
		STATUS_AT_WORKSHOP,
		STATUS_CANCELLED,
	)
	# the option opens that one door and no other
	assert refusal(STATUS_ESTIMATED, STATUS_AT_WORKSHOP, allow_direct_to_workshop=True) == "step_skipped"


def test_the_whole_walk_of_a_paid_repair():
	walk = [
		STATUS_RECEIVED,
		STATUS_ESTIMATED,
		STATUS_APPROVED,
		STATUS_AT_WORKSHOP,
		STATUS_READY,
		STATUS_DELIVERED,
	]
	for current, new in pairwise(walk):
		assert allowed_next(current) == (new, STATUS_CANCELLED)
		check_transition(current, new)


def test_saving_a_ticket_without_changing_its_status_is_no_move():
	check_transition(STATUS_APPROVED, STATUS_APPROVED)
	check_transition(STATUS_DELIVERED, STATUS_DELIVERED)


def test_an_unknown_status_is_refused():
	assert refusal(STATUS_RECEIVED, "Lost") == "unknown_status"
	with pytest.raises(InvalidTransition):
		allowed_next("Polishing")


def test_a_refused_move_is_a_value_error():
	with pytest.raises(ValueError):
		check_transition(STATUS_RECEIVED, STATUS_DELIVERED)


@given(current=statuses, new=statuses, direct=st.booleans())
def test_a_move_is_accepted_exactly_when_the_desk_allows_it(current, new, direct):
	accepted = True
	try:
		check_transition(current, new, allow_direct_to_workshop=direct, reason="She asked")
	except InvalidTransition:
		accepted = False
	assert accepted == (current == new or desk_allows(current, new, direct))
	assert (new in allowed_next(current, direct)) == desk_allows(current, new, direct)


@given(choices=st.lists(st.integers(0, 10), max_size=12), direct=st.booleans())
def test_a_random_walk_along_allowed_moves_stays_within_the_rules(choices, direct):
	walk = [STATUS_RECEIVED]
	for choice in choices:
		options = allowed_next(walk[-1], direct)
		if not options:
			break
		new = options[choice % len(options)]
		check_transition(walk[-1], new, allow_direct_to_workshop=direct, reason="She asked")
		walk.append(new)
	for current, new in pairwise(walk):
		assert desk_allows(current, new, direct)
	assert all(status not in FINAL_STATUSES for status in walk[:-1])
	if STATUS_DELIVERED in walk:
		assert walk[-2] == STATUS_READY
	if STATUS_AT_WORKSHOP in walk and not direct:
		assert STATUS_APPROVED in walk


@given(attempts=st.lists(statuses, max_size=20), direct=st.booleans())
def test_no_path_reaches_delivered_without_passing_ready(attempts, direct):
	# the desk tries anything; only moves the rules accept are made
	walk = [STATUS_RECEIVED]
	for new in attempts:
		try:
			check_transition(walk[-1], new, allow_direct_to_workshop=direct, reason="She asked")
		except InvalidTransition:
			continue
		walk.append(new)
	if STATUS_DELIVERED in walk:
		assert STATUS_READY in walk[: walk.index(STATUS_DELIVERED)]


# --- warranty and the desk's views --------------------------------------------------------------


def test_a_ring_bought_within_the_warranty_is_repaired_free_to_the_last_day():
	sold = date(2024, 3, 1)
	assert is_free_under_warranty(sold, sold + timedelta(days=365), 365)
	assert not is_free_under_warranty(sold, sold + timedelta(days=366), 365)


def test_a_piece_not_sold_here_or_with_no_warranty_is_charged():
	assert not is_free_under_warranty(None, date(2024, 3, 1), 365)
	assert not is_free_under_warranty(date(2024, 3, 1), date(2024, 3, 2), 0)
	assert not is_free_under_warranty(date(2024, 3, 10), date(2024, 3, 1), 365)


def test_a_ticket_is_overdue_the_day_after_its_promise():
	promised = date(2024, 6, 10)
	assert not is_overdue(promised, STATUS_AT_WORKSHOP, promised)
	assert is_overdue(promised, STATUS_AT_WORKSHOP, promised + timedelta(days=1))
	assert not is_overdue(promised, STATUS_DELIVERED, promised + timedelta(days=5))
	assert not is_overdue(promised, STATUS_CANCELLED, promised + timedelta(days=5))
	assert not is_overdue(None, STATUS_RECEIVED, promised)


def test_a_ready_piece_is_uncollected_after_the_set_days():
	ready = date(2024, 6, 10)
	assert not is_uncollected(ready, STATUS_READY, ready + timedelta(days=13), 14)
	assert is_uncollected(ready, STATUS_READY, ready + timedelta(days=14), 14)
	assert not is_uncollected(ready, STATUS_DELIVERED, ready + timedelta(days=30), 14)
	assert not is_uncollected(ready, STATUS_READY, ready + timedelta(days=30), 0)


def test_turnaround_is_counted_in_days_at_the_workshop():
	assert turnaround_days(date(2024, 6, 1), date(2024, 6, 8)) == 7
	assert turnaround_days(date(2024, 6, 1), None) is None
	with pytest.raises(InvalidDates) as error:
		turnaround_days(date(2024, 6, 8), date(2024, 6, 1))
	assert error.value.reason == "received_before_sent"


# --- when to write to her -----------------------------------------------------------------------


def test_she_is_told_when_her_piece_is_ready_and_only_then():
	assert message_on_status_change(STATUS_AT_WORKSHOP, STATUS_READY) == REPAIR_READY
	assert message_on_status_change(STATUS_READY, STATUS_READY) is None
	assert message_on_status_change(STATUS_READY, STATUS_DELIVERED) is None
	assert message_on_status_change(STATUS_APPROVED, STATUS_AT_WORKSHOP) is None


def test_pickup_messages_are_withdrawn_once_the_piece_stops_waiting_for_her():
	# still with us, or only now ready: nothing to withdraw
	assert not withdraws_pickup_messages(None, STATUS_RECEIVED)
	assert not withdraws_pickup_messages(STATUS_APPROVED, STATUS_AT_WORKSHOP)
	assert not withdraws_pickup_messages(STATUS_AT_WORKSHOP, STATUS_READY)
	assert not withdraws_pickup_messages(STATUS_READY, STATUS_READY)
	# collected, sent back for rework, or the ticket cancelled at any step
	assert withdraws_pickup_messages(STATUS_READY, STATUS_DELIVERED)
	assert withdraws_pickup_messages(STATUS_READY, STATUS_AT_WORKSHOP)
	assert withdraws_pickup_messages(STATUS_READY, STATUS_CANCELLED)
	assert withdraws_pickup_messages(STATUS_ESTIMATED, STATUS_CANCELLED)


def test_a_forgotten_piece_gets_one_reminder_per_cycle():
	ready = date(2024, 6, 10)
	on = [uncollected_reminder_cycle(ready, STATUS_READY, ready + timedelta(days=n), 7) for n in range(22)]
	assert on[:7] == [None] * 7
	assert on[7:14] == [1] * 7
	assert on[14:21] == [2] * 7
	assert on[21] == 3
	assert uncollected_reminder_cycle(ready, STATUS_DELIVERED, ready + timedelta(days=30), 7) is None


@given(ready=days, waited=st.integers(0, 400), every=st.integers(1, 60))
def test_reminder_cycles_start_at_one_and_only_ever_climb_by_one(ready, waited, every):
	today = ready + timedelta(days=waited)
	cycle = uncollected_reminder_cycle(ready, STATUS_READY, today, every)
	tomorrow = uncollected_reminder_cycle(ready, STATUS_READY, today + timedelta(days=1), every)
	assert (cycle is None) == (waited < every)
	assert (cycle is not None) == is_uncollected(ready, STATUS_READY, today, every)
	assert (tomorrow or 0) - (cycle or 0) in (0, 1)
	# a new cycle starts exactly on a multiple of the setting
	assert ((tomorrow or 0) != (cycle or 0)) == ((waited + 1) % every == 0)


def _within(day: date, window: tuple[date, date]) -> bool:
	return window[0] <= day <= window[1]


@given(
	delivered=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
	first=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
	span=st.integers(0, 40),
	days=st.integers(0, 30),
)
def test_a_piece_is_found_on_the_planning_days_its_review_falls_due(delivered, first, span, days):
	last = first + timedelta(days=span)
	found = _within(delivered, review_requests_delivered(first, last, days))
	assert found == (first <= review_request_day(delivered, days) <= last)


def test_a_review_is_asked_for_some_days_after_delivery():
	delivered = date(2024, 6, 10)
	assert review_request_day(delivered, 3) == delivered + timedelta(days=3)
	# planned on the third day after, not the second: the piece is found on the day it is due
	day = delivered + timedelta(days=3)
	assert review_requests_delivered(day, day, 3) == (delivered, delivered)
	assert not _within(
		delivered, review_requests_delivered(day - timedelta(days=1), day - timedelta(days=1), 3)
	)
	# a missed week is caught up: every piece delivered in the week before it
	start, end = review_requests_delivered(day, day + timedelta(days=6), 3)
	assert (start, end) == (delivered, delivered + timedelta(days=6))
	assert review_requests_delivered(day, day, -1) == (day, day)
