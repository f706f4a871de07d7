"""The WhatsApp webhook under a campaign's callbacks, through Frappe's own request handling.

	bench --site SITE execute jewel_clienteling.benchmarks.webhook_load.run --kwargs "{'seconds': 25}"
	bench --site SITE execute jewel_clienteling.benchmarks.webhook_load.side_by_side \
		--kwargs "{'before': '/path/to/older/app', 'seconds': 25}"

A campaign sends at the configured pace (WhatsApp Settings > messages per second, 80 by default) and
Meta answers each message with three callbacks: sent, delivered, read; one message in ten has its
read arrive before its delivered, one in twenty its sent last. This plays those callbacks, signed
with the app secret, at three times the send pace for `seconds`, on an open-loop schedule (each is
due at its time whether or not the one before was answered), against gunicorn serving
frappe.app:application on 127.0.0.1 with RQ workers running the jobs, all from one address (as the
rate limit sees Meta's pool at its busiest). It prints the answer time p50/p95, the refused (429)
and failed answers, then waits for the workers to drain and counts the events received and applied,
and the outreach that did not end at Read with both dates set. What the jobs leave is what the
minute's sweep would take: the run then sweeps once and counts what is still lost.

`side_by_side` first plays Frappe's own ping on the same schedule: the floor of request handling on
this machine at that moment (on a shared machine it moves), then the code at `before` if given (say
the main branch's worktree), then this code.

The run gives the site a bench id of its own while it lasts (site_config `bench_id`), so its jobs go
to queues only its own workers read: the other sites of the bench keep their jobs.
Creates customers and sent outreach: use a test site.
"""

import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time

import frappe
from frappe.installer import update_site_config
from frappe.utils import get_bench_path, now_datetime, nowdate
from frappe.utils.background_jobs import get_job

from jewel_clienteling.benchmarks import preflight
from jewel_clienteling.benchmarks.pos_submit import percentile
from jewel_clienteling.domain import webhook as intake
from jewel_clienteling.domain.messaging import DEFAULT_MESSAGES_PER_SECOND
from jewel_clienteling.services import webhook_intake, whatsapp
from jewel_clienteling.testing.whatsapp_webhooks import signed, status_payload
from jewel_clienteling.tests import fixtures as fx

SECRET = "bench-webhook-secret"  # noqa: S105 - signs the benchmark's callbacks
PATH = "/api/method/jewel_clienteling.api.whatsapp.inbound"
NUMBER_ID = "777001"
OUTREACH = "Client Outreach"


@preflight.reported
def side_by_side(before: str | None = None, seconds: float = 25, **kwargs):
	"""Frappe's own ping at the same rate (the floor of request handling on this machine now), the
	code at `before` if given, and this code."""
	rows = [floor(seconds=seconds, **kwargs)]
	if before:
		rows.append(run(seconds=seconds, code=before, label=f"before ({before})", **kwargs))
	rows.append(run(seconds=seconds, label="this branch", **kwargs))
	print("\nside by side                   offered/s  p50 ms  p95 ms  refused  failed  lost  wrong end")
	for row in rows:
		print(
			f"  {row['label'][:28]:<28} {row['offered']:>9.0f} {row['p50']:>7.1f} {row['p95']:>7.1f}"
			f" {row['refused']:>8} {row['failed']:>7} {row['lost']:>5} {row['wrong']:>10}"
		)


def floor(
	seconds: float = 25,
	web_workers: int = 4,
	port: int = 18777,
	clients: int = 96,
	pace: int | None = None,
	**_kwargs,
) -> dict:
	"""GET /api/method/ping on the same schedule: what Frappe's request handling alone costs here."""
	pace = pace or _configured_pace()
	rate = pace * intake.CALLBACKS_PER_MESSAGE
	schedule = [(i / rate, None, {}) for i in range(int(rate * seconds))]
	site, bench = frappe.local.site, get_bench_path()
	gunicorn = _gunicorn(bench, port, web_workers, dict(os.environ))
	try:
		_wait_until_up(port, site)
		print(f"\nFrappe's ping: {len(schedule)} requests at {rate}/s for {seconds:g} s")
		results, elapsed = _play(schedule, rate, port, site, clients)
	finally:
		gunicorn.terminate()
		gunicorn.wait(30)
	ms = [r["ms"] for r in results]
	print(
		f"  answer ms p50 {statistics.median(ms):.1f}, p95 {percentile(ms, 95):.1f}, offered {len(ms) / elapsed:.0f}/s"
	)
	failed = sum(1 for r in results if r["status"] != 200)
	row = {"label": "Frappe's ping (floor)", "p50": statistics.median(ms), "p95": percentile(ms, 95)}
	return {**row, "offered": len(ms) / elapsed, "refused": 0, "failed": failed, "lost": 0, "wrong": 0}


@preflight.reported
def run(
	seconds: float = 25,
	callbacks: int = intake.CALLBACKS_PER_MESSAGE,
	web_workers: int = 4,
	rq_workers: int = intake.DRAIN_JOBS,
	port: int = 18777,
	drain_seconds: float = 180,
	code: str | None = None,
	label: str = "this branch",
	clients: int = 96,
	pace: int | None = None,
) -> dict:
	"""`pace`: the send pace to configure for the run (the settings' own by default); the rate limit
	follows it."""
	frappe.set_user("Administrator")
	webhook_intake.drain()  # what earlier runs and tests left, out of the way
	pace = pace or _configured_pace()
	old = _configure(pace)
	rate = pace * callbacks
	tag = frappe.generate_hash(length=6)
	messages = _sent_outreach(tag, int(pace * seconds))
	schedule = _schedule(messages, pace)
	site, bench = frappe.local.site, get_bench_path()
	update_site_config("bench_id", f"jc-webhook-bench-{tag}")  # this run's own queues
	for slot in range(intake.DRAIN_JOBS):  # a wake-up left in the bench's queue would hold back ours
		job = get_job(webhook_intake.job_id(slot))
		if job:
			job.delete()
	frappe.cache.delete(frappe.cache.make_key(f"rl:{PATH.rsplit('/', 1)[-1]}:127.0.0.1"))
	env = {**os.environ, "PYTHONPATH": code or os.environ.get("PYTHONPATH", "")}
	procs = []
	try:
		procs.append(_gunicorn(bench, port, web_workers, env))
		procs += [_worker(bench, site, env) for _ in range(0 if code else rq_workers)]  # old code: no jobs
		_wait_until_up(port, site)
		print(
			f"\n{label}: {len(schedule)} signed callbacks at {rate}/s ({callbacks} a message at {pace}/s) for {seconds:g} s"
		)
		results, elapsed = _play(schedule, rate, port, site, clients)
		left, drained_in = _wait_for_drain(tag, drain_seconds)
	finally:
		for proc in procs:
			proc.terminate()
		for proc in procs:
			proc.wait(30)
		update_site_config("bench_id", "None")  # removes the key
		_restore(old)
	return _report(label, tag, messages, results, elapsed, pace, callbacks, left, drained_in, code)


def _configured_pace() -> int:
	return frappe.db.get_single_value(whatsapp.SETTINGS, "messages_per_second") or DEFAULT_MESSAGES_PER_SECOND


def _configure(pace: int) -> dict:
	fields = ("enabled", "phone_number_id", "messages_per_second")
	old = {field: frappe.db.get_single_value(whatsapp.SETTINGS, field) for field in fields}
	old["app_secret"] = frappe.get_single(whatsapp.SETTINGS).get_password("app_secret", raise_exception=False)
	config = frappe.get_single(whatsapp.SETTINGS)
	# nothing is sent; the pace sizes the webhook's limit
	config.update(
		{"enabled": 0, "phone_number_id": NUMBER_ID, "app_secret": SECRET, "messages_per_second": pace}
	)
	config.save()
	# the web workers read it
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return old


def _restore(old: dict) -> None:
	config = frappe.get_single(whatsapp.SETTINGS)
	config.update({key: value for key, value in old.items() if value is not None or key != "app_secret"})
	config.save()
	# the settings are as they were for whoever reads them next
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def _sent_outreach(tag: str, n: int) -> list[tuple[str, str, str]]:
	"""n outreach the sender sent (status Sent, Meta's id recorded): (name, message id, digits)."""
	pool, block = [], random.randint(0, 9999)  # a number block for this run's customers
	for i in range(50):
		phone = f"+9196{block:04d}{i:04d}"
		pool.append((fx.make_customer(mobile_no=phone, jc_whatsapp_opt_in=1), phone))
	now, today = now_datetime(), nowdate()
	rows, messages = [], []
	for i in range(n):
		customer, phone = pool[i % len(pool)]
		name, wamid = f"jc-wh-{tag}-{i}", f"wamid.bench.{tag}.{i:06d}"
		head = (name, now, now, "Administrator", "Administrator", customer, "Occasion", "Marketing", "Sent")
		rows.append((*head, today, "WhatsApp", phone, f"bench:{tag}:{i}", now, wamid, 1))
		messages.append((name, wamid, phone.lstrip("+")))
	fields = ["name", "creation", "modified", "owner", "modified_by", "customer", "reason", "purpose"]
	fields += ["status", "due_date", "channel", "phone", "dedupe_key", "sent_on", "wa_message_id", "attempts"]
	frappe.db.bulk_insert(OUTREACH, fields, rows)
	# the web workers must find them
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return messages


def _schedule(messages: list, pace: float) -> list[tuple[float, bytes, dict]]:
	"""(due second, raw body, headers) of every callback, in the order they are due."""
	rng = random.Random(17)
	due = []
	for i, (_name, wamid, digits) in enumerate(messages):
		sent_at = i / pace
		moments = {"sent": sent_at + 0.2, "delivered": sent_at + 0.7, "read": sent_at + 2.0}
		draw = rng.random()
		if draw < 0.10:  # read before delivered
			moments["read"], moments["delivered"] = moments["delivered"], moments["read"]
		elif draw < 0.15:  # sent last
			moments["sent"] = sent_at + 2.5
		stamp = time.time() + sent_at
		for offset, status in enumerate(("sent", "delivered", "read")):
			payload = status_payload(
				wamid, status, digits, timestamp=stamp + offset, phone_number_id=NUMBER_ID
			)
			raw, headers = signed(SECRET, payload)
			due.append((moments[status], raw, headers))
	due.sort(key=lambda item: item[0])
	return due


def _play(schedule: list, rate: float, port: int, site: str, clients: int) -> tuple[list[dict], float]:
	"""Send each callback at its due time from `clients` threads; record status, answer ms, lateness."""
	results: list[dict] = []
	lock = threading.Lock()
	cursor = iter(range(len(schedule)))
	start = time.time() + 1.0

	def client():
		while True:
			with lock:
				index = next(cursor, None)
			if index is None:
				return
			offset, raw, headers = schedule[index]
			pause = start + offset - time.time()
			if pause > 0:
				time.sleep(pause)
			began = time.time()
			try:
				connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
				if raw is None:
					connection.request("GET", "/api/method/ping", headers={"Host": site})
				else:
					connection.request("POST", PATH, body=raw, headers={**headers, "Host": site})
				response = connection.getresponse()
				body = response.read()
				connection.close()
				status = response.status
			except OSError as error:
				status, body = 0, str(error).encode()
			ms = (time.time() - began) * 1000
			with lock:
				results.append(
					{"status": status, "ms": ms, "late": began - start - offset, "body": body[:300]}
				)

	threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return results, time.time() - start


def _pending(tag: str) -> int:
	return frappe.db.count(
		webhook_intake.EVENT,
		{"reference": ["like", f"wamid.bench.{tag}.%"], "status": ["!=", webhook_intake.PROCESSED]},
	)


def _wait_for_drain(tag: str, limit: float) -> tuple[int, float]:
	"""Wait until the workers leave nothing of this run unapplied (or `limit` seconds pass)."""
	began = time.time()
	while True:
		frappe.db.rollback()  # a fresh view of what the workers committed
		left = _pending(tag)
		if not left or time.time() - began > limit:
			return left, time.time() - began
		time.sleep(1)


def _report(label, tag, messages, results, elapsed, pace, callbacks, left, drained_in, code) -> dict:
	rate = pace * callbacks
	ok = [r for r in results if r["status"] == 200]
	refused = [r for r in results if r["status"] == 429]
	failed = [r for r in results if r["status"] not in (200, 429)]
	ms = [r["ms"] for r in results] or [0.0]
	late = [max(0.0, r["late"]) for r in results] or [0.0]
	print(
		f"  answers: {len(ok)} ok, {len(refused)} refused (429), {len(failed)} failed"
		f" · answer ms p50 {statistics.median(ms):.1f}, p95 {percentile(ms, 95):.1f}, max {max(ms):.0f}"
	)
	for body in sorted({r["body"] for r in failed})[:3]:
		print(f"    failed: {body!r:.200}")
	print(
		f"  offered {len(results) / elapsed:.0f}/s (asked {rate}/s), schedule lateness p95"
		f" {percentile(late, 95):.2f} s · limit {1200 if code else intake.requests_per_minute(pace)}/min"
		f" for {rate * 60}/min offered"
	)
	frappe.db.rollback()
	stored = frappe.db.count(webhook_intake.EVENT, {"reference": ["like", f"wamid.bench.{tag}.%"]})
	swept = left
	if left:  # what the minute's sweep takes (an event that came as its job was finishing)
		webhook_intake.sweep()
		left = _pending(tag)
	if not code:
		print(
			f"  events: {stored} stored of {len(ok)} answered ok · applied by the jobs in {drained_in:.1f} s"
			f" after the last answer · left for the sweep {swept} · lost {left}"
		)
	names = [name for name, _wamid, _digits in messages]
	right = frappe.db.count(
		OUTREACH,
		{"name": ["in", names], "status": "Read", "delivered_on": ["is", "set"], "read_on": ["is", "set"]},
	)
	print(f"  outreach ending at Read with both dates: {right} of {len(names)}")
	lost = (len(ok) - stored + left) if not code else 0
	return {
		"label": label,
		"offered": len(results) / elapsed,
		"p50": statistics.median(ms),
		"p95": percentile(ms, 95),
		"refused": len(refused),
		"failed": len(failed),
		"lost": lost,
		"wrong": len(names) - right,
	}


def _gunicorn(bench: str, port: int, workers: int, env: dict) -> subprocess.Popen:
	return subprocess.Popen(  # noqa: S603 - the bench's own gunicorn, fixed arguments
		[
			os.path.join(bench, "env", "bin", "gunicorn"),
			*("-b", f"127.0.0.1:{port}", "-w", str(workers), "-t", "120", "--log-level", "warning"),
			*("--preload", "frappe.app:application"),
		],
		cwd=os.path.join(bench, "sites"),
		env=env,
		stdout=subprocess.DEVNULL,
	)


def _worker(bench: str, site: str, env: dict) -> subprocess.Popen:
	code = f"from jewel_clienteling.benchmarks.webhook_load import worker; worker({site!r})"
	return subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
		[sys.executable, "-c", code], cwd=os.path.join(bench, "sites"), env=env, stdout=subprocess.DEVNULL
	)


def worker(site: str) -> None:
	"""An RQ worker of the site's own queues (short and default), as `bench worker` runs them."""
	from frappe.utils.background_jobs import generate_qname, get_redis_conn
	from rq import Worker

	frappe.init(site=site, sites_path=".")
	queues = [generate_qname(queue) for queue in ("short", "default")]
	connection = get_redis_conn()
	frappe.destroy()
	Worker(queues, connection=connection).work(logging_level="WARNING")


def _wait_until_up(port: int, site: str, limit: float = 60) -> None:
	began = time.time()
	while time.time() - began < limit:
		try:
			connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
			connection.request("GET", "/api/method/ping", headers={"Host": site})
			if connection.getresponse().status == 200:
				return
		except OSError:
			time.sleep(0.5)
	raise RuntimeError(f"gunicorn on 127.0.0.1:{port} did not answer within {limit:g} s")
