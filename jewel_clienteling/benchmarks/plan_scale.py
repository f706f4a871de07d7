"""How the daily planner scales with the number of customers.

	bench --site jc-bench.test execute jewel_clienteling.benchmarks.plan_scale.run --kwargs "{'customers': 100000}"
	bench --site jc-bench.test execute jewel_clienteling.benchmarks.plan_scale.run \
		--kwargs "{'customers': 1000000, 'before': '/path/to/an/older/checkout'}"

Run it on a benchmark site of its own, never on a site with real data: it writes and deletes rows.
Any site with the app migrated will do (no setup wizard or company needed).

1. Makes a population of N customers with three occasions each (benchmarks/plan_scale_population.py),
   or reuses the one there (grown or shrunk to N, its past occasions moved on).
2. Plans today with the real planner (`planner.plan_days(today, today, today)`) in a fresh process
   (benchmarks/plan_scale_child.py), so that the process's peak memory is the planner's own, after
   deleting the benchmark's earlier outreach: the time, the rows written, rows per second and the
   peak RSS. With `before` (the path of an older checkout, say main's worktree), that code plans the
   same day first, in the same way, and both are printed side by side with the same rows checked.
3. Times the planner's indexed candidate query (`next_occurrence` between, per lead) against the naive
   full scan with MONTH()/DAY() on the same dates, checks that both find the same rows and shows what
   EXPLAIN expects each to read.

Targets (issue 24): 1 000 000 customers planned in at most 5 s on 2 cores, with at most 300 MB RSS.

Other entry points:
	... execute jewel_clienteling.benchmarks.plan_scale.plan_once --kwargs "{'profile': 1}"
	... execute jewel_clienteling.benchmarks.plan_scale.delete_population
"""

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_days, getdate, nowdate
from pypika.terms import CustomFunction, Tuple

from jewel_clienteling.benchmarks import plan_scale_child
from jewel_clienteling.benchmarks.bulk import explain
from jewel_clienteling.benchmarks.plan_scale_child import RESULT_MARK
from jewel_clienteling.benchmarks.plan_scale_population import (
	LIKE,
	OUTREACH,
	delete_benchmark_outreach,
	delete_population,
	ensure_population,
)
from jewel_clienteling.benchmarks.preflight import reported
from jewel_clienteling.services import planner_occasions, planner_queries
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import INSERT_FIELDS
from jewel_clienteling.services.outreach_facts import insert_ignoring_duplicates

TARGET_S_PER_MILLION, TARGET_MB = 5, 300
# what an outreach row says, compared between the two codes (its name and times differ by nature)
SAME_FIELDS = (
	"dedupe_key",
	"status",
	"skip_reason",
	"held_reason",
	"due_date",
	"expires_on",
	"assigned_to",
	"channel",
	"phone",
	"template",
	"message",
	"reference_name",
	"cycle",
	"context",
)

Month = CustomFunction("MONTH", ["value"])
Day = CustomFunction("DAY", ["value"])

__all__ = ("delete_population", "plan_once", "run")


@reported
def run(
	customers: int = 100_000, seed: int = 42, repeats: int = 3, regenerate: int = 0, before: str | None = None
) -> dict:
	"""Make (or reuse) the population, plan today in a fresh process (first with the code at `before`
	when given), compare the occasion queries."""
	frappe.set_user("Administrator")
	customers = int(customers)
	today = getdate(nowdate())
	if int(regenerate):
		delete_population()
	generation = ensure_population(customers, today, int(seed))
	plans = {}
	for label, code in (("before", before), ("after", None)):
		if label == "before" and not before:
			continue
		plans[label] = _plan_in_fresh_process(code)
		plans[label]["rows_digest"] = _rows_digest()
	lowest = floor(today)
	queries = compare_queries(today, int(repeats))
	report = {
		**lowest,
		"buffer_pool_mb": buffer_pool_mb(),
		"customers": customers,
		"occasions": generation["occasions"],
		"generation_s": generation["seconds"],
		"generation": generation["how"],
		**plans["after"],
		**queries,
	}
	if "before" in plans:
		report["before"] = plans["before"]
		report["same_rows_as_before"] = plans["before"]["rows_digest"] == plans["after"]["rows_digest"]
	_print_report(report)
	return report


@reported
def plan_once(profile: int = 0, top: int = 35) -> dict:
	"""In this process: delete the benchmark's earlier outreach, plan today, print the result (with
	`profile`, also the cProfile top functions)."""
	frappe.set_user("Administrator")
	delete_benchmark_outreach()
	return plan_scale_child.plan_once(int(profile), int(top))


def floor(today: date) -> dict:
	"""What the planner is measured against (issue 24), on this machine at this moment: the day's
	occasions read with the planner's indexed range queries, and the rows it wrote written again with
	multi-row INSERT IGNOREs, in one transaction. Leaves the rows as the planner wrote them."""
	outreach = DocType(OUTREACH)
	rows = list(
		frappe.qb.from_(outreach)
		.select(*(outreach[field] for field in INSERT_FIELDS))
		.where(outreach.customer.like(LIKE))
		.run()
	)
	delete_benchmark_outreach()
	started = time.perf_counter()
	occasions = len(_run_indexed(_indexed_queries(today, _leads())))
	insert_ignoring_duplicates(INSERT_FIELDS, rows)
	# the floor's one transaction, as the planner commits its own
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return {"floor_s": round(time.perf_counter() - started, 2), "floor_occasions": occasions}


def buffer_pool_mb() -> int:
	"""MariaDB's cache of tables and indexes, which decides whether the day's reads come from disk."""
	# a server variable, which the query builder cannot name
	# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
	return int(frappe.db.sql("SELECT @@innodb_buffer_pool_size")[0][0]) // (1024 * 1024)


def _leads() -> list[int]:
	default, by_type = planner_occasions.lead_settings(clienteling_settings.get_settings())
	return sorted({lead for leads in (default, *by_type.values()) for lead in leads})


def _rows_digest() -> str:
	"""A digest of every outreach row the run wrote, by what it says: two codes that plan the same
	write the same digest."""
	outreach = DocType(OUTREACH)
	rows = (
		frappe.qb.from_(outreach)
		.select(*(outreach[field] for field in SAME_FIELDS))
		.where(outreach.customer.like(LIKE))
		.orderby(outreach.dedupe_key)
		.run()
	)
	return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def _plan_in_fresh_process(code: str | None = None) -> dict:
	"""Plan today in a child process with `code` (a checkout's path) first on its path, or this code."""
	deleted = delete_benchmark_outreach()
	# the planner runs in a child process, which must see everything generated and deleted
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	env = dict(os.environ)
	if code:
		env["PYTHONPATH"] = os.path.abspath(code)
	command = [sys.executable, plan_scale_child.__file__, frappe.local.site]
	sites = os.path.abspath(frappe.local.sites_path)
	print(f"Planning today in a fresh process with {code or 'this code'} ...", flush=True)
	done = subprocess.run(  # noqa: S603 - our own bench's python, fixed arguments
		command, cwd=sites, env=env, capture_output=True, text=True, check=False
	)
	for line in done.stdout.splitlines():
		if line.startswith(RESULT_MARK):
			return {**json.loads(line[len(RESULT_MARK) :]), "old_outreach_deleted": deleted}
	print(done.stdout[-4000:])
	print(done.stderr[-4000:])
	raise RuntimeError(f"planning failed in the child process with exit code {done.returncode}")


# ------------------------------------------------------------------------------ indexed vs full scan


def _own_lead(occasion):
	return occasion.lead_days.isnotnull() & (occasion.lead_days > 0)


def _indexed_queries(today: date, leads: list[int]) -> list:
	"""The planner's candidate query for one day, one per lead (as in planner_occasions.occasion_candidates)."""
	occasion = DocType("Occasion")
	return [
		frappe.qb.from_(occasion)
		.select(*planner_occasions.occasion_fields(occasion))
		.where(
			(occasion.next_occurrence >= add_days(today, lead))
			& (occasion.next_occurrence <= add_days(today, lead))
			& ~_own_lead(occasion)
		)
		for lead in leads
	]


def _scan_query(today: date, leads: list[int]):
	"""The naive way: the due day-months, matched with MONTH()/DAY() on every row."""
	occasion = DocType("Occasion")
	targets = [getdate(add_days(today, lead)) for lead in leads]
	return (
		frappe.qb.from_(occasion)
		.select(*planner_occasions.occasion_fields(occasion))
		.where(
			Tuple(Month(occasion.next_occurrence), Day(occasion.next_occurrence)).isin(
				[Tuple(target.month, target.day) for target in targets]
			)
			& ~_own_lead(occasion)
		)
	)


def _run_indexed(queries) -> list[str]:
	occasion = DocType("Occasion")
	names = []
	for query in queries:
		for rows in planner_queries.pages(query, occasion.next_occurrence, occasion.name):
			names.extend(row.name for row in rows)
	return names


def _run_scan(query) -> list[str]:
	return [row.name for row in query.run(as_dict=True)]


def compare_queries(today: date, repeats: int = 3) -> dict:
	leads = _leads()
	indexed, scan = _indexed_queries(today, leads), _scan_query(today, leads)
	indexed_plan = [explain(query)[0] for query in indexed]
	scan_plan = explain(scan)[0]
	print("EXPLAIN, planner (next_occurrence range, one per lead):")
	for lead, row in zip(leads, indexed_plan, strict=True):
		print(f"  lead {lead:>3}: type={row['type']} key={row['key']} rows={row['rows']}")
	print(
		f"EXPLAIN, MONTH()/DAY() scan: type={scan_plan['type']} key={scan_plan['key']} rows={scan_plan['rows']}"
	)

	indexed_ms, scan_ms = [], []
	indexed_names = scan_names = []
	for attempt in range(repeats):
		# alternate which goes first, so neither always finds the other's pages in the buffer pool
		for which in ("indexed", "scan") if attempt % 2 == 0 else ("scan", "indexed"):
			started = time.perf_counter()
			if which == "indexed":
				indexed_names = _run_indexed(indexed)
				indexed_ms.append((time.perf_counter() - started) * 1000)
			else:
				scan_names = _run_scan(scan)
				scan_ms.append((time.perf_counter() - started) * 1000)
	same = sorted(indexed_names) == sorted(scan_names)
	if not same:
		print(f"WARNING: the two queries found different rows ({len(indexed_names)} vs {len(scan_names)})")
	indexed_median, scan_median = statistics.median(indexed_ms), statistics.median(scan_ms)
	return {
		"indexed_ms": round(indexed_median, 1),
		"scan_ms": round(scan_median, 1),
		"scan_over_indexed": round(scan_median / indexed_median, 1) if indexed_median else None,
		"indexed_rows": len(indexed_names),
		"scan_rows": len(scan_names),
		"same_rows": same,
		"indexed_explain_rows": sum(int(row["rows"] or 0) for row in indexed_plan),
		"scan_explain_rows": int(scan_plan["rows"] or 0),
		"indexed_ms_each": [round(ms, 1) for ms in indexed_ms],
		"scan_ms_each": [round(ms, 1) for ms in scan_ms],
	}


# -------------------------------------------------------------------------------------------- report


def _print_report(report: dict) -> None:
	runs = [("before", report["before"])] if "before" in report else []
	runs.append(("after" if runs else "this code", report))
	gen = (
		"reused"
		if report["generation"] == "reused"
		else f"{report['generation']} in {report['generation_s']} s"
	)
	print()
	print(
		f"  {report['customers']:,} customers, {report['occasions']:,} occasions ({gen});"
		f" MariaDB buffer pool {report['buffer_pool_mb']:,} MB"
	)
	print(
		f"  {'':10} {'plan s':>7} {'CPU s':>6} {'rows':>8} {'rows/s':>8} {'peak MB':>8}"
		"  planned / skipped / withdrawn"
	)
	for label, plan in runs:
		print(
			f"  {label:10} {plan['plan_s']:>7} {plan.get('plan_cpu_s', ''):>6} {plan['rows_written']:>8,} {plan['rows_per_s'] or 0:>8,}"
			f" {plan['peak_rss_mb']:>8}  {plan['planned']:,} / {plan['skipped']:,} / {plan['withdrawn']:,}"
			f"  ({plan['code']})"
		)
	print(
		f"  floor: the day's {report['floor_occasions']:,} occasions read by the index and its rows written"
		f" again in multi-row INSERT IGNOREs: {report['floor_s']} s; planning / floor:"
		f" {report['plan_s'] / report['floor_s']:.1f}x"
		if report["floor_s"]
		else ""
	)
	if "before" in report:
		speedup = report["before"]["plan_s"] / report["plan_s"] if report["plan_s"] else 0
		print(f"  before / after: {speedup:.1f}x; the same rows both ways: {report['same_rows_as_before']}")
	print(
		f"  occasion query: indexed {report['indexed_ms']} ms, MONTH()/DAY() scan {report['scan_ms']} ms"
		f" ({report['scan_over_indexed']}x); rows found: indexed {report['indexed_rows']:,},"
		f" scan {report['scan_rows']:,} (same rows: {report['same_rows']})"
	)
	print(
		f"  EXPLAIN rows: indexed {report['indexed_explain_rows']:,}, scan {report['scan_explain_rows']:,};"
		f" each run, ms: indexed {report['indexed_ms_each']}, scan {report['scan_ms_each']}"
	)
	at_scale = report["customers"] >= 1_000_000
	time_verdict = (
		("met" if report["plan_s"] <= TARGET_S_PER_MILLION else "MISSED") if at_scale else "judged at 1 M"
	)
	print(
		f"  targets (1 M customers in {TARGET_S_PER_MILLION} s, {TARGET_MB} MB): time {time_verdict},"
		f" memory {'met' if report['peak_rss_mb'] <= TARGET_MB else 'MISSED'}"
	)
