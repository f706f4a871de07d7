"""What a webhook changes: a message's status only moves forward, 'STOP' means stop, and free text is
allowed only within 24 hours of her last message."""

from datetime import datetime, timedelta
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.incoming import (
	STATUS_RANK,
	consent_intent,
	next_status,
	window_open,
)
from tests.whatsapp_helpers import UTC

# --- A status only moves forward ------------------------------------------------------------------


@pytest.mark.parametrize(
	"current, incoming, expected",
	[
		(None, "sent", "sent"),
		(None, "read", "read"),
		(None, "failed", "failed"),
		("queued", "delivered", "delivered"),
		("sent", "delivered", "delivered"),
		("delivered", "read", "read"),
		("sent", "read", "read"),
		("read", "delivered", None),
		("delivered", "sent", None),
		("sent", "sent", None),
		("read", "read", None),
		("sent", "failed", "failed"),
		("delivered", "failed", "failed"),
		("read", "failed", None),
		("failed", "delivered", None),
		("failed", "read", None),
		("failed", "failed", None),
		("sent", "deleted", None),
		("sent", "warning", None),
		("sent", None, None),
		("SENT", "Delivered", "delivered"),
	],
)
def test_status_moves_only_forward(current, incoming, expected):
	assert next_status(current, incoming) == expected


def _fold(events):
	current = None
	for incoming in events:
		current = next_status(current, incoming) or current
	return current


def test_statuses_in_any_order_end_at_read():
	for order in permutations(["sent", "delivered", "read"]):
		assert _fold(order) == "read"
	assert set(STATUS_RANK) == {"sent", "delivered", "read", "failed"}


@given(st.lists(st.sampled_from(["sent", "delivered", "read", "failed", "deleted", "typing"]), max_size=12))
def test_replayed_and_shuffled_statuses_settle_where_they_should(events):
	# Independent statement of the rule: whichever of read and failed came first is final; otherwise the
	# furthest of sent and delivered; unknown statuses count for nothing.
	ends = [e for e in events if e in ("read", "failed")]
	progress = [e for e in events if e in ("sent", "delivered")]
	expected = (
		ends[0] if ends else ("delivered" if "delivered" in progress else ("sent" if progress else None))
	)
	assert _fold(events) == expected
	assert _fold(events + events) == expected  # Meta sends each webhook at least once
	assert expected is None or next_status(expected, expected) is None


# --- Her consent, in her words --------------------------------------------------------------------


@pytest.mark.parametrize(
	"text",
	[
		"STOP",
		"stop",
		"Stop.",
		"  stop  ",
		"Stop!!!",
		"STOP ALL",
		"stopall",
		"Unsubscribe",
		"CANCEL",
		"Opt out",
		"OPT-OUT",
		"optout",
		"opt_out",
		"\uff33\uff34\uff2f\uff30",  # STOP typed in full-width letters
		"Stop 🙏",
		"🛑 STOP",
		"stop\n",
		"«Stop»",
	],
)
def test_stop_words_as_the_whole_message_mean_stop(text):
	assert consent_intent(text) == "stop"


@pytest.mark.parametrize(
	"text", ["START", "start.", "Subscribe", "unstop", "Opt in", "opt-in", "OPTIN", "Start 👍"]
)
def test_start_words_mean_start(text):
	assert consent_intent(text) == "start"


@pytest.mark.parametrize(
	"text",
	[
		"please stop calling my husband",
		"don't stop",
		"Stop by the store tomorrow?",
		"stopped",
		"cancel my order",
		"Started wearing it, love it",
		"stop stop",
		"s t o p",
		"",
		"   ",
		"🙏",
		None,
		42,
	],
)
def test_a_sentence_that_merely_contains_the_word_is_not_consent(text):
	assert consent_intent(text) is None


# --- The 24-hour window ---------------------------------------------------------------------------


def test_free_text_only_within_24_hours_of_her_last_message():
	wrote = datetime(2024, 11, 1, 10, 0, tzinfo=UTC)
	assert window_open(wrote, wrote + timedelta(hours=23, minutes=59, seconds=59))
	assert not window_open(wrote, wrote + timedelta(hours=24))
	assert not window_open(wrote, wrote + timedelta(hours=24, seconds=1))
	assert window_open(wrote, wrote)
	assert window_open(wrote, wrote + timedelta(hours=47), hours=48)
	assert not window_open(None, wrote)
