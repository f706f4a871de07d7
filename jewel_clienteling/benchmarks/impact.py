"""How fast the Clienteling Impact report answers over a chain's history.

	bench --site jc-impact-bench.test execute jewel_clienteling.benchmarks.impact.run --kwargs "{'scale': 0.1}"
	bench --site jc-impact-bench.test execute jewel_clienteling.benchmarks.impact.run --kwargs "{'scale': 1}"

Run it on a site of its own (it refuses a site with invoices it did not make): at scale 1 it writes
2 000 000 invoices, about 900 000 customers and 1 000 000 messages (benchmarks/impact_population.py).

1. Makes the population, or reuses one of the same scale.
2. Learns it as the ten-minute job does the first time (every customer's visits, every month
   counted), timed; reused when already learnt.
3. Times the report (its execute, as query_report.run calls it) for each comparison, the whole chain
   and one store, median of `repeats` runs after one cold run, and once more through
   frappe.desk.query_report.run with read_from_replica on (replica_host: this MariaDB).
4. Times one run of the ten-minute job after a day's trade: 1 100 new sales (a day at scale 1) and
   up to 1 400 of the week's messages read.

Target: the report answers in at most 5 s at scale 1 on 2 cores.
"""

import os
import random
import statistics
import time
from datetime import datetime, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.benchmarks import impact_population as population
from jewel_clienteling.benchmarks import preflight
from jewel_clienteling.benchmarks.bulk import insert as _insert
from jewel_clienteling.domain import impact as rules
from jewel_clienteling.jewel_clienteling.report.clienteling_impact import clienteling_impact as report
from jewel_clienteling.services import impact_upkeep

REPORT = "Clienteling Impact"
TARGET_S = 5.0


@preflight.reported
def run(scale: float = 0.1, repeats: int = 5, regenerate: int = 0, relearn: int = 0) -> dict:
	frappe.set_user("Administrator")
	scale = float(scale)
	_refuse_a_site_with_real_invoices()
	found = {"scale": scale, "load_before": os.getloadavg()[0]}
	found.update(_population(scale, bool(int(regenerate))))
	found.update(_learn(bool(int(relearn)) or found["generated"]))
	found["report"] = {name: _time_report(filters, int(repeats)) for name, filters in _views().items()}
	found["replica_s"] = _time_on_replica()
	found.update(_a_days_trade())
	found["load_after"] = os.getloadavg()[0]
	_print(found)
	return found


def _refuse_a_site_with_real_invoices() -> None:
	for doctype in ("Sales Invoice", "POS Invoice"):
		table = DocType(doctype)
		theirs = (
			frappe.qb.from_(table)
			.select(table.name)
			.where(table.name.not_like(population.PREFIX + "%"))
			.limit(1)
		).run()
		if theirs:
			raise preflight.Missing(
				f"it has invoices of its own ({doctype} {theirs[0][0]}): run it on a site of its own."
			)


def _population(scale: float, regenerate: bool) -> dict:
	have = population.counts()
	invoices = have["Sales Invoice"] + have["POS Invoice"]
	target = int(population.INVOICES * scale)
	if regenerate or not target <= invoices <= target * 1.2:
		if invoices:
			print(f"Deleting the population there ({invoices:,} invoices) ...", flush=True)
			population.delete_population()
		print(
			f"Generating scale {scale}: {target:,} invoices, {int(population.MESSAGES * scale):,} messages ...",
			flush=True,
		)
		made = population.generate(scale, getdate(nowdate()))
		return {"generated": True, "generation_s": made["seconds"], **_counts()}
	print(f"Reusing the population: {invoices:,} invoices", flush=True)
	return {"generated": False, "generation_s": None, **_counts()}


def _counts() -> dict:
	have = population.counts()
	return {
		"invoices": have["Sales Invoice"] + have["POS Invoice"],
		"customers": have["Customer"],
		"messages": have["Client Outreach"],
	}


def _learn(again: bool) -> dict:
	visit = DocType("Clienteling Visit")
	learnt = frappe.qb.from_(visit).select(Count("*")).run()[0][0]
	if learnt and not again and impact_upkeep.state(impact_upkeep.BACKFILL_AFTER) is None:
		print(f"Reusing what was learnt: {learnt:,} visits", flush=True)
		return {"learn_s": None, "visits": learnt, "month_rows": _month_rows()}
	print("Learning every customer's visits and counting every month ...", flush=True)
	started = time.perf_counter()
	impact_upkeep.rebuild_everything()
	seconds = round(time.perf_counter() - started, 1)
	learnt = frappe.qb.from_(visit).select(Count("*")).run()[0][0]
	return {"learn_s": seconds, "visits": learnt, "month_rows": _month_rows()}


def _month_rows() -> int:
	month = DocType("Clienteling Impact Month")
	return frappe.qb.from_(month).select(Count("*")).run()[0][0]


def _views() -> dict[str, dict]:
	everything = {"from_date": str(getdate(nowdate()) - timedelta(days=5 * 366))}
	return {
		"before/after, default period": {},
		"before/after, 5 years": everything,
		"by store, 5 years": {**everything, "compare": rules.STORE},
		"by associate, 5 years": {**everything, "compare": rules.ASSOCIATE},
		"by month, 5 years": {**everything, "compare": rules.MONTH},
		"one store, before/after": {"store": population.STORES[0]},
	}


def _time_report(filters: dict, repeats: int) -> dict:
	times = []
	for _ in range(repeats + 1):
		started = time.perf_counter()
		columns, data, *_rest = report.execute(dict(filters))
		times.append(time.perf_counter() - started)
	return {
		"cold_s": round(times[0], 3),
		"median_s": round(statistics.median(times[1:]), 3),
		"columns": len(columns) - 2,
		"rows": len(data),
	}


def _time_on_replica() -> float:
	from frappe.desk.query_report import run as run_report

	conf = frappe.local.conf
	old = {key: conf.get(key) for key in ("read_from_replica", "replica_host")}
	conf.read_from_replica, conf.replica_host = 1, conf.db_host or "127.0.0.1"
	try:
		started = time.perf_counter()
		run_report(REPORT, filters={}, ignore_prepared_report=True)
		return round(time.perf_counter() - started, 3)
	finally:
		conf.update(old)
		for attribute in ("replica_db", "primary_db"):
			if hasattr(frappe.local, attribute):
				delattr(frappe.local, attribute)


def _a_days_trade(sales: int = 1100, messages: int = 1400) -> dict:
	"""A day at the chain: new sales to existing customers and the week's messages read, then one run
	of the ten-minute job."""
	rng = random.Random(nowdate())
	customer = DocType("Customer")
	names = [
		row[0]
		for row in frappe.qb.from_(customer)
		.select(customer.name)
		.where(customer.name.like(population.PREFIX + "C%"))
		.run()
	]
	now, today = now_datetime(), getdate(nowdate())
	stamp = datetime.now().strftime("%H%M%S")
	rows = [
		(
			f"{population.PREFIX}D{stamp}{n:05d}",
			now,
			now,
			"Administrator",
			"Administrator",
			1,
			0,
			name,
			today,
			rng.choice(population.STORES),
			1,
			0,
			None,
			50000.0,
			50000.0,
			0,
		)
		for n, name in enumerate(rng.sample(names, min(sales, len(names))))
	]
	_insert("tabSales Invoice", population.sale_fields("tabSales Invoice"), rows)
	# the day's receipts and replies arrive for the messages of the last days
	outreach = DocType("Client Outreach")
	changed = [
		row[0]
		for row in frappe.qb.from_(outreach)
		.select(outreach.name)
		.where((outreach.status == "Delivered") & (outreach.sent_on >= today - timedelta(days=7)))
		.limit(messages)
		.run()
	]
	if changed:
		(
			frappe.qb.update(outreach)
			.set(outreach.status, "Read")
			.set(outreach.read_on, now)
			.set(outreach.modified, now)
			.where(outreach.name.isin(changed))
			.run()
		)
	# the job reads what is committed
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	started = time.perf_counter()
	result = impact_upkeep.keep_up(max_seconds=600)
	return {"job_s": round(time.perf_counter() - started, 1), "job": result}


def _print(found: dict) -> None:
	print()
	print(
		f"Scale {found['scale']}: {found['invoices']:,} invoices, {found['customers']:,} customers, {found['messages']:,} messages"
	)
	print(f"  visits learnt: {found['visits']:,}; month rows: {found['month_rows']:,}")
	if found["generation_s"]:
		print(f"  generating: {found['generation_s']} s")
	if found["learn_s"]:
		print(f"  learning the past (every visit, every month): {found['learn_s']} s")
	print(f"  load average: {found['load_before']:.1f} before, {found['load_after']:.1f} after (2 cores)")
	print()
	print(f"  {'report':32} {'cold s':>8} {'median s':>9} {'columns':>8}")
	for name, times in found["report"].items():
		print(f"  {name:32} {times['cold_s']:>8} {times['median_s']:>9} {times['columns']:>8}")
	print(f"  {'through query_report.run, replica':32} {found['replica_s']:>8}")
	print()
	print(f"  the ten-minute job after a day's trade: {found['job_s']} s {found['job']}")
	slowest = max(max(t["cold_s"], t["median_s"]) for t in found["report"].values())
	print(
		f"  target (report <= {TARGET_S} s): {'met' if slowest <= TARGET_S else 'MISSED'} (slowest {slowest} s)"
	)
