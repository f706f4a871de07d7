"""Keeping the Clienteling Impact report's visits and monthly counts up to date.

keep_up() runs every ten minutes: the first time it learns every customer's visits (resumably, a
page at a time), then it rebuilds the customers whose invoices or Customer record changed, moves the
month rows their visits touch by the difference (in the same transaction), and recounts the months
of the messages that changed. recount_daily() counts every month anew in a long job of its own, once
a day and when keep_up asks for it (the first time, and when the store's walk-in customer changes),
which also catches what leaves no trace in `modified` (a message redacted, a sale entered with an
old date, a customer merged)."""

import time
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import add_days, cint, get_datetime, getdate, now_datetime, nowdate

from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services import visits
from jewel_clienteling.services.impact_months import (
	MESSAGES,
	MONTH,
	OUTREACH,
	VISITS,
	add_visit_change,
	every_month,
	recount,
)

SYNCED_TO = "jc_impact_synced_to"  # changes made before this are counted
BACKFILL_AFTER = "jc_impact_backfill_after"  # while learning the past: the last customer done
RECOUNTED_ON = "jc_impact_recounted_on"  # when every month was last recounted
WALK_IN_USED = "jc_impact_walk_in"  # the walk-in customer the counts leave out
OVERLAP = timedelta(minutes=5)  # a sale saved just before a run may commit just after it
RECOUNT_JOB = "jewel_clienteling.services.impact_upkeep.recount_daily"
RECOUNT_TIMEOUT = 3600  # 2 million invoices and a million messages: about 2½ minutes on 2 cores


def state(key: str) -> str | None:
	"""A value kept in DefaultValue, read from the table (not Frappe's cache of it, which a rolled-back
	transaction can leave behind)."""
	default = DocType("DefaultValue")
	found = (
		frappe.qb.from_(default)
		.select(default.defvalue)
		.where((default.parent == "__global") & (default.defkey == key))
		.run()
	)
	return found[0][0] if found else None


def set_state(key: str, value: str | None) -> None:
	frappe.db.set_global(key, value)  # None deletes it


def _months_of(query, column) -> set[date]:
	return {getdate(row[0]).replace(day=1) for row in query.select(column).distinct().run() if row[0]}


def changed_outreach_months(since, customers: list[str]) -> set[date]:
	"""The months of the messages changed since `since`, of those whose email's queue or Communication
	changed, and of the recent messages to these customers (a sale of theirs may have been credited to
	one: those within the attribution window of today, with a month to spare; the daily recount
	catches a sale entered with an older date)."""
	outreach = DocType(OUTREACH)
	sent = outreach.sent_on.isnotnull()
	months = _months_of(
		frappe.qb.from_(outreach).where((outreach.modified >= since) & sent), outreach.sent_on
	)
	window = cint(clienteling_settings.get_settings().get("attribution_days")) or 30
	recent = add_days(nowdate(), -(window + 31))
	for start in range(0, len(customers), visits.PAGE):
		page = customers[start : start + visits.PAGE]
		months |= _months_of(
			frappe.qb.from_(outreach).where(outreach.customer.isin(page) & (outreach.sent_on >= recent)),
			outreach.sent_on,
		)
	for doctype in ("Communication", "Email Queue"):
		table = DocType(doctype)
		query = (
			frappe.qb.from_(table)
			.join(outreach)
			.on(outreach.name == table.reference_name)
			.where((table.modified >= since) & (table.reference_doctype == OUTREACH) & sent)
		)
		months |= _months_of(query, outreach.sent_on)
	return months


def recount_everything() -> None:
	"""Every month anew, including months no longer holding anything (their rows go)."""
	visit_months, outreach_months = every_month()
	month = DocType(MONTH)
	frappe.qb.from_(month).delete().where(
		(month.source == VISITS) & month.month.notin(visit_months or [date.min])
	).run()
	frappe.qb.from_(month).delete().where(
		(month.source == MESSAGES) & month.month.notin(outreach_months or [date.min])
	).run()
	recount(visit_months, outreach_months)
	set_state(RECOUNTED_ON, str(now_datetime()))
	set_state(WALK_IN_USED, clienteling_settings.walk_in_customer() or "")


class _Lock:
	"""One keeper at a time (MariaDB's named lock, released when the work ends or its connection
	closes): two would write the same months at once."""

	NAME = "jewel_clienteling:impact"
	TAKE, GIVE_BACK = "SELECT GET_LOCK(%s, 0)", "SELECT RELEASE_LOCK(%s)"

	def __enter__(self) -> bool:
		# MariaDB's named lock, a constant name as a parameter: one upkeep at a time
		taken = frappe.db.sql(self.TAKE, self.NAME)  # fmt: skip  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
		self.held = bool(taken[0][0])
		return self.held

	def __exit__(self, *_exc) -> None:
		if self.held:
			# the named lock taken above, given back
			frappe.db.sql(self.GIVE_BACK, self.NAME)  # fmt: skip  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql


def keep_up(max_seconds: float = 240) -> dict:
	"""The job every ten minutes: learn the past while it is not learnt, then bring the customers and
	months changed since the last run up to date. Stops at `max_seconds`; the next run goes on from
	where it stopped. Does nothing while another keeper runs."""
	result = {"backfilled": 0, "rebuilt": 0, "months": 0, "done": False}
	with _Lock() as held:
		if held:
			_keep_up(time.monotonic() + max_seconds, result)
	return result


def _keep_up(deadline: float, result: dict) -> None:
	started = now_datetime()
	if not state(SYNCED_TO):
		# changes from now on are caught below; the past is learnt page by page meanwhile
		set_state(SYNCED_TO, str(started))
		set_state(BACKFILL_AFTER, "")
		# the job's progress stands on its own
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	after = state(BACKFILL_AFTER)
	if after is not None:
		while after is not None and time.monotonic() < deadline:
			after = visits.backfill_page(after)
			set_state(BACKFILL_AFTER, after)  # deleted once every customer is learnt
			# a background job's page of work stands on its own; a rerun resumes after it
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			result["backfilled"] += visits.PAGE
		return  # the next run counts the months, with its whole time for it
	since = get_datetime(state(SYNCED_TO)) - OVERLAP
	# the first time after learning the past, or when the walk-in customer changed: count every month
	anew = not state(RECOUNTED_ON) or state(WALK_IN_USED) != (clienteling_settings.walk_in_customer() or "")
	changed = visits.changed_since(since)
	for start in range(0, len(changed), visits.PAGE):
		if time.monotonic() >= deadline:
			return  # the watermark stays: the next run takes the rest again (those done are unchanged)
		change = visits.rebuild(changed[start : start + visits.PAGE])
		if not anew:
			add_visit_change(change)  # in the same transaction as the visits it counts
		# a background job's page of work stands on its own; a rerun resumes after it
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		result["rebuilt"] = min(start + visits.PAGE, len(changed))
	if anew:
		enqueue_recount()  # minutes at a chain's size: in a long job of its own, under the same lock
		result["recount_queued"] = True
	else:
		outreach_months = changed_outreach_months(since, changed)
		recount([], outreach_months)
		result["months"] = len(outreach_months)
	set_state(SYNCED_TO, str(started))
	# a background job's page of work stands on its own; a rerun resumes after it
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	result["done"] = True


def enqueue_recount() -> None:
	"""Every month counted anew in a long job (once queued, not twice): daily, and by keep_up the first
	time and when the walk-in customer changed."""
	frappe.enqueue(RECOUNT_JOB, queue="long", timeout=RECOUNT_TIMEOUT, job_id=RECOUNT_JOB, deduplicate=True)


def recount_daily() -> bool:
	"""Every month anew (which also catches what leaves no trace in `modified`: a message redacted, a
	sale entered with an old date). Skipped while a keeper runs: keep_up queues it again if needed."""
	with _Lock() as held:
		if held and state(BACKFILL_AFTER) is None and state(SYNCED_TO):
			recount_everything()
			# a background job's page of work stands on its own; a rerun resumes after it
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			return True
	return False


def rebuild_everything(page: int = visits.PAGE) -> None:
	"""Every customer's visits and every month anew, committing as it goes (the benchmark; a repair
	by hand: bench execute jewel_clienteling.services.impact_upkeep.rebuild_everything)."""
	started, after = now_datetime(), ""
	while after is not None:
		after = visits.backfill_page(after, page)
		# a background job's page of work stands on its own; a rerun resumes after it
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	recount_everything()
	set_state(BACKFILL_AFTER, None)
	set_state(SYNCED_TO, str(started))
	# a background job's page of work stands on its own; a rerun resumes after it
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def status() -> dict:
	"""When the counts were last brought up to date, and how much of the past is still to learn."""
	after = state(BACKFILL_AFTER)
	customer = DocType("Customer")
	left = (
		frappe.qb.from_(customer).select(Count("*")).where(customer.name > after).run()[0][0]
		if after is not None
		else 0
	)
	synced = state(SYNCED_TO)
	return {
		"synced_to": get_datetime(synced) if synced else None,
		"learning_past": after is not None,
		"customers_left": left,
	}
