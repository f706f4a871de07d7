"""The inbox's pure rules: whose turn a new enquiry is, what may be sent from the desk, when an
unanswered message goes up to the manager, and the line the inbox shows."""

from datetime import datetime, timedelta

import pytest

from jewel_clienteling.domain import inbox

NOW = datetime(2026, 11, 30, 10, 0)


def test_turns_go_round_the_store_in_name_order():
	people = ["zara@x", "amit@x", "meera@x"]
	assert [inbox.in_turn(people, turn) for turn in range(4)] == ["amit@x", "meera@x", "zara@x", "amit@x"]


def test_no_one_to_take_a_turn():
	assert inbox.in_turn([], 5) is None


def test_free_text_while_the_window_is_open():
	assert inbox.reply_kind(NOW - timedelta(hours=23, minutes=59), NOW, "Yes", None) == inbox.FREE_TEXT


@pytest.mark.parametrize("last", [NOW - timedelta(hours=24), NOW - timedelta(days=3), None])
def test_free_text_is_refused_after_the_window(last):
	with pytest.raises(inbox.ReplyRefused) as refused:
		inbox.reply_kind(last, NOW, "Yes", None)
	assert refused.value.reason == "window_closed"


def test_a_template_goes_whatever_the_window():
	assert inbox.reply_kind(None, NOW, "", "jc_follow_up") == inbox.TEMPLATE
	assert inbox.reply_kind(NOW, NOW, None, "jc_follow_up") == inbox.TEMPLATE


@pytest.mark.parametrize(("text", "template", "reason"), [("  ", None, "empty"), ("Hi", "t", "both")])
def test_nothing_or_both_is_refused(text, template, reason):
	with pytest.raises(inbox.ReplyRefused) as refused:
		inbox.reply_kind(NOW, NOW, text, template)
	assert refused.value.reason == reason


def test_the_window_closes_a_day_after_her_last_message():
	assert inbox.window_closes_at(NOW) == NOW + timedelta(hours=24)
	assert inbox.window_closes_at(None) is None


def test_escalation_waits_the_hours_set_else_the_default():
	assert inbox.escalate_before(NOW, 2) == NOW - timedelta(hours=2)
	assert inbox.escalate_before(NOW, 0) == NOW - timedelta(hours=inbox.DEFAULT_ESCALATE_AFTER_HOURS)


def test_the_preview_is_one_short_line():
	assert inbox.preview("do you have\npolki  sets?") == "do you have polki sets?"
	assert len(inbox.preview("x" * 500)) == inbox.PREVIEW_CHARS
	assert inbox.preview(None, "image") == "[image]"
