"""One planning run of the plan_scale benchmark, in a process of its own so that its peak memory is
the planner's: `python plan_scale_child.py SITE [PROFILE]`, from the bench's sites folder, with the
code to measure first on PYTHONPATH (this branch, or an older checkout for the side by side). It
imports nothing of the app but the planner, which every version has, and prints one JSON line."""

import cProfile
import io
import json
import pstats
import resource
import sys
import time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import getdate, nowdate

RESULT_MARK = "PLAN_ONCE_JSON "
LIKE = "JCB-%"


def high_water_mb() -> float | None:
	"""Peak RSS of this process's own memory since it started its program (VmHWM). Linux also counts
	in ru_maxrss the peak of the memory a process had before exec: a child started by subprocess
	(vfork) shows its parent's peak there, which after generating a million customers is not small.
	(Here, not in benchmarks/bulk.py, because this module must run with older code on the path.)"""
	try:
		with open("/proc/self/status") as status:
			for line in status:
				if line.startswith("VmHWM:"):
					return int(line.split()[1]) / 1024
	except OSError:
		return None
	return None


def rss_mb() -> float:
	"""Peak resident set size of this process, in MB (Linux reports KB)."""
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan_once(profile: int = 0, top: int = 35) -> dict:
	"""Plan today with the planner on the path and print the result as one JSON line (with `profile`,
	also the cProfile top functions). The benchmark's earlier outreach must be gone already."""
	from jewel_clienteling.services import planner

	frappe.set_user("Administrator")
	today = getdate(nowdate())
	rss_before = high_water_mb()
	profiler = cProfile.Profile() if int(profile) else None
	started, cpu = time.perf_counter(), time.process_time()
	if profiler:
		profiler.enable()
	result = planner.plan_days(today, today, today)
	if profiler:
		profiler.disable()
	seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
	outreach = DocType("Client Outreach")
	written = frappe.qb.from_(outreach).select(Count("*")).where(outreach.customer.like(LIKE)).run()[0][0]
	rows = result.get("planned", 0) + result.get("skipped", 0)
	report = {
		"plan_s": round(seconds, 2),
		# this process's own CPU: what planning costs whatever else the machine is doing
		"plan_cpu_s": round(cpu, 2),
		"planned": result.get("planned", 0),
		"skipped": result.get("skipped", 0),
		"withdrawn": result.get("withdrawn", 0),
		"rows_written": written,
		"rows_per_s": round(rows / seconds) if seconds else None,
		"rss_before_plan_mb": round(rss_before, 1) if rss_before else None,
		"peak_rss_mb": round(high_water_mb() or rss_mb(), 1),
		"code": planner.__file__.rsplit("/jewel_clienteling/", 1)[0],
	}
	if profiler:
		for order in ("cumulative", "tottime"):
			out = io.StringIO()
			pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(int(top))
			print(out.getvalue())
	print(RESULT_MARK + json.dumps(report), flush=True)
	return report


if __name__ == "__main__":
	frappe.init(site=sys.argv[1], sites_path=".")
	frappe.connect()
	try:
		plan_once(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
		# a script of its own, as bench execute would: its last transaction
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	finally:
		frappe.destroy()
