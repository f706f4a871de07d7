"""The processes of a peak-load run: counters, RQ workers, and the queue namespace they share.

RQ's queues belong to the bench, not to a site: `{bench_id}:short` holds every site's jobs. On a
bench shared with other sites, workers started with `frappe worker` would run the other sites'
jobs (and be slowed by them), and a backlog read from those queues counts jobs that are not this
run's: a job another site queued on `long` (which such workers never take) with the clock frozen
ahead by a test is stamped in the future, so it looks queued "since the start" and 0 s old, for
ever. A run therefore gives its site a bench_id of its own in site_config.json for its duration
(every process of the site, the app's code old or new, queues there), its workers take every
queue of that namespace, and nothing else is counted.

Counters and workers are scripts run by this bench's Python with the app's code at `code_path`
first on PYTHONPATH when given (an older checkout), so one harness measures both versions.
"""

import json
import os
import subprocess
import sys

import frappe
from frappe.installer import update_site_config
from frappe.utils import get_bench_path

COUNTER = """
import json, sys, time
import frappe
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
frappe.set_user("Administrator")
from jewel_clienteling.tests import fixtures as fx
args = json.loads(sys.argv[2])
results = []
for slot in args["slots"]:
	if time.time() >= args["end_at"]:
		results.append({"slot": slot, "missed": True})
		continue
	due = args["start_at"] + slot / args["rate"]
	if due > time.time():
		time.sleep(due - time.time())
	began = time.time()
	try:
		doc = fx.make_pos_invoice(args["pool"][slot % len(args["pool"])], args["items"], jc_purchase_occasion="Self")
		frappe.db.commit()
		done = time.time()
		results.append({"slot": slot, "late": began - due, "ms": (done - began) * 1000, "invoice": doc.name, "at": done})
	except Exception as error:
		frappe.db.rollback()
		results.append({"slot": slot, "late": began - due, "error": f"{type(error).__name__}: {error}"})
json.dump(results, open(args["result_file"], "w"))
frappe.destroy()
"""

WORKER = """
import sys
import frappe
from frappe.utils.background_jobs import Worker, get_queue_list, get_redis_conn, set_niceness
frappe.init(site=sys.argv[1], sites_path=".")
queues = get_queue_list(build_queue_name=True)  # every queue of the site's own namespace
connection = get_redis_conn()
set_niceness()  # as `bench worker` is: the counters come first
frappe.destroy()
Worker(queues, connection=connection).work(logging_level="WARNING")
"""


def _environment(code_path: str | None) -> dict:
	env = dict(os.environ)
	if code_path:
		env["PYTHONPATH"] = os.path.abspath(code_path)
	return env


def _sites_path() -> str:
	return os.path.abspath(frappe.local.sites_path)


def start_worker(code_path: str | None = None) -> subprocess.Popen:
	return subprocess.Popen(  # noqa: S603 - this bench's Python, a fixed script
		[sys.executable, "-c", WORKER, frappe.local.site],
		cwd=_sites_path(),
		env=_environment(code_path),
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)


def start_counter(args: dict, code_path: str | None = None) -> subprocess.Popen:
	return subprocess.Popen(  # noqa: S603 - this bench's Python, a fixed script
		[sys.executable, "-c", COUNTER, frappe.local.site, json.dumps(args)],
		cwd=_sites_path(),
		env=_environment(code_path),
	)


class OwnQueues:
	"""While inside, this site queues its jobs in a namespace of its own (see the module's text)."""

	def __enter__(self):
		self.bench_id = f"{get_bench_path().strip('/').replace('/', '-')}-peak-{frappe.local.site}"
		was = frappe.get_site_config().get("bench_id")
		self.was = None if was == self.bench_id else was  # a run killed before it could put it back
		update_site_config("bench_id", self.bench_id)
		frappe.local.conf["bench_id"] = self.bench_id
		return self

	def __exit__(self, *exc):
		update_site_config("bench_id", self.was if self.was else "None")
		if self.was:
			frappe.local.conf["bench_id"] = self.was
		else:
			frappe.local.conf.pop("bench_id", None)
		return False


def cpu_seconds(pid: int) -> float:
	"""CPU a process has used, with that of its children it has waited for (RQ's work-horses)."""
	try:
		with open(f"/proc/{pid}/stat") as stat:
			fields = stat.read().rsplit(")", 1)[1].split()
	except OSError:
		return 0.0
	return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
