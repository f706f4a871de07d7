"""Custom order rules: stages only move forward, which stages tell her, when an order is overdue."""

from datetime import date
from decimal import Decimal

import pytest

from jewel_clienteling.domain.custom_orders import (
	DELIVERED,
	DESIGN_APPROVED,
	IN_MAKING,
	READY,
	StageRefused,
	balance,
	check_move,
	days_overdue,
	is_overdue,
	message_context,
	tells_her,
)
from jewel_clienteling.domain.rendering import NAMES

TODAY = date(2030, 4, 15)


@pytest.mark.parametrize(
	"old,new",
	[
		(None, DESIGN_APPROVED),
		(None, READY),
		(DESIGN_APPROVED, IN_MAKING),
		(DESIGN_APPROVED, READY),
		(IN_MAKING, DELIVERED),
		(READY, READY),
		(None, None),
	],
)
def test_a_stage_moves_forward_and_may_skip(old, new):
	check_move(old, new)


@pytest.mark.parametrize(
	"old,new", [(READY, IN_MAKING), (DELIVERED, READY), (IN_MAKING, None), (None, "Shipped")]
)
def test_a_stage_never_goes_back_nor_is_cleared_nor_invented(old, new):
	with pytest.raises(StageRefused):
		check_move(old, new)


def test_she_hears_of_approval_making_and_ready_but_not_delivery_nor_the_same_stage_twice():
	assert tells_her(None, DESIGN_APPROVED)
	assert tells_her(DESIGN_APPROVED, IN_MAKING)
	assert tells_her(IN_MAKING, READY)
	assert not tells_her(READY, DELIVERED)
	assert not tells_her(READY, READY)
	assert not tells_her(None, None)


def test_overdue_is_a_passed_promise_not_delivered():
	yesterday, today, tomorrow = date(2030, 4, 14), TODAY, date(2030, 4, 16)
	assert is_overdue(yesterday, IN_MAKING, "To Deliver and Bill", 0, TODAY)
	assert is_overdue(yesterday, None, "To Deliver and Bill", 0, TODAY)
	assert not is_overdue(today, IN_MAKING, "To Deliver and Bill", 0, TODAY)  # due today is not late yet
	assert not is_overdue(tomorrow, IN_MAKING, "To Deliver and Bill", 0, TODAY)
	assert not is_overdue(None, IN_MAKING, "To Deliver and Bill", 0, TODAY)
	assert not is_overdue(yesterday, DELIVERED, "To Deliver and Bill", 0, TODAY)
	assert not is_overdue(yesterday, READY, "Completed", 0, TODAY)
	assert not is_overdue(yesterday, READY, "Closed", 0, TODAY)
	assert not is_overdue(yesterday, READY, "To Bill", 100, TODAY)  # a Delivery Note gave it to her
	assert days_overdue(date(2030, 4, 10), TODAY) == 5
	assert days_overdue(tomorrow, TODAY) == 0


def test_the_balance_is_after_erpnexts_advance_and_never_negative():
	assert balance(85000, 25000) == Decimal(60000)
	assert balance(85000, None) == Decimal(85000)
	assert balance(85000, 90000) == Decimal(0)


def test_a_status_message_says_only_registered_words():
	context = message_context(READY, "Polki ring", date(2030, 4, 10), "SAL-ORD-0001", 25000, "INR")
	assert set(context) <= NAMES
	assert context["order_promised_date"] == "2030-04-10"
	assert context["order_advance"] == "INR 25,000.00"
