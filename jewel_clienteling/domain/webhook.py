"""Meta's webhook under a campaign's load, as pure rules.

A campaign sends at the number's pace (80 messages a second by default) and Meta answers each
message with up to three callbacks (sent, delivered, read). The endpoint only checks the signature,
stores the raw event once and answers; jobs apply it later. These rules say how many requests a
minute the endpoint must accept, what makes two deliveries the same event, which drain job applies
an event, how long a failed event waits before it is tried again, how long a processed one is kept,
and whose word about consent is the latest.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime

from jewel_clienteling.domain.incoming import WebhookBatch
from jewel_clienteling.domain.messaging import DEFAULT_MESSAGES_PER_SECOND

CALLBACKS_PER_MESSAGE = 3  # sent, delivered, read (or failed)
LIMIT_HEADROOM = 2.0  # Meta catches up in bursts after a pause, and a campaign may overlap replies
LIMIT_FLOOR_PER_MINUTE = 1200  # what the endpoint always allowed, for a slow or unset pace
DRAIN_JOBS = 2  # drain jobs that apply events side by side, each its own share of the people
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600
KEEP_PROCESSED_DAYS = 7  # Meta redelivers an unanswered event for up to 7 days


def requests_per_minute(
	messages_per_second: int | None,
	callbacks_per_message: int = CALLBACKS_PER_MESSAGE,
	headroom: float = LIMIT_HEADROOM,
	floor: int = LIMIT_FLOOR_PER_MINUTE,
) -> int:
	"""Webhook requests a minute to accept from one address: the configured send pace times the
	callbacks each message brings, times 60, with headroom; never below the floor. A pace that is
	unset, zero or negative counts as Meta's default."""
	if isinstance(messages_per_second, bool) or not isinstance(messages_per_second, int):
		messages_per_second = 0
	if messages_per_second <= 0:
		messages_per_second = DEFAULT_MESSAGES_PER_SECOND
	return max(int(messages_per_second * callbacks_per_message * 60 * headroom), floor)


def event_ids(batch: WebhookBatch) -> list[str]:
	"""What the body tells us, one id per fact: a message's status, or her message. Sorted, so the
	same facts in another order are the same event."""
	ids = {f"status:{event.message_id}:{event.status}" for event in batch.statuses}
	ids.update(f"message:{message.message_id}" for message in batch.messages)
	return sorted(ids)


def event_key(batch: WebhookBatch, raw_body: bytes) -> str:
	"""The key that stores one delivery once: a hash of the facts' ids when the body has any (a
	redelivery Meta formats differently is still the same event), else of the raw bytes."""
	ids = event_ids(batch)
	material = "\n".join(ids).encode("utf-8") if ids else b"raw:" + bytes(raw_body)
	return hashlib.sha256(material).hexdigest()


def drain_slot(batch: WebhookBatch, key: str, jobs: int = DRAIN_JOBS) -> int:
	"""Which drain job applies an event. Everything about one person (the statuses of messages to
	her, her messages) goes to the same job, which applies it in the order it came; other people's
	events spread over the jobs, so they run side by side without waiting on each other's rows."""
	person = next((event.recipient_id for event in batch.statuses if event.recipient_id), "")
	person = person or next((message.from_phone for message in batch.messages), "")
	return zlib.crc32((person or key).encode("utf-8")) % max(jobs, 1)


def retry_delay_seconds(attempts: int) -> int:
	"""Seconds before an event that failed `attempts` times is tried again: 30 s, doubling, at most
	an hour. It is never given up: a failure is logged and tried again until it goes through."""
	attempts = max(attempts, 1)
	return min(RETRY_FIRST_SECONDS * 2 ** min(attempts - 1, 16), RETRY_MAX_SECONDS)


def her_latest_word(said_at: datetime, last_change: datetime | None) -> bool:
	"""Whether her STOP or START, said at `said_at`, may change her consent: not when her consent
	was changed later than that (a late or redelivered message never undoes a newer choice). Meta
	stamps whole seconds, so a change within the same second counts as before her word."""
	return last_change is None or said_at >= last_change.replace(microsecond=0)
