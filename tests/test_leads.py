"""An enquiry's rules: how its stage may move, when its next step is due or overdue, its age, and
the budget band of an amount."""

from datetime import date
from decimal import Decimal

import pytest

from jewel_clienteling.domain import leads
from jewel_clienteling.domain.leads import (
	BUDGET_BANDS,
	STAGE_CONTACTED,
	STAGE_ESTIMATE_SENT,
	STAGE_FOLLOW_UP,
	STAGE_LOST,
	STAGE_NEW,
	STAGE_VISITED,
	STAGE_WON,
	STAGES,
	WON_BY_SALE,
	WON_EXPLICITLY,
	LeadError,
	check_next_step,
	check_stage,
)

TODAY = date(2026, 11, 30)
OPEN_STAGES = (STAGE_NEW, STAGE_CONTACTED, STAGE_VISITED, STAGE_ESTIMATE_SENT, STAGE_FOLLOW_UP)


def refused(reason, call, *args):
	with pytest.raises(LeadError) as caught:
		call(*args)
	assert caught.value.reason == reason


@pytest.mark.parametrize("before", (None, *OPEN_STAGES))
@pytest.mark.parametrize("after", OPEN_STAGES)
def test_open_stages_move_freely_among_themselves(before, after):
	assert check_stage(before, after) == after


def test_a_new_lead_without_a_stage_is_new():
	assert check_stage(None, None) == STAGE_NEW
	assert check_stage(None, "") == STAGE_NEW


def test_lost_needs_a_reason_in_words():
	refused("lost_needs_reason", check_stage, STAGE_CONTACTED, STAGE_LOST, None)
	refused("lost_needs_reason", check_stage, STAGE_CONTACTED, STAGE_LOST, "   ")
	assert check_stage(STAGE_CONTACTED, STAGE_LOST, "Bought elsewhere") == STAGE_LOST


def test_won_only_by_a_sale_or_explicitly():
	refused("won_needs_sale", check_stage, STAGE_ESTIMATE_SENT, STAGE_WON)
	refused("won_needs_sale", check_stage, STAGE_ESTIMATE_SENT, STAGE_WON, None, "form")
	assert check_stage(STAGE_ESTIMATE_SENT, STAGE_WON, None, WON_BY_SALE) == STAGE_WON
	assert check_stage(STAGE_LOST, STAGE_WON, "Price", WON_EXPLICITLY) == STAGE_WON


def test_won_is_final_and_a_lost_lead_may_open_again():
	for after in (*OPEN_STAGES, STAGE_LOST):
		refused("won_is_final", check_stage, STAGE_WON, after, "changed her mind", WON_EXPLICITLY)
	assert check_stage(STAGE_WON, STAGE_WON) == STAGE_WON  # saving a won lead again changes nothing
	assert check_stage(STAGE_LOST, STAGE_CONTACTED) == STAGE_CONTACTED


def test_an_unknown_stage_is_refused():
	refused("unknown_stage", check_stage, STAGE_NEW, "Maybe")


def test_an_open_leads_next_step_needs_its_day_and_a_closed_lead_has_none():
	refused("next_step_needs_date", check_next_step, STAGE_VISITED, "Send the estimate", None)
	assert check_next_step(STAGE_VISITED, " Call ", TODAY) == ("Call", TODAY)
	assert check_next_step(STAGE_VISITED, None, TODAY) == (None, TODAY)
	assert check_next_step(STAGE_LOST, "Call", TODAY) == (None, None)
	assert check_next_step(STAGE_WON, "Call", None) == (None, None)


def test_due_today_overdue_the_day_after_and_never_once_closed():
	assert leads.is_due(STAGE_CONTACTED, TODAY, TODAY)
	assert not leads.is_overdue(STAGE_CONTACTED, TODAY, TODAY)
	tomorrow = date(2026, 12, 1)
	assert leads.is_overdue(STAGE_CONTACTED, TODAY, tomorrow)
	assert not leads.is_due(STAGE_CONTACTED, tomorrow, TODAY)
	for closed in (STAGE_WON, STAGE_LOST):
		assert not leads.is_due(closed, TODAY, tomorrow)
		assert not leads.is_overdue(closed, TODAY, tomorrow)
	assert not leads.is_due(STAGE_NEW, None, TODAY)


def test_age_is_days_since_the_enquiry_came_in():
	assert leads.age_days(TODAY, TODAY) == 0
	assert leads.age_days(date(2026, 11, 1), TODAY) == 29
	assert leads.age_days(date(2026, 12, 5), TODAY) == 0


@pytest.mark.parametrize(
	("amount", "band"),
	[
		(None, None),
		(0, None),
		(-5, None),
		(49_999, BUDGET_BANDS[0]),
		(50_000, BUDGET_BANDS[1]),
		(Decimal("199999.99"), BUDGET_BANDS[2]),
		(200_000, BUDGET_BANDS[3]),
		(999_999, BUDGET_BANDS[4]),
		(1_000_000, BUDGET_BANDS[5]),
		(50_000_000, BUDGET_BANDS[5]),
	],
)
def test_budget_band_of_an_amount(amount, band):
	assert leads.budget_band(amount) == band


def test_every_stage_is_open_or_closed_and_only_won_and_lost_close():
	assert [stage for stage in STAGES if not leads.is_open(stage)] == [STAGE_WON, STAGE_LOST]


def test_an_estimate_moves_an_early_lead_to_estimate_sent_and_no_further_one_back():
	for stage in (leads.STAGE_NEW, leads.STAGE_CONTACTED, leads.STAGE_VISITED, None):
		assert leads.stage_after_estimate(stage) == STAGE_ESTIMATE_SENT
	for stage in (STAGE_ESTIMATE_SENT, STAGE_FOLLOW_UP, STAGE_WON, STAGE_LOST):
		assert leads.stage_after_estimate(stage) is None
