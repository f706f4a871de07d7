"""No two messages crowd her: the frequency cap withdraws or holds back the less important message, and
the plan does not depend on the order the candidates arrive in."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.outreach import (
	CAMPAIGN,
	LAPSED,
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
	UTILITY,
	WHATSAPP,
	Candidate,
	Contact,
	Existing,
	choose_channel,
	decide,
)
from tests.outreach_helpers import (
	CUSTOMER,
	D0,
	WHATSAPP_CUSTOMER,
	contacts,
)


def candidate(reason: str, due: date, ref: str = "REF-1", cycle: str = "1", topic: str = "") -> Candidate:
	return Candidate(CUSTOMER, reason, "Reference", ref, cycle, due, topic=topic)


def crowds(first: date, first_topic: str, second: date, second_topic: str, cap_days: int) -> bool:
	"""Rule 3, written out from the brief: different topics less than cap_days apart; off when cap <= 0."""
	if cap_days <= 0 or first_topic == second_topic:
		return False
	return abs((first - second).days) < cap_days


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
