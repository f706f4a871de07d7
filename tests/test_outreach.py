"""Outreach rules stay pure and spelled as the doctype spells them: each reason has its purpose and
priority, the same message is never queued twice, and the right person calls her."""

import ast
import hashlib
import inspect
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain import attribution, outreach, outreach_cadence
from jewel_clienteling.domain.outreach import (
	CHANNELS,
	LAPSED,
	MARKETING,
	OCCASION,
	POST_PURCHASE,
	PRIORITY,
	PURPOSE,
	REASONS,
	REPAIR_READY,
	UTILITY,
	Candidate,
	assignee,
	dedupe_key,
)
from tests.outreach_helpers import (
	CUSTOMER,
	D0,
)

# --- purity ------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [outreach, outreach_cadence, attribution])
def test_the_module_does_not_import_frappe(module):
	tree = ast.parse(inspect.getsource(module))
	imported = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			imported |= {alias.name.split(".")[0] for alias in node.names}
		elif isinstance(node, ast.ImportFrom):
			imported.add((node.module or "").split(".")[0])
	assert "frappe" not in imported
	assert imported <= {
		"__future__",
		"collections",
		"dataclasses",
		"datetime",
		"decimal",
		"hashlib",
		"re",
		"urllib",
		"phonenumbers",
	}


# --- reasons, purposes and priorities ----------------------------------------------------------


def test_reasons_are_spelled_as_in_the_doctype():
	assert REASONS == (
		"Occasion",
		"Post-purchase",
		"Lapsed",
		"Repair ready",
		"Repair uncollected",
		"Points expiring",
		"Review request",
		"Referral thank-you",
		"Campaign",
		"Walk-in follow-up",
		"Appointment reminder",
		"Appointment missed",
		"Custom order update",
		"Catalogue share",
		"Referral ask",
		"Old gold exchange offer",
		"Stay in touch",
		"Rhythm confirmed",
	)
	assert CHANNELS == ("WhatsApp", "SMS", "Email", "Manual")


def test_only_her_own_repair_and_points_are_utility():
	assert {reason for reason in REASONS if PURPOSE[reason] == UTILITY} == {
		"Repair ready",
		"Repair uncollected",
		"Points expiring",
		"Appointment reminder",  # her own booking
		"Appointment missed",
		"Custom order update",  # her own order
		"Rhythm confirmed",  # an answer to her own reply
	}
	assert set(PURPOSE) == set(REASONS)
	assert set(PURPOSE.values()) == {MARKETING, UTILITY}


def test_occasion_over_cadence_over_lapsed():
	assert PRIORITY == {
		"Repair ready": 0,
		"Rhythm confirmed": 0,
		"Repair uncollected": 0,
		"Points expiring": 1,
		"Occasion": 10,
		"Walk-in follow-up": 15,
		"Post-purchase": 20,
		"Review request": 30,
		"Referral thank-you": 40,
		"Campaign": 50,
		"Lapsed": 60,
		"Appointment reminder": 0,
		"Appointment missed": 5,
		"Custom order update": 0,
		"Catalogue share": 15,
		"Referral ask": 35,  # after her feedback is asked, before a thank-you
		"Old gold exchange offer": 45,  # her own gold for the festival, before its general invitation
		"Stay in touch": 55,  # only when the store has nothing else to say to her
	}
	assert PRIORITY[OCCASION] < PRIORITY[POST_PURCHASE] < PRIORITY[LAPSED]


# --- the same message is never queued twice ----------------------------------------------------


def test_the_key_is_the_sha1_of_the_five_parts_joined_by_the_unit_separator():
	key = dedupe_key(CUSTOMER, OCCASION, "Occasion", "OCC-0007", "2027-01-05/42")
	expected = hashlib.sha1(
		"\x1f".join([CUSTOMER, OCCASION, "Occasion", "OCC-0007", "2027-01-05/42"]).encode(),
		usedforsecurity=False,
	).hexdigest()
	assert key == expected
	assert re.fullmatch(r"[0-9a-f]{40}", key)


def test_moving_text_between_parts_makes_another_key():
	assert dedupe_key("A", "B", "C", "D", "E") != dedupe_key("A", "B", "C", "", "DE")
	assert dedupe_key("A", "B", "C", "D", "E") != dedupe_key("AB", "", "C", "D", "E")
	# even when a name carries the separator itself
	assert dedupe_key("A\x1fB", "C", "D", "E", "F") != dedupe_key("A", "B\x1fC", "D", "E", "F")
	# and when names carry the escape character as well (escaping the separator alone would join these
	# two to the same text)
	assert dedupe_key("A\x1b", "B", "C", "D", "E\x1fF") != dedupe_key("A\x1fB", "C", "D", "E\x1b", "F")


plain_parts = st.text(max_size=8)
# the separator and the escape character are drawn often: they are where an encoding breaks
tricky_parts = st.text(alphabet=st.sampled_from(["a", "b", "\x1f", "\x1b", "\\", ":"]), max_size=6)
five_parts = st.tuples(*[plain_parts | tricky_parts] * 5)


@settings(max_examples=200)
@given(first=five_parts, second=five_parts)
def test_a_key_names_exactly_one_list_of_parts(first, second):
	assert dedupe_key(*first) == dedupe_key(*first)
	assert (dedupe_key(*first) == dedupe_key(*second)) == (first == second)


def test_a_candidate_knows_its_key_purpose_priority_and_topic():
	reminder = Candidate(CUSTOMER, OCCASION, "Occasion", "OCC-0007", "2027-01-05/7", date(2026, 12, 29))
	assert reminder.key == dedupe_key(CUSTOMER, OCCASION, "Occasion", "OCC-0007", "2027-01-05/7")
	assert reminder.purpose == MARKETING
	assert reminder.priority == 10
	assert reminder.topic_key == "Occasion:OCC-0007"
	ready = Candidate(CUSTOMER, REPAIR_READY, "Repair Ticket", "RT-1", "1", D0, topic="repair RT-1")
	assert (ready.purpose, ready.priority, ready.topic_key) == (UTILITY, 0, "repair RT-1")


def test_the_template_context_does_not_make_another_candidate():
	one = Candidate(CUSTOMER, LAPSED, "Customer", CUSTOMER, "2025-01-01", D0, context={"first_name": "Asha"})
	two = Candidate(CUSTOMER, LAPSED, "Customer", CUSTOMER, "2025-01-01", D0, context={"first_name": "ASHA"})
	assert one == two
	assert hash(one) == hash(two)


def test_a_reason_the_doctype_does_not_know_is_refused():
	with pytest.raises(ValueError):
		Candidate(CUSTOMER, "Birthday", "Occasion", "OCC-1", "1", D0)


# --- who calls her -----------------------------------------------------------------------------


def test_her_own_associate_calls_her_else_whoever_sold_to_her_last_else_the_manager():
	assert assignee("asha@shop", "ravi@shop", "manager@shop") == "asha@shop"
	assert assignee(None, "ravi@shop", "manager@shop") == "ravi@shop"
	assert assignee("", "", "manager@shop") == "manager@shop"
	assert assignee("  ", None, "manager@shop") == "manager@shop"
	assert assignee(None, None, None) is None
