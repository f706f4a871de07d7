"""How the daily planner scales with the number of customers.

	bench --site jc-bench.test execute jewel_clienteling.benchmarks.plan_scale.run --kwargs "{'customers': 100000}"
	bench --site jc-bench.test execute jewel_clienteling.benchmarks.plan_scale.run --kwargs "{'customers': 1000000}"

Run it on a benchmark site of its own, never on a site with real data: it writes and deletes rows.

1. Makes a population of N customers named JCB-0000001 ... with three occasions each (her birthday,
   her wedding anniversary, a child's birthday; day-months spread evenly over the year), a realistic
   consent mix and last purchases spread over two years, with bulk inserts in chunks. A population
   already there is reused (and grown or shrunk to N); occasions it holds that have passed are moved on
   to their next date first, as the daily job would.
2. Plans today with the real planner (`planner.plan_days(today, today, today)`) in a fresh process,
   so that the process's peak memory is the planner's own, after deleting the benchmark's earlier
   outreach: the time, the rows written, rows per second and the peak RSS.
3. Times the planner's indexed candidate query (`next_occurrence` between, per lead) against the naive
   full scan with MONTH()/DAY() on the same dates, checks that both find the same rows and shows what
   EXPLAIN expects each to read.

Targets: 1 000 000 customers planned in at most 60 s on 2 cores, with at most 300 MB RSS.

Other entry points:
	... execute jewel_clienteling.benchmarks.plan_scale.plan_once --kwargs "{'profile': 1}"
	... execute jewel_clienteling.benchmarks.plan_scale.delete_population
"""

import cProfile
import io
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.query_builder.terms import NamedParameterWrapper
from frappe.utils import add_days, getdate, now_datetime, nowdate
from pypika.terms import CustomFunction, Tuple

from jewel_clienteling.domain.occasions import next_occurrence, occasion_key
from jewel_clienteling.jewel_clienteling.doctype.occasion.occasion import MONTH_NAMES
from jewel_clienteling.services import planner, planner_occasions, planner_queries
from jewel_clienteling.services import settings as clienteling_settings

PREFIX = "JCB-"
LIKE = PREFIX + "%"
CHUNK = 10_000  # customers per generated chunk (30 000 occasions); also the unit of reuse
DELETE_CHUNK = 20_000
RESULT_MARK = "PLAN_ONCE_JSON "
OUTREACH = "Client Outreach"

WOMEN = (
	"Aarti Ananya Anjali Bhavna Deepa Divya Gayatri Ishita Jyoti Kavita Lakshmi Meera Neha Nisha Pooja "
	"Priya Radha Rekha Ritu Sakshi Shalini Shreya Sneha Sunita Swati Tanvi Uma Vandana Varsha Yamini"
).split()
MEN = (
	"Aditya Amit Anil Arjun Deepak Gaurav Harish Karan Manoj Mohit Nikhil Pankaj Rahul Rajesh Rohit "
	"Sandeep Sanjay Suresh Tarun Varun Vikram Vinod Vivek Yash"
).split()
SURNAMES = (
	"Agarwal Bansal Chopra Desai Gupta Iyer Jain Joshi Kapoor Khanna Kulkarni Mehta Menon Nair Patel "
	"Pillai Rao Reddy Shah Sharma Singh Soni Srinivasan Verma"
).split()
MOBILE_PREFIXES = ("98", "99", "97", "96", "94", "93", "90", "88", "87", "81", "79", "77", "70", "63")

CUSTOMER_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	"customer_name",
	"customer_type",
	"mobile_no",
	"email_id",
	"disabled",
	"jc_whatsapp_opt_in",
	"jc_sms_opt_in",
	"jc_email_opt_in",
	"jc_do_not_contact",
	"jc_preferred_channel",
	"jc_preferred_associate",
	"jc_last_served_by",
	"jc_first_purchase_date",
	"jc_last_purchase_date",
)
OCCASION_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	"customer",
	"customer_name",
	"occasion_type",
	"person_name",
	"relation",
	"day",
	"month",
	"year",
	"next_occurrence",
	"source",
	"occasion_key",
	"title",
)

Month = CustomFunction("MONTH", ["value"])
Day = CustomFunction("DAY", ["value"])


# ------------------------------------------------------------------------------------- entry point


def run(customers: int = 100_000, seed: int = 42, repeats: int = 3, regenerate: int = 0) -> dict:
	"""Make (or reuse) the population, plan today in a fresh process, compare the occasion queries."""
	frappe.set_user("Administrator")
	customers = int(customers)
	today = getdate(nowdate())
	if int(regenerate):
		delete_population()
	generation = ensure_population(customers, today, int(seed))
	plan = _plan_in_fresh_process()
	queries = compare_queries(today, int(repeats))
	report = {
		"customers": customers,
		"occasions": generation["occasions"],
		"generation_s": generation["seconds"],
		"generation": generation["how"],
		**plan,
		**queries,
	}
	_print_report(report)
	return report


# -------------------------------------------------------------------------------------- population


def _count(doctype: str, field: str = "name") -> int:
	table = DocType(doctype)
	return frappe.qb.from_(table).select(Count("*")).where(table[field].like(LIKE)).run()[0][0]


def _name(index: int) -> str:
	return f"{PREFIX}{index:07d}"


def ensure_population(customers: int, today: date, seed: int) -> dict:
	"""Reuse the JCB population when it is whole, grow or shrink it to `customers`, else make it anew."""
	have = _count("Customer")
	occasions = _count("Occasion")
	whole = occasions == 3 * have and (have == 0 or frappe.db.exists("Customer", _name(have)))
	if not whole:
		print(f"JCB population is not whole ({have} customers, {occasions} occasions): making it anew")
		delete_population()
		have = 0
	started = time.perf_counter()
	if have > customers:
		print(f"Shrinking the JCB population from {have} to {customers} customers")
		_delete_from(customers + 1)
		how = "shrunk"
	elif have < customers:
		print(f"Generating customers {have + 1} to {customers} ({'growing' if have else 'new'})")
		_generate(have, customers, today, seed)
		how = "grown" if have else "generated"
	else:
		how = "reused"
	moved = _advance_stale_occasions(today)
	seconds = time.perf_counter() - started
	if how == "reused":
		print(f"Reused {customers} JCB customers; moved {moved} past occasions on ({seconds:.1f} s)")
	else:
		print(f"Population ready in {seconds:.1f} s ({how}; {moved} past occasions moved on)")
	_analyze()
	return {"occasions": _count("Occasion"), "seconds": round(seconds, 1), "how": how}


def _generate(start: int, end: int, today: date, seed: int) -> None:
	policy = clienteling_settings.feb29_policy()
	now = now_datetime()
	started = time.perf_counter()
	for chunk_start in range(start, end, CHUNK):
		chunk_end = min(chunk_start + CHUNK, end)
		# one generator per chunk: grown from a multiple of CHUNK, it is the one made in one go
		rng = random.Random(f"{seed}:{chunk_start}")
		customer_rows, occasion_rows = [], []
		for index in range(chunk_start + 1, chunk_end + 1):
			customer, occasions = _customer(rng, index, today, now, policy)
			customer_rows.append(customer)
			occasion_rows.extend(occasions)
		_insert("tabCustomer", CUSTOMER_FIELDS, customer_rows)
		_insert("tabOccasion", OCCASION_FIELDS, occasion_rows)
		# a bulk load of millions of rows, committed chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		if chunk_end % 100_000 == 0 or chunk_end == end:
			elapsed = time.perf_counter() - started
			rate = (chunk_end - start) / elapsed if elapsed else 0
			print(f"  {chunk_end:>9} customers  {elapsed:7.1f} s  {rate:8.0f} customers/s", flush=True)


def _insert(table: str, fields: tuple[str, ...], rows: list[tuple]) -> None:
	"""A multi-row INSERT, 10 000 rows a statement, values as parameters. Three times faster than
	frappe.db.bulk_insert, whose query builder spends most of the time building the statement."""
	columns = ", ".join(f"`{field}`" for field in fields)
	one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		placeholders = ", ".join([one_row] * len(chunk))
		# table and column names are this module's constants; every value goes as a parameter
		query = f"INSERT INTO `{table}` ({columns}) VALUES {placeholders}"  # noqa: S608
		# one INSERT of many rows: frappe.db.bulk_insert spends far longer building it
		# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
		frappe.db.sql(query, [value for row in chunk for value in row])


def _day_month(rng: random.Random) -> tuple[int, int]:
	"""Every day-month of the year equally likely, 29 February included (a leap year's 366 days)."""
	when = date(2000, 1, 1) + timedelta(days=rng.randrange(366))
	return when.day, when.month


def _mobile(rng: random.Random) -> str | None:
	roll = rng.random()
	digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
	if roll < 0.55:
		return "+91" + digits
	if roll < 0.80:
		return f"{digits[:5]} {digits[5:]}"
	if roll < 0.90:
		return "0" + digits
	if roll < 0.95:
		return f"+91 {digits[:5]} {digits[5:]}"
	if roll < 0.97:
		return str(rng.randrange(10**5, 10**7))  # mistyped at the counter: not a number
	return None


def _customer(rng: random.Random, index: int, today: date, now, policy: str) -> tuple[tuple, list[tuple]]:
	name = _name(index)
	first, last = rng.choice(WOMEN), rng.choice(SURNAMES)
	customer_name = f"{first} {last}"
	email = f"{first.lower()}.{last.lower()}{index}@example.in" if rng.random() < 0.45 else None
	channel_roll = rng.random()
	preferred = "WhatsApp" if channel_roll < 0.10 else "SMS" if channel_roll < 0.15 else None
	if email and 0.15 <= channel_roll < 0.20:
		preferred = "Email"
	last_purchase = today - timedelta(days=rng.randrange(730))
	customer = (
		name,
		now,
		now,
		"Administrator",
		"Administrator",
		0,
		0,
		customer_name,
		"Individual",
		_mobile(rng),
		email,
		1 if rng.random() < 0.01 else 0,
		1 if rng.random() < 0.60 else 0,
		1 if rng.random() < 0.25 else 0,
		1 if email and rng.random() < 0.50 else 0,
		1 if rng.random() < 0.03 else 0,
		preferred,
		None,
		"Administrator" if rng.random() < 0.5 else None,
		last_purchase - timedelta(days=rng.randrange(1500)),
		last_purchase,
	)
	spouse = f"{rng.choice(MEN)} {last}"
	child_relation = rng.choice(("Daughter", "Son"))
	child = rng.choice(WOMEN if child_relation == "Daughter" else MEN)
	occasions = []
	for number, (occasion_type, person, relation, year) in enumerate(
		(
			("Birthday", "", "Self", rng.randrange(1960, 2001) if rng.random() < 0.7 else 0),
			("Anniversary", spouse, "Spouse", rng.randrange(1985, 2024)),
			(
				"Child's Birthday",
				child,
				child_relation,
				rng.randrange(1995, 2024) if rng.random() < 0.5 else 0,
			),
		),
		start=1,
	):
		day, month = _day_month(rng)
		whose = person or customer_name
		occasions.append(
			(
				f"{name}-{number}",
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				0,
				name,
				customer_name,
				occasion_type,
				person,
				relation,
				day,
				str(month),
				year,
				next_occurrence(day, month, today, policy),
				"Asked",
				occasion_key(name, occasion_type, person, day, month),
				f"{whose} · {occasion_type} · {day} {MONTH_NAMES[month - 1]}",
			)
		)
	return customer, occasions


def _advance_stale_occasions(today: date) -> int:
	"""A population made on an earlier day has occasions that have passed: move them on, as the daily
	job does, so the planner sees what it would see in production."""
	policy = clienteling_settings.feb29_policy()
	occasion = DocType("Occasion")
	moved = 0
	while True:
		rows = (
			frappe.qb.from_(occasion)
			.select(occasion.name, occasion.day, occasion.month)
			.where((occasion.next_occurrence < today) & occasion.name.like(LIKE))
			.orderby(occasion.next_occurrence)
			.limit(DELETE_CHUNK)
			.run(as_dict=True)
		)
		if not rows:
			return moved
		by_date: dict[date, list[str]] = {}
		for row in rows:
			upcoming = next_occurrence(int(row.day), int(row.month), today, policy)
			by_date.setdefault(upcoming, []).append(row.name)
		for upcoming, names in by_date.items():
			frappe.qb.update(occasion).set(occasion.next_occurrence, upcoming).where(
				occasion.name.isin(names)
			).run()
		# a bulk update of millions of rows, committed batch by batch
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		moved += len(rows)


def _analyze() -> None:
	"""Fresh index statistics after a bulk load, as a nightly ANALYZE would leave them."""
	for table in ("tabCustomer", "tabOccasion", "tabClient Outreach"):
		# ANALYZE TABLE, which frappe.qb cannot write; the table names are constants
		frappe.db.sql(f"ANALYZE TABLE `{table}`")  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql


def _delete_chunks(doctype: str, condition_of) -> int:
	"""Delete rows matching `condition_of(table)` a chunk at a time, committing each."""
	table = DocType(doctype)
	deleted = 0
	while True:
		names = [
			row[0]
			for row in frappe.qb.from_(table)
			.select(table.name)
			.where(condition_of(table))
			.limit(DELETE_CHUNK)
			.run()
		]
		if not names:
			return deleted
		frappe.qb.from_(table).delete().where(table.name.isin(names)).run()
		# a bulk delete of millions of rows, committed chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		deleted += len(names)


def delete_benchmark_outreach() -> int:
	return _delete_chunks(OUTREACH, lambda table: table.customer.like(LIKE))


def delete_population() -> dict:
	"""Delete every JCB customer, occasion and outreach."""
	frappe.set_user("Administrator")
	started = time.perf_counter()
	deleted = {
		"outreach": delete_benchmark_outreach(),
		"occasions": _delete_chunks("Occasion", lambda table: table.name.like(LIKE)),
		"customers": _delete_chunks("Customer", lambda table: table.name.like(LIKE)),
	}
	print(f"Deleted the JCB population in {time.perf_counter() - started:.1f} s: {deleted}")
	return deleted


def _delete_from(first_index: int) -> None:
	"""Delete JCB customers numbered `first_index` and above, with their occasions and outreach."""
	bound = _name(first_index)
	_delete_chunks(OUTREACH, lambda table: table.customer.like(LIKE) & (table.customer >= bound))
	for doctype in ("Occasion", "Customer"):
		_delete_chunks(doctype, lambda table: table.name.like(LIKE) & (table.name >= bound))


# ------------------------------------------------------------------------------------------- planning


def _rss_mb() -> float:
	"""Peak resident set size of this process, in MB (Linux reports KB)."""
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _high_water_mb() -> float | None:
	"""Peak RSS of this process's own memory since it started its program (VmHWM). Linux also counts
	in ru_maxrss the peak of the memory a process had before exec: a child started by subprocess
	(vfork) shows its parent's peak there, which after generating a million customers is not small."""
	try:
		with open("/proc/self/status") as status:
			for line in status:
				if line.startswith("VmHWM:"):
					return int(line.split()[1]) / 1024
	except OSError:
		return None
	return None


def plan_once(profile: int = 0, top: int = 35) -> dict:
	"""In a fresh process: delete the benchmark's earlier outreach, plan today with the real planner
	and print the result as one JSON line (with `profile`, also the cProfile top functions)."""
	frappe.set_user("Administrator")
	today = getdate(nowdate())
	deleted = delete_benchmark_outreach()
	rss_before = _high_water_mb()
	profiler = cProfile.Profile() if int(profile) else None
	started = time.perf_counter()
	if profiler:
		profiler.enable()
	result = planner.plan_days(today, today, today)
	if profiler:
		profiler.disable()
	seconds = time.perf_counter() - started
	outreach = DocType(OUTREACH)
	written = frappe.qb.from_(outreach).select(Count("*")).where(outreach.customer.like(LIKE)).run()[0][0]
	rows = result.get("planned", 0) + result.get("skipped", 0)
	report = {
		"plan_s": round(seconds, 2),
		"planned": result.get("planned", 0),
		"skipped": result.get("skipped", 0),
		"withdrawn": result.get("withdrawn", 0),
		"rows_written": written,
		"rows_per_s": round(rows / seconds) if seconds else None,
		"rss_before_plan_mb": round(rss_before, 1) if rss_before else None,
		"peak_rss_mb": round(_high_water_mb() or _rss_mb(), 1),
		"ru_maxrss_mb": round(_rss_mb(), 1),
		"old_outreach_deleted": deleted,
	}
	if profiler:
		for order in ("cumulative", "tottime"):
			out = io.StringIO()
			pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(int(top))
			print(out.getvalue())
	print(RESULT_MARK + json.dumps(report), flush=True)
	return report


def _plan_in_fresh_process() -> dict:
	# the planner runs in a child process, which must see everything generated
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	command = [
		sys.executable,
		"-m",
		"frappe.utils.bench_helper",
		"frappe",
		"--site",
		frappe.local.site,
		"execute",
		"jewel_clienteling.benchmarks.plan_scale.plan_once",
	]
	sites = os.path.abspath(frappe.local.sites_path)
	print("Planning today in a fresh process ...", flush=True)
	done = subprocess.run(  # noqa: S603 - our own bench, fixed arguments
		command, cwd=sites, capture_output=True, text=True, check=False
	)
	for line in done.stdout.splitlines():
		if line.startswith(RESULT_MARK):
			return json.loads(line[len(RESULT_MARK) :])
	print(done.stdout[-4000:])
	print(done.stderr[-4000:])
	raise RuntimeError(f"plan_once failed with exit code {done.returncode}")


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


def _explain(query) -> list[dict]:
	params = NamedParameterWrapper()
	sql = query.get_sql(param_wrapper=params)
	# EXPLAIN of a frappe.qb query, which frappe.qb cannot write
	# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
	return frappe.db.sql("EXPLAIN " + sql, params.get_parameters(), as_dict=True)


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
	default, by_type = planner_occasions.lead_settings(clienteling_settings.get_settings())
	leads = sorted({lead for leads in (default, *by_type.values()) for lead in leads})
	indexed, scan = _indexed_queries(today, leads), _scan_query(today, leads)
	indexed_plan = [_explain(query)[0] for query in indexed]
	scan_plan = _explain(scan)[0]
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
	columns = (
		("customers", "customers", "{:,}"),
		("occasions", "occasions", "{:,}"),
		("generation_s", "gen s", "{}"),
		("plan_s", "plan s", "{}"),
		("rows_written", "rows", "{:,}"),
		("rows_per_s", "rows/s", "{:,}"),
		("peak_rss_mb", "RSS MB", "{}"),
		("indexed_ms", "index ms", "{}"),
		("scan_ms", "scan ms", "{}"),
		("scan_over_indexed", "scan/index", "{}x"),
	)
	cells = [(label, fmt.format(report[key])) for key, label, fmt in columns]
	if report["generation"] == "reused":
		cells[2] = ("gen s", "reused")
	widths = [max(len(label), len(value)) for label, value in cells]
	print()
	print("  ".join(label.rjust(width) for (label, _value), width in zip(cells, widths, strict=True)))
	print("  ".join(value.rjust(width) for (_label, value), width in zip(cells, widths, strict=True)))
	print()
	print(f"  generation: {report['generation']}")
	print(
		f"  planned {report['planned']:,}, skipped {report['skipped']:,}, withdrawn {report['withdrawn']:,};"
		f" peak RSS before planning {report['rss_before_plan_mb']} MB (ru_maxrss {report['ru_maxrss_mb']} MB)"
	)
	print(
		f"  occasion rows found: indexed {report['indexed_rows']:,}, scan {report['scan_rows']:,}"
		f" (same rows: {report['same_rows']}); EXPLAIN rows: indexed {report['indexed_explain_rows']:,},"
		f" scan {report['scan_explain_rows']:,}"
	)
	print(f"  each run, ms: indexed {report['indexed_ms_each']}, scan {report['scan_ms_each']}")
	plan_ok = report["plan_s"] <= 60 * max(report["customers"], 1) / 1_000_000
	print(
		f"  targets (scaled from 1 M in 60 s, 300 MB): time {'met' if plan_ok else 'MISSED'},"
		f" memory {'met' if report['peak_rss_mb'] <= 300 else 'MISSED'}"
	)
