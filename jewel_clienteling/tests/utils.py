"""Shared steps of the integration tests: commit a sale the way a request would, then run the job
its hook queued, taken from the real RQ queue; and live through days, the scheduler's own jobs
running each one."""

import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import get_test_client, getdate, now_datetime, nowdate
from frappe.utils.background_jobs import get_job, get_queues, get_redis_conn

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.webhook import DRAIN_JOBS
from jewel_clienteling.services import sync, webhook_intake
from jewel_clienteling.services.outreach import Queue


def waiting_to_be_learnt() -> set[str]:
	"""Customers a committed sale has queued for learning, not yet taken by a learning job."""
	pending, _owner = sync.keys()
	return {name.decode() for name in get_redis_conn().smembers(pending)}


def queued_learning_job():
	"""The learning job that owns the waiting customers, as queued in RQ, or None."""
	_pending, owner = sync.keys()
	token = get_redis_conn().get(owner)
	return get_job(sync.job_id(token.decode())) if token else None


def run_queued_learning() -> bool:
	"""Run the learning job the committed sales queued, taken from the real RQ queue, as a worker
	would (without its few seconds' wait for more sales). Returns whether one was queued."""
	job = queued_learning_job()
	if job is None:
		return False
	kwargs = job.kwargs["kwargs"]
	job.delete()
	sync.learn_pending(**{**kwargs, "gather": 0, "linger": 0})
	return True


def commit_and_run_queued_refresh(test, customer: str) -> None:
	"""Commit (after_commit callbacks queue her for learning), assert she waits and a learning job is
	queued, and run that job as a worker would (without its few seconds' wait for more sales)."""
	frappe.db.commit()  # nosemgrep: the hook acts only after a real commit
	test.assertIn(customer, waiting_to_be_learnt(), "the sale should have queued its customer for learning")
	test.assertTrue(run_queued_learning(), "a learning job should be queued")
	test.assertNotIn(customer, waiting_to_be_learnt())


def run_queued_webhook_jobs() -> int:
	"""Run the drain jobs the webhook's requests queued, taken from the real RQ queue (the tests run
	no worker); returns how many were waiting."""
	frappe.db.commit()  # nosemgrep: a job starts a transaction of its own, seeing what requests committed
	ran = 0
	for slot in range(DRAIN_JOBS):
		job = get_job(webhook_intake.job_id(slot))
		if job and job.get_status() == "queued":
			kwargs = job.kwargs["kwargs"]
			job.delete()
			webhook_intake.drain(**{**kwargs, "linger": 0})  # what it found, without waiting for more
			ran += 1
	return ran


def profile(customer: str) -> frappe._dict:
	return frappe.db.get_value(
		"Customer",
		customer,
		[
			"jc_first_purchase_date",
			"jc_last_purchase_date",
			"jc_visits",
			"jc_purchases",
			"jc_lifetime_value",
			"jc_average_ticket",
			"jc_lifecycle_stage",
			"jc_rfm_segment",
			"jc_rfm_score",
			"jc_profile_due_on",
		],
		as_dict=True,
	)


def preferences(customer: str, source: str | None = None) -> dict[tuple[str, str], frappe._dict]:
	filters = {"customer": customer}
	if source:
		filters["source"] = source
	return {
		(row.dimension, row.value): row
		for row in frappe.get_all(
			"Preference",
			filters=filters,
			fields=["name", "dimension", "value", "source", "score", "modified"],
		)
	}


def occasions(customer: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Occasion",
		filters={"customer": customer},
		fields=[
			"name",
			"occasion_type",
			"person_name",
			"relation",
			"day",
			"month",
			"year",
			"source",
			"next_occurrence",
		],
		order_by="next_occurrence",
	)


def run_in_bench(method: str, **kwargs) -> subprocess.Popen:
	"""`bench execute method` in a process of its own on this site: a second counter or worker."""
	return subprocess.Popen(  # noqa: S603 - our own bench, fixed arguments
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			frappe.local.site,
			"execute",
			method,
			"--kwargs",
			frappe.as_json(kwargs),
		],
		cwd=frappe.utils.get_bench_path() + "/sites",
		stdout=subprocess.PIPE,
		stderr=subprocess.STDOUT,
		text=True,
	)


def whatsapp_template(template_name: str, reason: str, sources: list[str], step: str = "") -> str:
	"""The enabled WhatsApp Template of that approved name, made (Marketing, English) if missing."""
	name = frappe.db.get_value(
		"Clienteling WhatsApp Template", {"template_name": template_name, "enabled": 1}
	)
	if name:
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Clienteling WhatsApp Template",
				"template_name": template_name,
				"language": "en",
				"category": "Marketing",
				"reason": reason,
				"step": step,
				"parameters": [{"source": source} for source in sources],
			}
		)
		.insert()
		.name
	)


def request(method: str, path: str, **kwargs):
	"""One request through Frappe's own WSGI application, as a browser or script would send it, in
	its own thread (and so its own frappe.local and transaction)."""
	client = get_test_client(use_cookies=False)
	base_url = f"http://{frappe.local.site}/"  # frappe.local belongs to this thread
	result = {}

	def run():
		try:
			result["response"] = getattr(client, method)(path, base_url=base_url, **kwargs)
		except Exception as error:
			result["response"] = error

	thread = threading.Thread(target=run)
	thread.start()
	thread.join(120)
	if isinstance(result["response"], Exception):
		raise result["response"]
	return result["response"]


def committed_settings(doctype: str, **values) -> dict:
	"""Set single values now, committed; returns the old ones for the cleanup."""
	# as stored (get_single_value would read an empty date back as today, or as 0001-01-01)
	stored = frappe.db.get_singles_dict(doctype)
	old = {field: stored.get(field) for field in values}
	for field, value in values.items():
		frappe.db.set_single_value(doctype, field, value)
	frappe.clear_document_cache(doctype, doctype)
	frappe.db.commit()  # nosemgrep
	return old


def send_at_any_hour(test) -> None:
	"""No quiet hours while `test` runs (committed, put back after it), so a message planned now may go
	now whatever the hour of the run: the senders' tests must not depend on the clock."""
	old = committed_settings("Clienteling Settings", quiet_hours_start=None, quiet_hours_end=None)
	test.addCleanup(committed_settings, "Clienteling Settings", **old)


def plan_outreach(
	customer: str, reason: str = outreach_rules.OCCASION, step: str = "7", context: dict | None = None
) -> str:
	"""One outreach for her today, planned through the queue as the daily planner would, and committed
	(the senders run in their own transactions). By default a birthday greeting a week ahead."""
	today = getdate(nowdate())
	candidate = outreach_rules.Candidate(
		customer=customer,
		reason=reason,
		reference_doctype="Customer",
		reference_name=customer,
		cycle=f"{today}/{frappe.generate_hash(length=6)}",
		due_date=today,
		step=step,
		context={"occasion_type": "Birthday"} if context is None else context,
	)
	Queue(today=today, now=now_datetime()).add([candidate])
	frappe.db.commit()  # nosemgrep
	return frappe.db.get_value("Client Outreach", {"dedupe_key": candidate.key})


# --- requests as a given user --------------------------------------------------------------------

# A store's people as they are set up: an associate at the counter; a sales manager (ERPNext's role,
# who may write segments); a clienteling manager who is not a System Manager; and a System Manager.
ASSOCIATE_USER = "jc-trust-associate@example.com"
SALES_MANAGER_USER = "jc-trust-sales-manager@example.com"
CLIENTELING_MANAGER_USER = "jc-trust-clienteling-manager@example.com"
SYSTEM_MANAGER_USER = "jc-trust-system-manager@example.com"
ROLE_USERS = {
	ASSOCIATE_USER: ("Sales User", "Accounts User"),
	SALES_MANAGER_USER: ("Sales Manager", "Sales User"),
	CLIENTELING_MANAGER_USER: ("Clienteling Manager", "Sales User"),
	SYSTEM_MANAGER_USER: ("System Manager",),
}


def make_role_users() -> None:
	"""The four users, each with exactly the managing roles listed (a role left over from an earlier
	run would make a test prove nothing)."""
	from jewel_clienteling.tests import fixtures as fx

	managing = {"System Manager", "Clienteling Manager", "Sales Manager"}
	for user, roles in ROLE_USERS.items():
		fx.make_user(user, roles[0])
		doc = frappe.get_doc("User", user)
		doc.add_roles(*roles)
		doc.remove_roles(*(managing - set(roles)))


def as_request(user: str, http_method: str, cmd: str, keep: bool = False, **kwargs):
	"""One call of a whitelisted method (`cmd`, dotted) as Frappe's request handler makes it for
	`user`: whitelist, guest and HTTP-method checks, then the function. Returns the exception (with
	the messages shown to her in `.messages`), or None when it ran. Unless `keep`, what it did is
	rolled back."""
	from frappe.handler import execute_cmd
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	frappe.set_user(user)
	frappe.local.message_log = []
	frappe.local.request = Request(EnvironBuilder(method=http_method, path="/api/method/x").get_environ())
	frappe.local.form_dict = frappe._dict(kwargs)
	frappe.db.savepoint("jc_as_request")
	failed = False
	try:
		execute_cmd(cmd)
		return None
	except Exception as error:
		failed = True
		error.messages = [m.get("message") for m in frappe.local.message_log if isinstance(m, dict)]
		return error
	finally:
		if failed or not keep:
			frappe.db.rollback(save_point="jc_as_request")
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.form_dict = frappe._dict()


# --- living through days ---------------------------------------------------------------------------

APP = "jewel_clienteling"
# The scheduler's own run at the start of a day (daily jobs first, then the hourly and frequent
# ones), and the store's day: what happens at the counter, then the hourly and frequent jobs again.
MORNING = time(0, 30)
NOON = time(11, 0)
START_OF_DAY = ("daily", "daily_long", "hourly", "hourly_long", "cron")
DURING_THE_DAY = ("hourly", "hourly_long", "cron")


def run_queued_jobs() -> list[str]:
	"""Run here and now, as a worker would and oldest first, every job this site queued for this app
	(each of its jobs has a job id "jewel_clienteling:…", namespaced by Frappe with the site), and the
	jobs those queue in turn. Returns the methods run, in order."""
	ran = []
	while True:
		job = next(_app_jobs(), None)
		if job is None:
			return ran
		method, kwargs = job.kwargs["method"], job.kwargs.get("kwargs") or {}
		job.delete()
		if method == sync.LEARN_JOB:
			kwargs = {**kwargs, "gather": 0, "linger": 0}  # what the sales queued, without waiting for more
		frappe.get_attr(method)(**kwargs)
		ran.append(method)


def discard_queued_jobs() -> int:
	"""Drop this site's queued app jobs that earlier tests left (their records were rolled back), so a
	story starts with the queue a store would have. Returns how many were dropped."""
	jobs = list(_app_jobs())
	for job in jobs:
		job.delete()
	get_redis_conn().delete(*sync.keys())  # nobody waits to be learnt, and no job holds the set
	return len(jobs)


def _app_jobs():
	prefix = f"{frappe.local.site}::{APP}:"
	return (
		job
		for queue in get_queues()
		for job_id in queue.get_job_ids()
		if job_id.startswith(prefix)
		for job in [queue.fetch_job(job_id)]
		if job is not None
	)


def scheduled_jobs(frequencies: tuple[str, ...]) -> list[str]:
	"""The methods hooks.py names in scheduler_events for these frequencies ("cron": every cron line),
	in the order given."""
	events = frappe.get_hooks("scheduler_events", app_name=APP) or {}
	methods = []
	for frequency in frequencies:
		found = events.get(frequency) or []
		if isinstance(found, dict):
			found = [method for lines in found.values() for method in lines]
		methods.extend(found)
	return methods


def run_scheduler(frequencies: tuple[str, ...] = START_OF_DAY) -> list[str]:
	"""Run the scheduler's own jobs as it would (as Administrator), each followed by what it queued."""
	user = frappe.session.user
	frappe.set_user("Administrator")
	ran = []
	try:
		for method in scheduled_jobs(frequencies):
			frappe.get_attr(method)()
			frappe.db.commit()  # nosemgrep: a scheduler job's work stands on its own
			ran += [method, *run_queued_jobs()]
	finally:
		frappe.set_user(user)
	return ran


def live_through(
	test,
	days: int,
	start: date | None = None,
	on_day: Callable[[date], None] | None = None,
	end_of_day: Callable[[date], None] | None = None,
) -> None:
	"""Live `days` days from `start` (today), the clock frozen at each moment: at MORNING the
	scheduler's start-of-day jobs run; at NOON `on_day(day)` happens (the store's day: sales,
	walk-ins, replies, repairs, and what the test checks first), is committed, the day's hourly and
	frequent jobs run (the senders send), then `end_of_day(day)`. Everything committed stays: restore
	what a test changes (see committed_settings)."""
	start = getdate(start or nowdate())
	discard_queued_jobs()
	for offset in range(days):
		day = start + timedelta(days=offset)
		# the clock ticks on from each moment, as a real one does (two saves never share a timestamp)
		with test.freeze_time(datetime.combine(day, MORNING), tick=True):
			run_scheduler(START_OF_DAY)
		with test.freeze_time(datetime.combine(day, NOON), tick=True):
			if on_day:
				on_day(day)
			frappe.db.commit()  # nosemgrep: the day's events happened, as requests commit them
			run_queued_jobs()
			run_scheduler(DURING_THE_DAY)
			if end_of_day:
				end_of_day(day)
