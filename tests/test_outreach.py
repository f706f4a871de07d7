"""Outreach as a jeweller runs it: her anniversary reminded six weeks and a week ahead and greeted on
the day, marketing only where she said yes, her repair news even when she said no to marketing, no
two messages crowding her, nothing sent at night, and a sale credited to the message that brought it,
once."""

import ast
import hashlib
import inspect
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain import attribution, outreach, outreach_cadence
from jewel_clienteling.domain.attribution import SaleFact, Touch, attribute
from jewel_clienteling.domain.outreach import (
	CAMPAIGN,
	CHANNELS,
	EMAIL,
	LAPSED,
	MANUAL,
	MARKETING,
	OCCASION,
	POINTS_EXPIRING,
	POST_PURCHASE,
	PRIORITY,
	PURPOSE,
	REASONS,
	REFERRAL_THANKS,
	REPAIR_READY,
	REPAIR_UNCOLLECTED,
	REVIEW_REQUEST,
	SKIP_DO_NOT_CONTACT,
	SKIP_FREQUENCY_CAP,
	SKIP_NO_CONSENT,
	SKIP_UNREACHABLE,
	SMS,
	UTILITY,
	WHATSAPP,
	Candidate,
	Contact,
	Existing,
	assignee,
	choose_channel,
	decide,
	dedupe_key,
	in_quiet_hours,
	normalise_phone,
	send_after,
	whatsapp_link,
)
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

CUSTOMER = "CUST-0001"
D0 = date(2026, 10, 1)

# Her phone and her consent, in the shapes the tests need.
WHATSAPP_CUSTOMER = Contact(whatsapp_opt_in=True, has_mobile=True)
SILENT = Contact()


def candidate(reason: str, due: date, ref: str = "REF-1", cycle: str = "1", topic: str = "") -> Candidate:
	return Candidate(CUSTOMER, reason, "Reference", ref, cycle, due, topic=topic)


def crowds(first: date, first_topic: str, second: date, second_topic: str, cap_days: int) -> bool:
	"""Rule 3, written out from the brief: different topics less than cap_days apart; off when cap <= 0."""
	if cap_days <= 0 or first_topic == second_topic:
		return False
	return abs((first - second).days) < cap_days


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
	}
	assert set(PURPOSE) == set(REASONS)
	assert set(PURPOSE.values()) == {MARKETING, UTILITY}


def test_occasion_over_cadence_over_lapsed():
	assert PRIORITY == {
		"Repair ready": 0,
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


# --- consent and channel -----------------------------------------------------------------------


def test_she_opted_in_only_to_sms_so_marketing_goes_by_sms_though_she_prefers_whatsapp():
	contact = Contact(sms_opt_in=True, has_mobile=True, preferred_channel=WHATSAPP)
	assert choose_channel(MARKETING, contact) == (SMS, None)


def test_her_preferred_channel_comes_first_among_those_she_agreed_to():
	contact = Contact(
		whatsapp_opt_in=True, email_opt_in=True, has_mobile=True, has_email=True, preferred_channel=EMAIL
	)
	assert choose_channel(MARKETING, contact) == (EMAIL, None)
	# without a preference: WhatsApp, then SMS, then Email
	assert choose_channel(MARKETING, replace(contact, preferred_channel=None)) == (
		WHATSAPP,
		None,
	)
	assert choose_channel(
		MARKETING, Contact(sms_opt_in=True, email_opt_in=True, has_mobile=True, has_email=True)
	) == (SMS, None)


def test_do_not_contact_blocks_a_birthday_greeting_but_not_your_ring_is_ready():
	contact = Contact(do_not_contact=True, whatsapp_opt_in=True, has_mobile=True)
	assert choose_channel(PURPOSE[OCCASION], contact) == (None, SKIP_DO_NOT_CONTACT)
	assert choose_channel(PURPOSE[REPAIR_READY], contact) == (WHATSAPP, None)


def test_without_consent_no_marketing():
	assert choose_channel(MARKETING, Contact(has_mobile=True, has_email=True)) == (None, SKIP_NO_CONSENT)


def test_consent_on_a_channel_we_have_no_number_for_is_unreachable():
	assert choose_channel(MARKETING, Contact(whatsapp_opt_in=True, has_email=True)) == (
		None,
		SKIP_UNREACHABLE,
	)
	assert choose_channel(MARKETING, Contact(email_opt_in=True, has_mobile=True)) == (None, SKIP_UNREACHABLE)


def test_manual_is_never_chosen_for_marketing_even_when_preferred():
	contact = Contact(whatsapp_opt_in=True, has_mobile=True, preferred_channel=MANUAL)
	assert choose_channel(MARKETING, contact) == (WHATSAPP, None)
	assert choose_channel(MARKETING, Contact(has_mobile=True, preferred_channel=MANUAL)) == (
		None,
		SKIP_NO_CONSENT,
	)


def test_utility_goes_where_she_can_be_reached_without_asking_for_consent():
	assert choose_channel(UTILITY, Contact(has_mobile=True, has_email=True, preferred_channel=SMS)) == (
		SMS,
		None,
	)
	assert choose_channel(UTILITY, Contact(has_mobile=True, has_email=True)) == (WHATSAPP, None)
	# she prefers email, but we only have her mobile
	assert choose_channel(UTILITY, Contact(has_mobile=True, preferred_channel=EMAIL)) == (WHATSAPP, None)
	assert choose_channel(UTILITY, Contact(has_email=True)) == (EMAIL, None)
	assert choose_channel(UTILITY, SILENT) == (None, SKIP_UNREACHABLE)


def test_a_shop_that_wants_opt_in_for_utility_too_still_ignores_do_not_contact():
	contact = Contact(do_not_contact=True, has_mobile=True)
	assert choose_channel(UTILITY, contact, utility_needs_opt_in=True) == (None, SKIP_NO_CONSENT)
	contact = Contact(do_not_contact=True, sms_opt_in=True, has_mobile=True)
	assert choose_channel(UTILITY, contact, utility_needs_opt_in=True) == (SMS, None)


def test_an_unknown_purpose_is_refused():
	with pytest.raises(ValueError):
		choose_channel("Greeting", WHATSAPP_CUSTOMER)


contacts = st.builds(
	Contact,
	do_not_contact=st.booleans(),
	whatsapp_opt_in=st.booleans(),
	sms_opt_in=st.booleans(),
	email_opt_in=st.booleans(),
	has_mobile=st.booleans(),
	has_email=st.booleans(),
	preferred_channel=st.sampled_from([None, WHATSAPP, SMS, EMAIL, MANUAL]),
)


def allowed_channels(contact: Contact, purpose: str, utility_needs_opt_in: bool) -> set[str]:
	"""Every channel the brief lets us use, ignoring which one is picked."""
	number = {WHATSAPP: contact.has_mobile, SMS: contact.has_mobile, EMAIL: contact.has_email}
	consent = {WHATSAPP: contact.whatsapp_opt_in, SMS: contact.sms_opt_in, EMAIL: contact.email_opt_in}
	if purpose == MARKETING and contact.do_not_contact:
		return set()
	if purpose == MARKETING or utility_needs_opt_in:
		return {channel for channel in number if number[channel] and consent[channel]}
	return {channel for channel in number if number[channel]}


@settings(max_examples=300)
@given(contact=contacts, purpose=st.sampled_from([MARKETING, UTILITY]), needs_opt_in=st.booleans())
def test_the_channel_chosen_is_one_she_allows_and_her_favourite_when_possible(contact, purpose, needs_opt_in):
	channel, skip = choose_channel(purpose, contact, needs_opt_in)
	allowed = allowed_channels(contact, purpose, needs_opt_in)
	assert (channel is None) != (skip is None)
	assert channel != MANUAL
	if channel is not None:
		assert channel in allowed
		if contact.preferred_channel in allowed:
			assert channel == contact.preferred_channel
		else:
			# no usable preference: WhatsApp, then SMS, then Email; SMS only on consent
			order = [WHATSAPP, SMS, EMAIL] if purpose == MARKETING or needs_opt_in else [WHATSAPP, EMAIL]
			assert channel == next(option for option in order if option in allowed)
	elif purpose == MARKETING and contact.do_not_contact:
		assert skip == SKIP_DO_NOT_CONTACT
	elif (purpose == MARKETING or needs_opt_in) and not (
		contact.whatsapp_opt_in or contact.sms_opt_in or contact.email_opt_in
	):
		assert skip == SKIP_NO_CONSENT
	else:
		assert not allowed
		assert skip == SKIP_UNREACHABLE


# --- the frequency cap: examples ---------------------------------------------------------------


def planned(decisions) -> list[bool]:
	return [decision.plan for decision in decisions]


def test_an_occasion_reminder_five_days_after_an_unsent_lapsed_message_withdraws_it():
	lapsed = Existing("lapsed-row", D0, PRIORITY[LAPSED], f"Customer:{CUSTOMER}", sent=False)
	reminder = candidate(OCCASION, D0 + timedelta(days=5), ref="OCC-1")
	decisions, withdrawn = decide([reminder], [lapsed], WHATSAPP_CUSTOMER)
	assert decisions[0].plan
	assert decisions[0].channel == WHATSAPP
	assert withdrawn == ["lapsed-row"]


def test_a_sent_lapsed_message_blocks_an_occasion_reminder_five_days_later():
	lapsed = Existing("lapsed-row", D0, PRIORITY[LAPSED], f"Customer:{CUSTOMER}", sent=True)
	reminder = candidate(OCCASION, D0 + timedelta(days=5), ref="OCC-1")
	decisions, withdrawn = decide([reminder], [lapsed], WHATSAPP_CUSTOMER)
	assert not decisions[0].plan
	assert decisions[0].skip_reason == SKIP_FREQUENCY_CAP
	assert decisions[0].channel is None
	assert withdrawn == []


def test_the_greeting_on_the_day_is_not_blocked_by_the_same_occasions_seven_day_reminder():
	week_ahead = Existing("occ-7", D0, PRIORITY[OCCASION], "Occasion:OCC-1", sent=True)
	greeting = Candidate(CUSTOMER, OCCASION, "Occasion", "OCC-1", "2026-10-08/0", D0 + timedelta(days=7))
	decisions, withdrawn = decide([greeting], [week_ahead], WHATSAPP_CUSTOMER)
	assert planned(decisions) == [True]
	assert withdrawn == []
	# and when both are planned in the same run
	reminder = Candidate(CUSTOMER, OCCASION, "Occasion", "OCC-1", "2026-10-08/7", D0)
	decisions, _ = decide([reminder, greeting], [], WHATSAPP_CUSTOMER)
	assert planned(decisions) == [True, True]


def test_exactly_cap_days_apart_is_fine_one_day_less_is_not():
	campaign = Existing("diwali", D0, PRIORITY[CAMPAIGN], "Campaign:Diwali", sent=True)
	fourteen = candidate(REVIEW_REQUEST, D0 + timedelta(days=14))
	thirteen = candidate(REVIEW_REQUEST, D0 + timedelta(days=13))
	assert planned(decide([fourteen], [campaign], WHATSAPP_CUSTOMER)[0]) == [True]
	assert planned(decide([thirteen], [campaign], WHATSAPP_CUSTOMER)[0]) == [False]
	# the cap looks both ways in time
	before = candidate(REVIEW_REQUEST, D0 - timedelta(days=13))
	assert planned(decide([before], [campaign], WHATSAPP_CUSTOMER)[0]) == [False]
	assert planned(decide([thirteen], [campaign], WHATSAPP_CUSTOMER, cap_days=13)[0]) == [True]


def test_a_cap_of_zero_days_lets_every_message_through():
	queue = [Existing("diwali", D0, PRIORITY[CAMPAIGN], "Campaign:Diwali", sent=True)]
	batch = [candidate(LAPSED, D0, ref="A"), candidate(CAMPAIGN, D0, ref="B")]
	for cap in (0, -3):
		decisions, withdrawn = decide(batch, queue, WHATSAPP_CUSTOMER, cap_days=cap)
		assert planned(decisions) == [True, True]
		assert withdrawn == []


def test_a_queued_message_as_important_as_the_newcomer_stays_and_the_newcomer_waits():
	first_purchase = Existing("pp-1", D0, PRIORITY[POST_PURCHASE], "Sales Invoice:SINV-1", sent=False)
	second_purchase = candidate(POST_PURCHASE, D0 + timedelta(days=3), ref="SINV-2")
	decisions, withdrawn = decide([second_purchase], [first_purchase], WHATSAPP_CUSTOMER)
	assert decisions[0].skip_reason == SKIP_FREQUENCY_CAP
	assert withdrawn == []


def test_between_two_new_messages_the_anniversary_wins_over_an_earlier_campaign():
	sale = candidate(CAMPAIGN, D0, ref="Diwali")
	anniversary = candidate(OCCASION, D0 + timedelta(days=10), ref="OCC-1")
	decisions, _ = decide([sale, anniversary], [], WHATSAPP_CUSTOMER)
	assert planned(decisions) == [False, True]
	assert decisions[0].skip_reason == SKIP_FREQUENCY_CAP


def test_two_equally_important_new_messages_the_earlier_goes_first():
	first = candidate(POST_PURCHASE, D0 + timedelta(days=2), ref="SINV-1")
	second = candidate(POST_PURCHASE, D0 + timedelta(days=5), ref="SINV-2")
	decisions, _ = decide([second, first], [], WHATSAPP_CUSTOMER)
	assert planned(decisions) == [False, True]


def test_a_message_withdrawn_for_an_anniversary_is_not_replaced_by_a_lesser_campaign():
	# The post-purchase check-in is withdrawn for the anniversary 13 days later; a campaign 13 days
	# before the check-in is far from the anniversary, but may not slip into the room the check-in left.
	check_in = Existing("check-in", D0, PRIORITY[POST_PURCHASE], "Sales Invoice:SINV-1", sent=False)
	anniversary = candidate(OCCASION, D0 + timedelta(days=13), ref="OCC-1")
	campaign = candidate(CAMPAIGN, D0 - timedelta(days=13), ref="Akshaya Tritiya")
	decisions, withdrawn = decide([campaign, anniversary], [check_in], WHATSAPP_CUSTOMER)
	assert planned(decisions) == [False, True]
	assert withdrawn == ["check-in"]


def test_her_repair_news_is_never_capped_and_withdraws_nothing():
	queue = [
		Existing("diwali", D0, PRIORITY[CAMPAIGN], "Campaign:Diwali", sent=True),
		Existing("lapsed", D0, PRIORITY[LAPSED], f"Customer:{CUSTOMER}", sent=False),
	]
	ready = candidate(REPAIR_READY, D0 + timedelta(days=1), ref="RT-1")
	points = candidate(POINTS_EXPIRING, D0 + timedelta(days=2), ref="LP-1")
	decisions, withdrawn = decide([ready, points], queue, WHATSAPP_CUSTOMER)
	assert planned(decisions) == [True, True]
	assert withdrawn == []


def test_a_do_not_contact_customer_hears_about_her_repair_but_gets_no_birthday_greeting():
	contact = Contact(do_not_contact=True, whatsapp_opt_in=True, has_mobile=True)
	birthday = candidate(OCCASION, D0, ref="OCC-1")
	uncollected = candidate(REPAIR_UNCOLLECTED, D0, ref="RT-1")
	decisions, _ = decide([birthday, uncollected], [], contact)
	assert [(d.plan, d.skip_reason, d.channel) for d in decisions] == [
		(False, SKIP_DO_NOT_CONTACT, None),
		(True, None, WHATSAPP),
	]


def test_a_candidate_without_consent_does_not_take_a_place_in_the_calendar():
	# she has not agreed to marketing: the referral thank-you is skipped for consent, so it neither
	# blocks nor withdraws anything
	queue = [Existing("lapsed", D0, PRIORITY[LAPSED], f"Customer:{CUSTOMER}", sent=False)]
	thanks = candidate(REFERRAL_THANKS, D0 + timedelta(days=1))
	decisions, withdrawn = decide([thanks], queue, Contact(has_mobile=True))
	assert decisions[0].skip_reason == SKIP_NO_CONSENT
	assert withdrawn == []


# --- the frequency cap: properties -------------------------------------------------------------

TOPICS = ["Occasion:OCC-1", "Occasion:OCC-2", "Sales Invoice:SINV-1", "Campaign:Diwali", ""]
MARKETING_PRIORITIES = sorted({PRIORITY[reason] for reason in REASONS if PURPOSE[reason] == MARKETING})

candidates_strategy = st.builds(
	Candidate,
	customer=st.just(CUSTOMER),
	reason=st.sampled_from(REASONS),
	reference_doctype=st.just("Reference"),
	reference_name=st.sampled_from(["R1", "R2", "R3"]),
	cycle=st.sampled_from(["1", "2"]),
	due_date=st.integers(0, 60).map(lambda offset: D0 + timedelta(days=offset)),
	topic=st.sampled_from(TOPICS),
)


@st.composite
def queues(draw):
	rows = draw(
		st.lists(
			st.tuples(
				st.integers(0, 60),
				st.sampled_from(MARKETING_PRIORITIES),
				# "Reference:R1" is the default topic of some candidates: the same topic as a queued row
				st.sampled_from([*(topic for topic in TOPICS if topic), "Reference:R1"]),
				st.booleans(),
			),
			max_size=6,
		)
	)
	# keys are unique in the queue: the dedupe key is what makes a row one message
	return [
		Existing(f"row-{n}", D0 + timedelta(days=offset), priority, topic, sent)
		for n, (offset, priority, topic, sent) in enumerate(rows)
	]


cap_days_strategy = st.integers(-2, 21)


def blockers(subject: Candidate, existing, planned_candidates, cap_days):
	"""What rule 4 says may keep a marketing candidate out of the calendar."""
	rows = [
		row
		for row in existing
		if crowds(row.due_date, row.topic_key, subject.due_date, subject.topic_key, cap_days)
		and (row.sent or row.priority <= subject.priority)
	]
	others = [
		other
		for other in planned_candidates
		if other is not subject
		and crowds(other.due_date, other.topic_key, subject.due_date, subject.topic_key, cap_days)
		and other.priority <= subject.priority
	]
	return rows + others


@settings(max_examples=300)
@given(
	batch=st.lists(candidates_strategy, max_size=8),
	existing=queues(),
	contact=contacts,
	cap_days=cap_days_strategy,
	needs_opt_in=st.booleans(),
)
def test_the_calendar_never_gets_more_crowded_and_the_more_important_message_wins(
	batch, existing, contact, cap_days, needs_opt_in
):
	decisions, withdrawn = decide(batch, existing, contact, cap_days, needs_opt_in)

	# one decision per candidate, in the input order
	assert [decision.candidate for decision in decisions] == batch
	assert all(decision.candidate is subject for decision, subject in zip(decisions, batch, strict=True))
	for decision in decisions:
		assert (decision.channel is not None) == decision.plan
		assert (decision.skip_reason is None) == decision.plan
		channel, skip = choose_channel(decision.candidate.purpose, contact, needs_opt_in)
		if channel is None:
			assert decision.skip_reason == skip
		elif decision.plan:
			assert decision.channel == channel
		else:
			assert decision.skip_reason == SKIP_FREQUENCY_CAP
			assert decision.candidate.purpose == MARKETING

	by_key = {row.key: row for row in existing}
	assert len(withdrawn) == len(set(withdrawn))
	assert set(withdrawn) <= set(by_key)
	assert not any(by_key[key].sent for key in withdrawn)

	kept = [row for row in existing if row.key not in withdrawn]
	planned_marketing = [d.candidate for d in decisions if d.plan and d.candidate.purpose == MARKETING]

	# rule 5: nothing new sits too close to anything else; only old rows may crowd each other
	for subject in planned_marketing:
		for row in kept:
			assert not crowds(subject.due_date, subject.topic_key, row.due_date, row.topic_key, cap_days)
		for other in planned_marketing:
			assert other is subject or not crowds(
				subject.due_date, subject.topic_key, other.due_date, other.topic_key, cap_days
			)

	# a row is withdrawn only for a more important planned marketing message that crowds it
	for key in withdrawn:
		row = by_key[key]
		assert any(
			subject.priority < row.priority
			and crowds(subject.due_date, subject.topic_key, row.due_date, row.topic_key, cap_days)
			for subject in planned_marketing
		)
	# and a planned message is never less important than a withdrawn row it crowds (equal would
	# have kept it out: the row was there first)
	for subject in planned_marketing:
		for key in withdrawn:
			row = by_key[key]
			if crowds(subject.due_date, subject.topic_key, row.due_date, row.topic_key, cap_days):
				assert subject.priority < row.priority

	# rule 4: a consenting marketing candidate is planned exactly when nothing stands in its way
	for decision in decisions:
		subject = decision.candidate
		if subject.purpose == UTILITY and decision.skip_reason is None:
			assert decision.plan
		if decision.plan or decision.skip_reason == SKIP_FREQUENCY_CAP:
			if subject.purpose == MARKETING:
				assert decision.plan == (not blockers(subject, existing, planned_marketing, cap_days))


@settings(max_examples=200)
@given(
	batch=st.lists(candidates_strategy, max_size=8),
	existing=queues(),
	contact=contacts,
	cap_days=cap_days_strategy,
	data=st.data(),
)
def test_the_same_inputs_in_any_order_give_the_same_plan(batch, existing, contact, cap_days, data):
	decisions, withdrawn = decide(batch, existing, contact, cap_days)
	shuffled_batch = data.draw(st.permutations(batch))
	shuffled_queue = data.draw(st.permutations(existing))
	again, withdrawn_again = decide(shuffled_batch, shuffled_queue, contact, cap_days)
	assert set(withdrawn_again) == set(withdrawn)
	assert {d.candidate.key for d in again if d.plan} == {d.candidate.key for d in decisions if d.plan}
	# each candidate gets the same answer wherever it stands in the batch
	answers = {d.candidate: (d.plan, d.skip_reason, d.channel) for d in decisions}
	assert all(answers[d.candidate] == (d.plan, d.skip_reason, d.channel) for d in again)


@given(batch=st.lists(candidates_strategy, max_size=8), existing=queues(), contact=contacts)
def test_with_the_cap_off_only_consent_decides(batch, existing, contact):
	decisions, withdrawn = decide(batch, existing, contact, cap_days=0)
	assert withdrawn == []
	for decision in decisions:
		assert decision.plan == (choose_channel(decision.candidate.purpose, contact)[0] is not None)


# --- quiet hours -------------------------------------------------------------------------------

NIGHT = (time(21, 0), time(10, 0))


def test_quiet_hours_from_nine_at_night_to_ten_in_the_morning():
	assert in_quiet_hours(time(22, 30), *NIGHT)
	assert in_quiet_hours(time(21, 0), *NIGHT)
	assert in_quiet_hours(time(0, 0), *NIGHT)
	assert in_quiet_hours(time(9, 59, 59), *NIGHT)
	assert not in_quiet_hours(time(10, 0), *NIGHT)
	assert not in_quiet_hours(time(20, 59), *NIGHT)


def test_quiet_hours_within_one_day():
	lunch = (time(13, 0), time(14, 0))
	assert in_quiet_hours(time(13, 30), *lunch)
	assert not in_quiet_hours(time(14, 0), *lunch)
	assert not in_quiet_hours(time(12, 59), *lunch)


def test_no_quiet_hours_when_unset_or_empty():
	for start, end in ((None, None), (time(21), None), (None, time(10)), (time(9), time(9))):
		assert not any(in_quiet_hours(time(hour, 30), start, end) for hour in range(24))


def test_a_message_planned_at_half_past_ten_at_night_goes_out_at_ten_next_morning():
	now = datetime(2026, 10, 1, 22, 30)
	assert send_after(date(2026, 10, 1), now, *NIGHT) == datetime(2026, 10, 2, 10, 0)


def test_an_early_morning_message_waits_until_ten_the_same_day():
	assert send_after(date(2026, 10, 1), datetime(2026, 10, 1, 7, 15), *NIGHT) == datetime(2026, 10, 1, 10, 0)


def test_a_greeting_due_tomorrow_does_not_go_out_at_midnight():
	now = datetime(2026, 10, 1, 15, 0)
	assert send_after(date(2026, 10, 5), now, *NIGHT) == datetime(2026, 10, 5, 10, 0)
	# with no quiet hours it may go at the first moment of its day
	assert send_after(date(2026, 10, 5), now, None, None) == datetime(2026, 10, 5, 0, 0)


def test_an_overdue_message_goes_now_when_now_is_allowed():
	now = datetime(2026, 10, 3, 11, 45, 12)
	assert send_after(date(2026, 10, 1), now, *NIGHT) == now


minutes_of_day = st.integers(0, 24 * 60 - 1).map(lambda minute: time(minute // 60, minute % 60))


def quiet_minutes(start: time | None, end: time | None) -> set[int]:
	"""The minutes of the day that are quiet, found by walking the clock from start to end."""
	if start is None or end is None:
		return set()
	minute, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
	quiet = set()
	while minute != last:
		quiet.add(minute)
		minute = (minute + 1) % (24 * 60)
	return quiet


def is_quiet(moment: datetime | time, quiet: set[int]) -> bool:
	return moment.hour * 60 + moment.minute in quiet


@settings(max_examples=300)
@given(
	moment=st.times(),
	start=st.none() | minutes_of_day,
	end=st.none() | minutes_of_day,
)
def test_a_moment_is_quiet_exactly_when_the_clock_walk_says_so(moment, start, end):
	assert in_quiet_hours(moment, start, end) == is_quiet(moment, quiet_minutes(start, end))


@settings(max_examples=150)
@given(
	now=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59, 59)),
	due_in=st.integers(-3, 3),
	start=st.none() | minutes_of_day,
	end=st.none() | minutes_of_day,
)
def test_send_after_is_the_first_allowed_moment(now, due_in, start, end):
	due = now.date() + timedelta(days=due_in)
	lower = max(now, datetime.combine(due, time.min))
	quiet = quiet_minutes(start, end)
	found = send_after(due, now, start, end)

	assert found >= lower
	assert not is_quiet(found, quiet)
	assert found - lower <= timedelta(days=1)
	# no earlier moment is allowed: lower itself, and every whole minute after it up to the answer
	if found > lower:
		assert is_quiet(lower, quiet)
		minute = lower.replace(second=0, microsecond=0) + timedelta(minutes=1)
		while minute < found:
			assert is_quiet(minute, quiet)
			minute += timedelta(minutes=1)


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


# --- what a message earned ---------------------------------------------------------------------


def sale(name: str, on: date, amount: str = "85000") -> SaleFact:
	return SaleFact(name, on, Decimal(amount))


def test_a_sale_31_days_after_the_message_is_not_credited_with_a_30_day_window():
	touch = Touch("msg", D0)
	assert attribute([touch], [sale("SINV-1", D0 + timedelta(days=31))], 30) == {}
	assert attribute([touch], [sale("SINV-1", D0 + timedelta(days=30))], 30) == {
		"msg": ("SINV-1", Decimal("85000"))
	}


def test_a_sale_on_the_day_of_the_message_is_credited_but_not_one_the_day_before():
	touch = Touch("msg", D0)
	assert attribute([touch], [sale("SINV-1", D0)]) == {"msg": ("SINV-1", Decimal("85000"))}
	assert attribute([touch], [sale("SINV-0", D0 - timedelta(days=1))]) == {}


def test_two_sales_after_one_message_credit_it_once_with_the_first():
	touch = Touch("msg", D0)
	sales = [
		sale("SINV-2", D0 + timedelta(days=9), "120000"),
		sale("SINV-1", D0 + timedelta(days=3), "40000"),
	]
	assert attribute([touch], sales) == {"msg": ("SINV-1", Decimal("40000"))}


def test_a_sale_goes_to_the_most_recent_message():
	older, newer = Touch("greeting", D0), Touch("campaign", D0 + timedelta(days=5))
	assert attribute([older, newer], [sale("SINV-1", D0 + timedelta(days=6))]) == {
		"campaign": ("SINV-1", Decimal("85000"))
	}
	# a second sale then goes to the older message, still within its window
	both = attribute(
		[older, newer], [sale("SINV-1", D0 + timedelta(days=6)), sale("SINV-2", D0 + timedelta(days=8))]
	)
	assert both == {"campaign": ("SINV-1", Decimal("85000")), "greeting": ("SINV-2", Decimal("85000"))}


def test_two_messages_the_same_day_the_smaller_key_is_credited():
	touches = [Touch("b-msg", D0), Touch("a-msg", D0)]
	assert attribute(touches, [sale("SINV-1", D0 + timedelta(days=1))]) == {
		"a-msg": ("SINV-1", Decimal("85000"))
	}


def test_a_sale_returned_in_full_earns_nothing_and_leaves_the_message_for_a_later_sale():
	touch = Touch("msg", D0)
	sales = [sale("SINV-1", D0 + timedelta(days=1), "0"), sale("SINV-2", D0 + timedelta(days=2), "-500")]
	assert attribute([touch], sales) == {}
	sales.append(sale("SINV-3", D0 + timedelta(days=4), "15000"))
	assert attribute([touch], sales) == {"msg": ("SINV-3", Decimal("15000"))}


def test_sales_on_the_same_day_are_taken_in_name_order():
	touch = Touch("msg", D0)
	sales = [sale("SINV-B", D0 + timedelta(days=2), "2"), sale("SINV-A", D0 + timedelta(days=2), "1")]
	assert attribute([touch], sales) == {"msg": ("SINV-A", Decimal("1"))}


@st.composite
def touches_and_sales(draw):
	touch_days = draw(st.lists(st.integers(0, 90), max_size=6))
	sale_rows = draw(
		st.lists(st.tuples(st.integers(0, 120), st.integers(-50_000, 200_000)), max_size=6),
	)
	touches = [Touch(f"t{n}", D0 + timedelta(days=day)) for n, day in enumerate(touch_days)]
	sales = [
		SaleFact(f"SINV-{n:02d}", D0 + timedelta(days=day), Decimal(amount))
		for n, (day, amount) in enumerate(sale_rows)
	]
	return touches, sales


@settings(max_examples=200)
@given(facts=touches_and_sales(), window=st.integers(0, 45), data=st.data())
def test_each_sale_and_each_message_are_credited_at_most_once_and_fairly(facts, window, data):
	touches, sales = facts
	credit = attribute(touches, sales, window)
	touch_by_key = {touch.key: touch for touch in touches}
	sale_by_name = {one.name: one for one in sales}
	order = {one.name: (one.posting_date, one.name) for one in sales}

	assert set(credit) <= set(touch_by_key)
	credited_sales = [name for name, _ in credit.values()]
	assert len(credited_sales) == len(set(credited_sales))
	credited_to = {name: key for key, (name, _) in credit.items()}
	for key, (name, amount) in credit.items():
		touch, bought = touch_by_key[key], sale_by_name[name]
		assert amount == bought.amount
		assert amount > 0
		assert touch.sent_on <= bought.posting_date <= touch.sent_on + timedelta(days=window)

	def in_window(touch, bought):
		return touch.sent_on <= bought.posting_date <= touch.sent_on + timedelta(days=window)

	def taken_before(touch, bought):
		"""The message was already credited to a sale that came earlier."""
		earlier = credit.get(touch.key)
		return earlier is not None and order[earlier[0]] < order[bought.name]

	for bought in sales:
		candidates = [
			touch for touch in touches if in_window(touch, bought) and not taken_before(touch, bought)
		]
		if bought.name not in credited_to:
			# a kept sale left without credit found every message in its window already taken
			assert bought.amount <= 0 or not candidates
		else:
			chosen = touch_by_key[credited_to[bought.name]]
			# the most recent free message, the smaller key on a tie
			best = min(candidates, key=lambda touch: (-touch.sent_on.toordinal(), touch.key))
			assert chosen == best

	# the order the rows arrive in changes nothing
	assert attribute(data.draw(st.permutations(touches)), data.draw(st.permutations(sales)), window) == credit


# --- who calls her -----------------------------------------------------------------------------


def test_her_own_associate_calls_her_else_whoever_sold_to_her_last_else_the_manager():
	assert assignee("asha@shop", "ravi@shop", "manager@shop") == "asha@shop"
	assert assignee(None, "ravi@shop", "manager@shop") == "ravi@shop"
	assert assignee("", "", "manager@shop") == "manager@shop"
	assert assignee("  ", None, "manager@shop") == "manager@shop"
	assert assignee(None, None, None) is None


# --- phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["98123 45678", "098123-45678", "+91 98123 45678", "+91-9812345678"])
def test_a_mobile_typed_at_the_counter_becomes_e164(typed):
	assert normalise_phone(typed) == "+919812345678"


@pytest.mark.parametrize("typed", [None, "", "   ", "12345", "not a number", "+91 12345"])
def test_what_is_not_a_phone_number_is_none(typed):
	assert normalise_phone(typed) is None


def test_a_national_number_is_read_in_the_shops_region():
	assert normalise_phone("020 7946 0958", "GB") == "+442079460958"
	assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@settings(max_examples=200)
@given(typed=st.text(alphabet="0123456789 +-()abc", max_size=20) | st.text(max_size=20))
def test_normalising_never_fails_and_gives_e164_that_reads_back_as_itself(typed):
	number = normalise_phone(typed)
	if number is not None:
		assert re.fullmatch(r"\+[1-9][0-9]{6,14}", number)
		assert normalise_phone(number) == number
		assert normalise_phone(number, "GB") == number


def test_a_whatsapp_link_carries_the_message():
	link = whatsapp_link("98123 45678", "Your ring is ready & polished: 100% 22K")
	assert link is not None
	assert link.startswith("https://wa.me/919812345678?text=")
	text = link.split("?text=", 1)[1]
	assert " " not in text and "&" not in text and "%" in text
	assert unquote(text) == "Your ring is ready & polished: 100% 22K"


def test_no_link_without_a_valid_number():
	assert whatsapp_link("12345", "Hello") is None
	assert whatsapp_link(None, "Hello") is None


def test_a_plain_piece_is_cared_for_as_its_metal():
	# jewellers often record "Plain" in the Stone attribute of an unset gold bangle
	assert care_topic(["Gold"], ["Plain"]) == "gold"
	assert care_topic(["Platinum"], ["None", "Diamond"]) == "diamond"
