"""How fast a store's past is learnt: the set-based history job against the per-customer path.

	bench --site jc-bench.test execute jewel_clienteling.benchmarks.history.run
	bench --site jc-bench.test execute jewel_clienteling.benchmarks.history.run \
		--kwargs "{'customers': 200000, 'invoices': 2000000, 'old_code': '/path/to/previous/checkout'}"

Run it on a benchmark site of its own, never on a site with real data: it writes and deletes rows.

1. Generates a chain's history with multi-row INSERTs: N customers named JCH-B-0000001 ..., about
   `invoices` invoices over ten years (Sales Invoices, POS Invoices, returns, cancellations and POS
   closings' consolidated invoices among them), 1 to 3 item rows each, a catalogue of variant items.
2. Learns it with the history job (`history.run`, pages of 500) in a fresh process, so the peak
   memory measured is the job's own: time, customers and invoices per second, peak RSS.
3. Forgets a sample of customers and learns them again one at a time with the live refresh
   (`profile.refresh_customer`, a commit each), as a job looping over customers would; with
   `old_code`, also with the code at that path (the refresh as it was before this job existed).
   Checks that the sample's profiles come out the same both ways.
4. Prints both side by side, extrapolated to 200 000 customers and 2 000 000 invoices, and deletes
   the population unless `keep`.

Targets (issue 16): 200 000 customers / 2 000 000 invoices in at most 15 minutes on 2 cores,
peak memory at most 300 MB.
"""

import glob
import json
import os
import resource
import subprocess
import sys
import time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count

from jewel_clienteling.benchmarks import preflight
from jewel_clienteling.benchmarks.history_data import (
	LIKE,
	delete_population,
	forget,
	generate,
	sample,
	snapshot,
)
from jewel_clienteling.benchmarks.plan_scale_child import high_water_mb as _high_water_mb

MARK = "HISTORY_BENCH_JSON "
FULL_CUSTOMERS, FULL_INVOICES = 200_000, 2_000_000
TARGET_SECONDS, TARGET_MB = 15 * 60, 300


@preflight.reported
def run(
	customers: int = 20_000,
	invoices: int = 200_000,
	sample_size: int = 500,
	page_size: int = 500,
	seed: int = 16,
	old_code: str | None = None,
	keep: int = 0,
) -> dict:
	frappe.set_user("Administrator")
	customers, invoices = int(customers), int(invoices)
	delete_population()
	started = time.perf_counter()
	made = generate(customers, invoices, int(seed))
	made["generation_s"] = round(time.perf_counter() - started, 1)
	print(f"Generated {made} ", flush=True)
	report = {**made, "set_based": _in_fresh_process("learn_once", page_size=int(page_size))}
	names = sample(customers, int(sample_size), int(seed))
	learnt = snapshot(names)
	paths = {"per_customer": None, **({"old_code": old_code} if old_code else {})}
	for label, path in paths.items():
		forget(names)
		report[label] = _per_customer_in_fresh_process(names, path)
		report[f"{label}_same_profiles"] = snapshot(names) == learnt
	_print(report)
	if not int(keep):
		delete_population()
	return report


# ------------------------------------------------------------------------------------- measuring


def learn_once(page_size: int = 500, profile: int = 0, fresh: int = 0) -> dict:
	"""In a fresh process: learn the whole site's history as the job does, and report (with
	`profile`, also where the time went; with `fresh`, after forgetting what was learnt)."""
	import cProfile
	import pstats

	from jewel_clienteling.services import history

	frappe.set_user("Administrator")
	if int(fresh):
		customer = DocType("Customer")
		names = (
			frappe.qb.from_(customer).select(customer.name).where(customer.name.like(LIKE)).run(pluck=True)
		)
		for start in range(0, len(names), 5000):
			forget(names[start : start + 5000])
	profiler = cProfile.Profile() if int(profile) else None
	cpu, server_cpu = resource.getrusage(resource.RUSAGE_SELF), _server_cpu_seconds()
	started = time.perf_counter()
	if profiler:
		profiler.enable()
	summary = history.run(restart=True, page_size=int(page_size))
	seconds = time.perf_counter() - started
	used = resource.getrusage(resource.RUSAGE_SELF)
	cpu_seconds = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
	server_seconds = _server_cpu_seconds() - server_cpu
	if profiler:
		profiler.disable()
		pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
		pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
	report = {
		"seconds": round(seconds, 1),
		"customers": summary["learnt"],
		"customers_per_s": round(summary["learnt"] / seconds, 1),
		"python_cpu_s": round(cpu_seconds, 1),
		"db_cpu_s": round(server_seconds, 1),
		"peak_rss_mb": round(_high_water_mb(), 1),
		"pages": summary["pages"],
		"changed": summary["changed"],
		"failed": summary["failed"],
		"preferences": _count("Preference"),
		"occasions": _count("Occasion"),
	}
	print(MARK + json.dumps(report), flush=True)
	return report


def _server_cpu_seconds() -> float:
	"""CPU time the database server has spent on this connection: its thread's utime + stime. On a
	shared machine this, with the process's own CPU time, says what the run costs whatever else runs."""
	query = "SELECT TID FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()"
	# a fixed query of the server's own process list, which frappe.qb has no table for
	tid = frappe.db.sql(query)[0][0]  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
	for path in glob.glob(f"/proc/[0-9]*/task/{tid}/stat"):
		with open(path) as stat:
			fields = stat.read().rsplit(")", 1)[1].split()
		return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
	return 0.0


def _count(doctype: str) -> int:
	table = DocType(doctype)
	return frappe.qb.from_(table).select(Count("*")).where(table.customer.like(LIKE)).run()[0][0]


PER_CUSTOMER = """
import json, resource, sys, time
import frappe
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
frappe.set_user("Administrator")
from jewel_clienteling.services import profile
names = json.load(open(sys.argv[2]))
started = time.perf_counter()
for name in names:
	profile.refresh_customer(name)
	frappe.db.commit()
seconds = time.perf_counter() - started
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print("%s%s" % (sys.argv[3], json.dumps({"seconds": round(seconds, 2), "customers": len(names),
	"ms_per_customer": round(1000 * seconds / len(names), 2), "peak_rss_mb": round(int(peak) / 1024, 1)})))
"""


def _per_customer_in_fresh_process(names: list[str], code_path: str | None) -> dict:
	"""The live refresh, one customer at a time, in a fresh process (with the app's code at
	`code_path` when given, e.g. a checkout of the version before this job)."""
	sites = os.path.abspath(frappe.local.sites_path)
	listing = os.path.join(sites, frappe.local.site, "jch-bench-sample.json")
	with open(listing, "w") as out:
		json.dump(names, out)
	env = dict(os.environ)
	if code_path:
		env["PYTHONPATH"] = os.path.abspath(code_path)
	print(f"Refreshing {len(names)} customers one at a time ({code_path or 'this code'}) ...", flush=True)
	return _result(
		subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
			[sys.executable, "-c", PER_CUSTOMER, frappe.local.site, listing, MARK],
			cwd=sites,
			env=env,
			capture_output=True,
			text=True,
			check=False,
		)
	)


def _in_fresh_process(method: str, **kwargs) -> dict:
	# the child must see everything generated
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	print(f"Running {method} in a fresh process ...", flush=True)
	command = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site]
	command += ["execute", f"jewel_clienteling.benchmarks.history.{method}", "--kwargs", repr(kwargs)]
	return _result(
		subprocess.run(  # noqa: S603 - our own bench, fixed arguments
			command, cwd=os.path.abspath(frappe.local.sites_path), capture_output=True, text=True, check=False
		)
	)


def _result(done: subprocess.CompletedProcess) -> dict:
	for line in done.stdout.splitlines():
		if line.startswith(MARK):
			return json.loads(line[len(MARK) :])
	print(done.stdout[-4000:], done.stderr[-4000:])
	raise RuntimeError(f"the measured process failed with exit code {done.returncode}")


def _print(report: dict) -> None:
	scale = FULL_CUSTOMERS / report["customers"]
	bulk = report["set_based"]
	rows = [("set-based history job", bulk["seconds"], bulk["customers_per_s"], bulk["peak_rss_mb"])]
	for label, title in (("per_customer", "per customer, this code"), ("old_code", "per customer, old code")):
		if label in report:
			one = report[label]
			rows.append((title, one["seconds"], one["customers"] / one["seconds"], one["peak_rss_mb"]))
	print(
		f"\n{report['customers']:,} customers, {report['invoices']:,} invoices, {report['lines']:,} item rows"
	)
	print(f"{'path':<26}{'s':>10}{'customers/s':>13}{'peak MB':>9}{'200k/2M est.':>16}")
	for title, seconds, rate, peak in rows:
		estimate = FULL_CUSTOMERS / rate
		print(f"{title:<26}{seconds:>10.1f}{rate:>13.1f}{peak:>9.1f}{estimate / 60:>12.1f} min")
	estimate = bulk["seconds"] * scale
	cpu = bulk["python_cpu_s"] + bulk["db_cpu_s"]
	print(
		f"set-based CPU: {bulk['python_cpu_s']} s in Python, {bulk['db_cpu_s']} s in the database on its"
		f" connection: {1000 * cpu / bulk['customers']:.2f} ms a customer, {cpu * scale / 60:.1f} min"
		" for 200k/2M with nothing else running (wall time above includes waiting for a shared machine)"
	)
	print(
		f"set-based: {bulk['changed']:,} profiles written, {bulk['preferences']:,} preferences,"
		f" {bulk['occasions']:,} occasions, {bulk['failed']} not learnt; estimate for 200k/2M"
		f" {estimate / 60:.1f} min (target 15), peak {bulk['peak_rss_mb']} MB (target 300):"
		f" {'met' if estimate <= TARGET_SECONDS and bulk['peak_rss_mb'] <= TARGET_MB else 'MISSED'}"
	)
	for label in ("per_customer", "old_code"):
		if label in report:
			print(
				f"{label}: same profiles as the set-based job for the sample: {report[f'{label}_same_profiles']}"
			)
