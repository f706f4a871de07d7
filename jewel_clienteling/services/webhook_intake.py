"""Meta's webhook under a campaign's load: receive, store once, answer, apply in jobs.

The webhook checks Meta's signature and hands the body here: it is stored as a Clienteling Webhook
Event (its name is the event's key, so a redelivery is not stored again), answered at once and,
after the commit, a drain job on the short queue is woken. Each drain job has its own share of the
people (all of one person's events go to the same job, applied in the order they came); it claims
due events a page at a time (one UPDATE, so two drains never take the same event) and applies a page
in one transaction through services/webhook.py, or one event at a time when the page fails, so a
failing event is set aside, logged and tried again later, never dropped. A sweep every minute
drains what no job took and forgets processed events after a week.
"""

import json
import time
from functools import partial

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_to_date, cint, now, now_datetime
from frappe.utils.background_jobs import is_job_enqueued

from jewel_clienteling.domain import incoming
from jewel_clienteling.domain import webhook as intake
from jewel_clienteling.services import whatsapp
from jewel_clienteling.services.webhook import logger, process

EVENT = "Clienteling Webhook Event"
DRAIN = "jewel_clienteling.services.webhook_intake.drain"
PENDING, PROCESSED, FAILED = "Pending", "Processed", "Failed"
PAGE = 100
LINGER_SECONDS = 3  # a woken drain waits this long for more before it ends
POLL_SECONDS = 0.2
CLAIM_MINUTES = 5
PURGE_PAGE = 5000


# --- receiving --------------------------------------------------------------------------------------


def requests_per_minute() -> int:
	"""The webhook's rate limit per address, from the configured send pace (the rule is in domain)."""
	return intake.requests_per_minute(cint(whatsapp.settings().messages_per_second))


def job_id(slot: int) -> str:
	return f"jewel_clienteling:webhook:{slot}"


def receive(raw: bytes, payload: dict) -> dict:
	"""Store a signed delivery once and wake a drain job after the commit; nothing is applied here."""
	batch = incoming.parse_webhook(payload)
	key = intake.event_key(batch, raw)
	slot = intake.drain_slot(batch, key)
	stored = _store(key, slot, raw, payload, batch)
	if stored:
		frappe.db.after_commit.add(partial(wake, slot))
	return {"event": key, "duplicate": not stored}


def wake(slot: int) -> None:
	"""Queue drain job `slot` unless it is already waiting or running (then it takes this event too;
	an event that arrives as it finishes is the sweep's)."""
	if not is_job_enqueued(job_id(slot)):  # asked first: frappe.enqueue logs an error for each skip
		frappe.enqueue(
			DRAIN, queue="short", job_id=job_id(slot), deduplicate=True, slot=slot, linger=LINGER_SECONDS
		)


def _store(key: str, slot: int, raw: bytes, payload: dict, batch: incoming.WebhookBatch) -> bool:
	"""Insert the event; False when an event with this key is already stored (a redelivery)."""
	try:
		text = bytes(raw).decode("utf-8")
	except UnicodeDecodeError:
		text = json.dumps(payload)
	first = next((e.message_id[:140] for e in (*batch.statuses, *batch.messages)), None)
	moment, event = now(), DocType(EVENT)
	try:
		frappe.qb.into(event).columns(
			"name", "creation", "modified", "owner", "modified_by", "status", "reference", "statuses"
		).columns("messages", "slot", "attempts", "next_attempt_on", "payload").insert(
			key,
			moment,
			moment,
			frappe.session.user,
			frappe.session.user,
			PENDING,
			first,
			len(batch.statuses),
			len(batch.messages),
			slot,
			0,
			moment,
			text,
		).run()
	except Exception as error:
		if frappe.db.is_primary_key_violation(error):
			return False
		raise
	return True


# --- draining ---------------------------------------------------------------------------------------


def drain(slot: int | None = None, max_seconds: float = 120, page: int = PAGE, linger: float = 0) -> dict:
	"""Apply the due events of drain job `slot` (None: every job's, as the sweep does), oldest first,
	until none is due for `linger` seconds or `max_seconds` have passed. A woken job lingers: under a
	steady trickle of callbacks one job takes them all, instead of a job (and a worker process forked
	for it) per callback. Safe in parallel: each page is claimed by one UPDATE. Runs as
	Administrator, as every job does (the request that woke it was a guest's)."""
	frappe.set_user("Administrator")
	result = {"processed": 0, "failed": 0}
	token = frappe.generate_hash(length=16)
	started = idle_since = time.monotonic()
	while time.monotonic() - started < max_seconds:
		rows = _claim(token, now_datetime(), page, slot)
		if rows:
			_apply_page(rows, result)
			idle_since = time.monotonic()
		elif time.monotonic() - idle_since >= linger:
			break
		else:
			frappe.db.rollback()  # the next look sees what the webhook committed since
			time.sleep(POLL_SECONDS)
	return result


def _due(event, moment, slot: int | None):
	due = (
		event.status.isin((PENDING, FAILED))
		& (event.next_attempt_on <= moment)
		& (event.claimed_until.isnull() | (event.claimed_until < moment))
	)
	return due if slot is None else due & (event.slot == slot)


def _claim(token: str, moment, page: int, slot: int | None) -> list:
	event = DocType(EVENT)
	names = [
		row[0]
		for row in frappe.qb.from_(event)
		.select(event.name)
		.where(_due(event, moment, slot))
		.orderby(event.creation)
		.orderby(event.name)
		.limit(page)
		.run()
	]
	if not names:
		return []
	frappe.qb.update(event).set(event.claim, token).set(
		event.claimed_until, add_to_date(moment, minutes=CLAIM_MINUTES)
	).where(event.name.isin(names) & _due(event, moment, slot)).run()
	# the claim must be visible to the other drains
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return (
		frappe.qb.from_(event)
		.select(event.name, event.payload, event.attempts)
		.where(event.name.isin(names) & (event.claim == token))
		.orderby(event.creation)
		.orderby(event.name)
		.run(as_dict=True)
	)


def _apply_page(rows: list, result: dict) -> None:
	"""A page in one transaction, in the order the events came; if any of it fails, the page again
	one event at a time, so the event that fails is set aside and the rest go through."""
	try:
		for row in rows:
			process(json.loads(row.payload))
		_processed([row.name for row in rows])
		# a page of events stands together
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		result["processed"] += len(rows)
	except Exception:
		frappe.db.rollback()
		for row in rows:
			result["processed" if _apply(row) else "failed"] += 1


def _processed(names: list[str]) -> None:
	event = DocType(EVENT)
	frappe.qb.update(event).set(event.status, PROCESSED).set(event.processed_on, now()).set(
		event.claim, None
	).set(event.claimed_until, None).set(event.error, None).where(event.name.isin(names)).run()


def _apply(row) -> bool:
	"""Apply one event and mark it processed, all or nothing; a failure is logged and retried later."""
	event = DocType(EVENT)
	try:
		process(json.loads(row.payload))
		_processed([row.name])
		# each event stands on its own
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		return True
	except Exception:
		frappe.db.rollback()
		attempts = cint(row.attempts) + 1
		trace = frappe.get_traceback(with_context=False)
		logger().error(f"webhook event {row.name} failed (attempt {attempts}): {trace}")
		if attempts == 1:
			frappe.log_error(title=_("WhatsApp webhook event {0} failed").format(row.name))
		frappe.qb.update(event).set(event.status, FAILED).set(event.attempts, attempts).set(
			event.next_attempt_on, add_to_date(now_datetime(), seconds=intake.retry_delay_seconds(attempts))
		).set(event.error, trace[-2000:]).set(event.claim, None).set(event.claimed_until, None).where(
			event.name == row.name
		).run()
		# the failure is recorded whatever comes next
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		return False


def sweep() -> dict:
	"""Every minute: apply what no job took (its job never ran, or it failed and its wait is over),
	and forget processed events older than a week."""
	result = drain(max_seconds=50)
	result["forgotten"] = purge(add_to_date(now_datetime(), days=-intake.KEEP_PROCESSED_DAYS))
	return result  # Frappe's scheduler commits the purge when the job returns


def purge(before) -> int:
	event = DocType(EVENT)
	names = [
		row[0]
		for row in frappe.qb.from_(event)
		.select(event.name)
		.where((event.status == PROCESSED) & (event.creation < before))
		.limit(PURGE_PAGE)
		.run()
	]
	if names:
		frappe.qb.from_(event).delete().where(event.name.isin(names)).run()
	return len(names)


def forget(phones: list[str]) -> int:
	"""Delete the deliveries that name any of these numbers (bare digits, as Meta writes them, in
	quotes), applied or not: applying one after her erasure would bring her messages back."""
	names = set()
	for digits in (phone for phone in phones if phone.isdigit()):  # digits: nothing to escape in LIKE
		names.update(frappe.get_all(EVENT, {"payload": ["like", f'%"{digits}"%']}, pluck="name"))
	if names:
		frappe.db.delete(EVENT, {"name": ("in", list(names))})
	return len(names)
