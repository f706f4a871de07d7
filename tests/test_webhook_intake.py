"""Meta's webhook under a campaign's load: the endpoint admits three callbacks a second for every
message the shop sends a second, with room to spare; a redelivery is the same event however Meta
formats it; a failed event waits longer each time but is never dropped; and a late STOP or START
never undoes a newer choice."""

import json
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.incoming import parse_webhook
from jewel_clienteling.domain.messaging import DEFAULT_MESSAGES_PER_SECOND
from jewel_clienteling.domain.webhook import (
	CALLBACKS_PER_MESSAGE,
	DRAIN_JOBS,
	LIMIT_FLOOR_PER_MINUTE,
	RETRY_MAX_SECONDS,
	drain_slot,
	event_key,
	her_latest_word,
	requests_per_minute,
	retry_delay_seconds,
)
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload, status_payload

MOMENT = 1_760_000_000


def key_of(payload: dict, raw: bytes | None = None) -> str:
	raw = raw if raw is not None else json.dumps(payload, separators=(",", ":")).encode()
	return event_key(parse_webhook(payload), raw)


# --- the rate limit follows the send pace ----------------------------------------------------------


def test_at_the_default_pace_a_campaigns_callbacks_fit_twice_over():
	# 80 messages a second, three callbacks each: 14,400 a minute; the old limit was 1,200
	assert requests_per_minute(80) == 80 * 3 * 60 * 2 == 28_800
	assert requests_per_minute(None) == requests_per_minute(DEFAULT_MESSAGES_PER_SECOND)


@given(st.integers(min_value=1, max_value=1000))
def test_any_pace_admits_three_callbacks_per_message_for_a_whole_minute(pace):
	assert requests_per_minute(pace) >= pace * CALLBACKS_PER_MESSAGE * 60
	assert requests_per_minute(pace) >= LIMIT_FLOOR_PER_MINUTE
	assert requests_per_minute(pace + 1) >= requests_per_minute(pace)


def test_an_unset_zero_negative_or_odd_pace_counts_as_metas_default_and_a_slow_one_keeps_the_floor():
	default = requests_per_minute(DEFAULT_MESSAGES_PER_SECOND)
	for pace in (0, -5, None, True, "80", 2.5):
		assert requests_per_minute(pace) == default, pace
	assert requests_per_minute(1) == LIMIT_FLOOR_PER_MINUTE


# --- one event, however often and however Meta formats it -----------------------------------------


def test_a_redelivery_formatted_differently_is_the_same_event():
	payload = status_payload("wamid.A", "delivered", "919812345678", timestamp=MOMENT)
	compact = json.dumps(payload, separators=(",", ":")).encode()
	spaced = json.dumps(payload, indent=2, sort_keys=True).encode()
	assert key_of(payload, compact) == key_of(json.loads(spaced), spaced)


def test_each_status_of_a_message_and_each_of_her_messages_is_an_event_of_its_own():
	keys = {
		key_of(status_payload("wamid.A", status, "919812345678", timestamp=MOMENT))
		for status in ("sent", "delivered", "read", "failed")
	}
	keys.add(key_of(status_payload("wamid.B", "read", "919812345678", timestamp=MOMENT)))
	keys.add(key_of(inbound_text_payload("919812345678", "Hi", message_id="wamid.C", timestamp=MOMENT)))
	keys.add(key_of(inbound_text_payload("919812345678", "Hi", message_id="wamid.D", timestamp=MOMENT)))
	assert len(keys) == 7


def test_the_same_facts_batched_in_another_order_are_the_same_event():
	first = status_payload("wamid.A", "read", "919812345678", timestamp=MOMENT)
	second = status_payload("wamid.B", "delivered", "919812345678", timestamp=MOMENT)
	ab, ba = json.loads(json.dumps(first)), json.loads(json.dumps(second))
	ab["entry"][0]["changes"].append(second["entry"][0]["changes"][0])
	ba["entry"][0]["changes"].append(first["entry"][0]["changes"][0])
	assert key_of(ab) == key_of(ba)
	assert key_of(ab) != key_of(first)


def test_a_body_with_no_facts_is_keyed_on_its_bytes():
	assert key_of({}, b"{}") == key_of({}, b"{}")
	assert key_of({}, b"{}") != key_of({}, b"{ }")
	nothing = {"object": "whatsapp_business_account", "entry": []}
	assert key_of(nothing) != key_of({"object": "page", "entry": []})


def test_everything_about_one_person_goes_to_one_drain_job_and_people_spread_over_them():
	def slot(payload):
		return drain_slot(parse_webhook(payload), key_of(payload))

	her = "919812345678"
	about_her = {slot(status_payload(f"wamid.{i}", "read", her, timestamp=MOMENT)) for i in range(20)}
	about_her.add(slot(inbound_text_payload(her, "Thank you", message_id="wamid.X", timestamp=MOMENT)))
	assert len(about_her) == 1
	others = {slot(status_payload("wamid.A", "read", f"9198{i:08d}", timestamp=MOMENT)) for i in range(50)}
	assert others == set(range(DRAIN_JOBS))


@given(st.binary(max_size=200))
def test_a_body_about_nobody_goes_to_one_of_the_drain_jobs(raw):
	assert 0 <= drain_slot(parse_webhook({}), key_of({}, raw)) < DRAIN_JOBS


# --- a failed event waits longer each time, and is never given up -------------------------------------


def test_a_failed_event_waits_thirty_seconds_then_twice_as_long_up_to_an_hour():
	assert [retry_delay_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
	assert retry_delay_seconds(8) == RETRY_MAX_SECONDS
	assert retry_delay_seconds(10_000) == RETRY_MAX_SECONDS
	assert retry_delay_seconds(0) == 30


# --- her latest word wins ---------------------------------------------------------------------------


def test_a_late_stop_or_start_never_undoes_a_newer_choice():
	said = datetime(2026, 5, 1, 10, 0, 0)
	assert her_latest_word(said, None)
	assert her_latest_word(said, said - timedelta(minutes=5))
	assert not her_latest_word(said, said + timedelta(seconds=1))
	# Meta stamps whole seconds: a change within the same second is not newer than her word
	assert her_latest_word(said, said + timedelta(microseconds=400_000))
