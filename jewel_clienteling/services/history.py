"""Learning a store's past: every customer's profile from every sale made before the app arrived.

Customers are learnt in pages, in order of name, by the same set-based learning a live sale goes
through (services/learning.py). Each page is committed together with the cursor (the last customer
it learnt), so a run that is killed resumes after the last committed page and repeats none. One run
at a time: a named database lock (released by the server if the process dies) and a fixed job id.
Progress (customers done of total, rate, expected end) is kept on Clienteling Settings and
published to whoever has the settings open.
"""

import time
from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime, nowdate
from pypika.terms import CustomFunction

from jewel_clienteling.services import learning
from jewel_clienteling.services import settings as clienteling_settings

JOB = "jewel_clienteling.services.history.run"
JOB_ID = "jewel_clienteling:learn-history"
JOB_TIMEOUT = (
	6 * 3600
)  # a chain's ten years take minutes; RQ kills anything past this, resume_if_stalled goes on
PAGE_SIZE = 500
SETTINGS = "Clienteling Settings"
PROGRESS_EVENT = "jewel_clienteling_history"

QUEUED, RUNNING, PAUSED, DONE, FAILED = "Queued", "Running", "Paused", "Done", "Failed"
FIELDS = (
	"history_status",
	"history_cursor",
	"history_done",
	"history_total",
	"history_failed",
	"history_rate",
	"history_started_on",
	"history_updated_on",
	"history_expected_end",
	"history_finished_on",
)

_get_lock = CustomFunction("GET_LOCK", ["name", "timeout"])
_release_lock = CustomFunction("RELEASE_LOCK", ["name"])
_is_free_lock = CustomFunction("IS_FREE_LOCK", ["name"])


def logger():
	return frappe.logger("jewel_clienteling", allow_site=True)


# ------------------------------------------------------------------------------------------ state


def state() -> frappe._dict:
	"""The run's progress as stored now (read from the database, not from a cached document)."""
	singles = DocType("Singles")
	stored = dict(
		frappe.qb.from_(singles)
		.select(singles.field, singles.value)
		.where((singles.doctype == SETTINGS) & singles.field.isin(FIELDS))
		.run()
	)
	return frappe._dict(
		status=stored.get("history_status") or "",
		cursor=stored.get("history_cursor") or "",
		done=cint(stored.get("history_done")),
		total=cint(stored.get("history_total")),
		failed=cint(stored.get("history_failed")),
		rate=flt(stored.get("history_rate")),
		started_on=_datetime(stored.get("history_started_on")),
		updated_on=_datetime(stored.get("history_updated_on")),
		expected_end=_datetime(stored.get("history_expected_end")),
		finished_on=_datetime(stored.get("history_finished_on")),
		running=not _lock_is_free(),
	)


def _datetime(value):
	return get_datetime(value) if value else None


def _save(**values) -> None:
	frappe.db.set_single_value(
		SETTINGS, {f"history_{field}": value for field, value in values.items()}, update_modified=False
	)


def _lock_name() -> str:
	# named locks are server-wide: one per site's database
	return f"{frappe.conf.db_name}:jc-history"[:64]


def _acquire_lock() -> bool:
	return bool(frappe.qb.select(_get_lock(_lock_name(), 0)).run()[0][0])


def _release() -> None:
	frappe.qb.select(_release_lock(_lock_name())).run()


def _lock_is_free() -> bool:
	return bool(frappe.qb.select(_is_free_lock(_lock_name())).run()[0][0])


# ---------------------------------------------------------------------------------------- queueing


def start(restart: bool = False, page_size: int = PAGE_SIZE) -> dict:
	"""Queue learning (or its resumption) on the long queue, once the current transaction commits.
	Does nothing but report when a run is going on already."""
	current = state()
	if current.running:
		return {**current, "already_running": True}
	_save(status=QUEUED, updated_on=now_datetime())
	frappe.db.after_commit.add(lambda: enqueue(restart=restart, page_size=page_size))
	return {**state(), "already_running": False}


def enqueue(restart: bool = False, page_size: int = PAGE_SIZE) -> bool:
	"""Queue the job (one at a time: a fixed, deduplicated job id). Never raises: with Redis down the
	run stays Queued and resume_if_stalled queues it again later."""
	try:
		frappe.enqueue(
			JOB,
			queue="long",
			timeout=JOB_TIMEOUT,
			job_id=JOB_ID,
			deduplicate=True,
			restart=restart,
			page_size=page_size,
		)
		return True
	except Exception:
		logger().warning("could not queue learning from past sales", exc_info=True)
		return False


def start_after_install() -> None:
	"""after_install: queue the first learning of the store's past. Never blocks or fails install-app."""
	try:
		start()
	except Exception:
		logger().warning("could not plan learning from past sales after install", exc_info=True)


def resume_if_stalled() -> bool:
	"""Every few minutes: a run that is Queued or Running but that no process holds the lock of was
	killed, or its job was lost: queue it again (it goes on after its last committed page)."""
	current = state()
	if current.status not in (QUEUED, RUNNING) or current.running:
		return False
	return enqueue()


# ----------------------------------------------------------------------------------------- the run


def run(
	restart: bool = False,
	page_size: int = PAGE_SIZE,
	max_pages: int | None = None,
	today=None,
	echo=None,
) -> dict:
	"""Learn customers page after page from where the last run stopped, until all are learnt (or
	`max_pages` pages, after which the run is Paused and the next one goes on from there)."""
	if not _acquire_lock():
		return {"status": RUNNING, "already_running": True, "learnt": 0, "pages": 0}
	try:
		return _run(bool(restart), max(cint(page_size), 1), cint(max_pages) or None, today, echo)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="Clienteling: learning from past sales failed")
		_save(status=FAILED, updated_on=now_datetime())
		# keep the status and the Error Log
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		raise
	finally:
		_release()


def _run(restart: bool, page_size: int, max_pages: int | None, today, echo) -> dict:
	summary = {"status": RUNNING, "learnt": 0, "changed": 0, "failed": 0, "pages": 0, "first": None}
	if not clienteling_settings.is_enabled():
		# "Learn from Sales" is off: nothing is learnt, from the past or from today's sales
		_save(status=PAUSED, updated_on=now_datetime(), expected_end=None)
		# a background job commits its own state as it goes
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		return {**summary, "status": PAUSED}
	current = state()
	walk_in = clienteling_settings.walk_in_customer()
	now = now_datetime()
	if restart or not current.cursor:
		current.update(cursor="", done=0, failed=0, started_on=now)
		_save(cursor="", done=0, failed=0, started_on=now, finished_on=None)
	total = count_customers(walk_in)
	_save(status=RUNNING, total=total, updated_on=now, expected_end=None)
	# a background job owns its transactions; managers see it running
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	began = time.monotonic()
	cursor, done, failed = current.cursor, current.done, current.failed
	while True:
		names = next_page(cursor, page_size, walk_in)
		if not names:
			break
		changed, page_failed = learn_page(names, getdate(today or nowdate()))
		cursor, done, failed = names[-1], done + len(names), failed + page_failed
		summary["first"] = summary["first"] or names[0]
		summary["learnt"] += len(names)
		summary["changed"] += changed
		summary["failed"] += page_failed
		summary["pages"] += 1
		elapsed = max(time.monotonic() - began, 1e-6)
		rate = summary["learnt"] / elapsed
		now = now_datetime()
		expected_end = now + timedelta(seconds=(total - done) / rate) if total > done else None
		_save(cursor=cursor, done=done, failed=failed, rate=rate, updated_on=now, expected_end=expected_end)
		# the page and its cursor, together
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		_tell(done, total, rate, expected_end, echo)
		if max_pages and summary["pages"] >= max_pages:
			summary.update(status=PAUSED, cursor=cursor)
			_save(status=PAUSED, expected_end=None)
			# a background job commits its own state as it goes
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			return summary
	_save(status=DONE, cursor="", total=done, finished_on=now_datetime(), expected_end=None)
	# a background job commits its own state as it goes
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	_tell(done, done, summary["learnt"] / max(time.monotonic() - began, 1e-6), None, echo)
	summary.update(status=DONE, cursor="")
	return summary


def count_customers(walk_in: str | None = None) -> int:
	customer = DocType("Customer")
	query = frappe.qb.from_(customer).select(Count("*"))
	if walk_in:
		query = query.where(customer.name != walk_in)
	return query.run()[0][0]


def next_page(after: str, page_size: int, walk_in: str | None = None) -> list[str]:
	"""The next `page_size` customers by name after `after` (the walk-in customer is nobody)."""
	customer = DocType("Customer")
	query = (
		frappe.qb.from_(customer)
		.select(customer.name)
		.where(customer.name > after)
		.orderby(customer.name)
		.limit(page_size)
	)
	if walk_in:
		query = query.where(customer.name != walk_in)
	return [row[0] for row in query.run()]


def learn_page(names: list[str], today) -> tuple[int, int]:
	"""Learn a page; returns (profiles changed, customers not learnt). Should the page fail as a
	whole (a lock wait, something no rule foresaw), it is learnt again one customer at a time, so
	one customer's trouble holds up nobody else; hers is in the Error Log."""
	try:
		outcome = learning.learn(names, today)
		_log_failures(outcome.failed)
		return len(outcome.changed), len(outcome.failed)
	except Exception:
		frappe.db.rollback()
		logger().warning(f"learning page from {names[0]} failed; learning it one by one", exc_info=True)
	changed = failed = 0
	for name in names:
		try:
			outcome = learning.learn([name], today)
			_log_failures(outcome.failed)
			changed, failed = changed + len(outcome.changed), failed + len(outcome.failed)
			# each customer on her own
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Clienteling: profile refresh failed for {name}")
			# keep the Error Log row
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			failed += 1
	return changed, failed


def _log_failures(failed: dict[str, str]) -> None:
	for customer, reason in failed.items():
		frappe.log_error(title=f"Clienteling: profile refresh failed for {customer}", message=reason)


def _tell(done: int, total: int, rate: float, expected_end, echo) -> None:
	percent = 100 * done / total if total else 100
	description = _("{0} of {1} customers, {2} a second").format(done, total, f"{rate:.0f}")
	if expected_end:
		description += " · " + _("expected to finish at {0}").format(
			frappe.utils.format_datetime(expected_end, "HH:mm")
		)
	frappe.publish_progress(
		percent,
		title=_("Learning from past sales"),
		doctype=SETTINGS,
		docname=SETTINGS,
		description=description,
	)
	frappe.publish_realtime(
		PROGRESS_EVENT,
		{"done": done, "total": total, "rate": rate, "expected_end": str(expected_end or "")},
		doctype=SETTINGS,
		docname=SETTINGS,
	)
	if echo:
		echo(f"{done:>9} / {total} customers  {rate:8.1f}/s  {description}")
