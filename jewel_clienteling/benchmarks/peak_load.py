"""Peak-day load: POS sales at a fixed rate for minutes on end, with the app on.

	bench --site SITE execute jewel_clienteling.benchmarks.peak_load.run --kwargs "{'rate': 10, 'minutes': 10}"
	bench --site SITE execute jewel_clienteling.benchmarks.peak_load.side_by_side --kwargs "{'minutes': 2}"

Akshaya Tritiya and Dhanteras bring several times a normal day. Counter processes (`counters`, each
its own `bench execute`, as gunicorn workers are) submit POS invoices on an open-loop schedule:
sale i is due at start + i / rate, whether or not the one before has finished, so a slow system
shows up as lateness and not as a politely lower rate. The window is `minutes` long: a sale not
begun when it closes is counted as missed (the machine could not keep up), not made later. RQ workers (`workers`) run the jobs the
sales queue, as on a real bench. At the end it prints the sales made and failed, their latency,
how late the schedule ran, the rate achieved, and the backlog of jobs the run queued (how many,
and the oldest one's age) when the last sale is in and again after `drain_seconds`. Creates real, submitted invoices:
run it on a test site.

`side_by_side` runs the same load twice in one run, first with learning from sales off (Clienteling
Settings > Enabled) and then on, and prints the sales per second each way and their ratio: what the
app costs a machine that is already at its limit.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timezone

import frappe
from frappe.utils.background_jobs import get_queue, get_queue_list

from jewel_clienteling.benchmarks.pos_submit import ITEMS, percentile
from jewel_clienteling.tests import fixtures as fx


def run(
	rate: float = 10,
	minutes: float = 10,
	counters: int = 4,
	workers: int = 2,
	customers: int = 300,
	drain_seconds: int = 300,
):
	frappe.set_user("Administrator")
	fx.make_fixtures()
	pool = [fx.make_customer() for _ in range(customers)]
	# the counters are other processes: they must see these customers
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	total = int(rate * minutes * 60)
	start_at = time.time() + 15  # every counter has started and connected by then
	out = tempfile.mkdtemp(prefix="jc-peak-")
	os.chmod(out, 0o777)  # noqa: S103 - the counters write their results here
	site = frappe.local.site
	bench = frappe.utils.get_bench_path()
	rq = [_frappe_worker(bench) for _ in range(workers)]
	procs = [
		_bench_execute(
			bench,
			site,
			"jewel_clienteling.benchmarks.peak_load.counter",
			{
				"slots": list(range(c, total, counters)),
				"rate": rate,
				"start_at": start_at,
				"end_at": start_at + minutes * 60,
				"pool": pool,
				"result_file": os.path.join(out, f"counter-{c}.json"),
			},
		)
		for c in range(counters)
	]
	for proc in procs:
		proc.wait()
	ended = time.time()
	backlog_at_end = backlog(start_at)
	deadline = time.time() + drain_seconds
	while time.time() < deadline and backlog(start_at)["queued"]:
		time.sleep(5)
	backlog_after = backlog(start_at)
	drained_in = time.time() - ended
	for worker in rq:
		worker.terminate()
	results = []
	for c in range(counters):
		with open(os.path.join(out, f"counter-{c}.json")) as fh:
			results.extend(json.load(fh))
	return report(results, rate, total, start_at, ended, backlog_at_end, backlog_after, drained_in)


def side_by_side(rate: float = 10, minutes: float = 2, **kwargs):
	was = frappe.db.get_single_value("Clienteling Settings", "enabled")
	achieved = {}
	try:
		for enabled in (0, 1):
			frappe.db.set_single_value("Clienteling Settings", "enabled", enabled)
			# the counters are other processes and read the setting
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			print(f"\n--- learning from sales {'on' if enabled else 'off'}")
			achieved[enabled] = run(rate=rate, minutes=minutes, **kwargs)
	finally:
		frappe.db.set_single_value("Clienteling Settings", "enabled", was)
		# the setting is put back for the counters and the site
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	print(
		f"\nsales/s with the app {achieved[1]:.2f}, without {achieved[0]:.2f}:"
		f" ratio {achieved[1] / achieved[0]:.3f}"
	)


def _frappe_worker(bench: str) -> subprocess.Popen:
	return subprocess.Popen(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", "short,default"],
		cwd=os.path.join(bench, "sites"),
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)


def _bench_execute(bench: str, site: str, method: str, kwargs: dict) -> subprocess.Popen:
	return subprocess.Popen(  # noqa: S603 - our own bench, fixed arguments
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			site,
			"execute",
			method,
			"--kwargs",
			json.dumps(kwargs),
		],
		cwd=os.path.join(bench, "sites"),
	)


def counter(slots: list[int], rate: float, start_at: float, end_at: float, pool: list[str], result_file: str):
	"""One counter: each of its sales at its due time (or at once, when it is already late), until
	the window closes."""
	frappe.set_user("Administrator")
	results = []
	for slot in slots:
		if time.time() >= end_at:
			results.append({"slot": slot, "missed": True})
			continue
		due = start_at + slot / rate
		pause = due - time.time()
		if pause > 0:
			time.sleep(pause)
		began = time.time()
		try:
			fx.make_pos_invoice(pool[slot % len(pool)], ITEMS, jc_purchase_occasion="Self")
			frappe.db.commit()  # a counter's request commits its sale
			results.append({"slot": slot, "late": began - due, "ms": (time.time() - began) * 1000})
		except Exception as error:
			frappe.db.rollback()
			results.append({"slot": slot, "late": began - due, "error": f"{type(error).__name__}: {error}"})
	with open(result_file, "w") as fh:
		json.dump(results, fh)


def backlog(since: float) -> dict:
	"""Jobs queued since `since` and still waiting in the RQ queues, and how long the oldest has
	waited, in seconds."""
	queued, oldest = 0, 0.0
	now = time.time()
	for name in get_queue_list():
		for job in get_queue(name).get_jobs():
			at = job.enqueued_at  # RQ keeps it as naive UTC
			enqueued = at.replace(tzinfo=at.tzinfo or timezone.utc).timestamp() if at else now
			if enqueued >= since:
				queued += 1
				oldest = max(oldest, now - enqueued)
	return {"queued": queued, "oldest_seconds": round(oldest, 1)}


def report(results, rate, total, start_at, ended, backlog_at_end, backlog_after, drained_in):
	made = [r for r in results if "ms" in r]
	failed = [r for r in results if "error" in r]
	missed = [r for r in results if r.get("missed")]
	latency = [r["ms"] for r in made]
	late = [max(0.0, r["late"]) for r in results if "late" in r]
	seconds = ended - start_at
	print(f"peak load: {total} POS sales scheduled at {rate}/s over {total / rate:.0f} s")
	print(f"  made {len(made)}, failed {len(failed)}, missed (not begun in the window) {len(missed)}")
	for error in sorted({r["error"] for r in failed})[:5]:
		print(f"    {error[:200]}")
	if latency:
		print(
			f"  sale latency ms: p50 {statistics.median(latency):.0f}, p95 {percentile(latency, 95):.0f},"
			f" max {max(latency):.0f}"
		)
	print(
		f"  schedule lateness s: p50 {statistics.median(late):.2f}, p95 {percentile(late, 95):.2f}, max {max(late):.2f}"
	)
	print(f"  achieved {len(made) / seconds:.2f} sales/s over {seconds:.0f} s (asked {rate}/s)")
	print(f"  job backlog when the last sale was in: {backlog_at_end}")
	print(f"  job backlog {drained_in:.0f} s later: {backlog_after}")
	return len(made) / seconds
