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
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.benchmarks.plan_scale import _analyze, _delete_chunks, _high_water_mb, _insert
from jewel_clienteling.services.learning import PROFILE_FIELDS

PREFIX = "JCH-B-"
LIKE = PREFIX + "%"
CHUNK = 2000  # customers generated and inserted together
MARK = "HISTORY_BENCH_JSON "
FULL_CUSTOMERS, FULL_INVOICES = 200_000, 2_000_000
TARGET_SECONDS, TARGET_MB = 15 * 60, 300
GROUPS = ("Rings", "Necklaces", "Bangles", "Earrings", "Chains", "Gold Coins")
METALS, PURITIES = ("Gold", "Platinum", "Silver", "Rose Gold"), ("22K", "18K", "14K", "PT950")
STONES = ("Polki", "Diamond", "Kundan", "Ruby", "Emerald", "Plain")
STORES = tuple(f"{PREFIX}Store {n}" for n in range(1, 6))
ASSOCIATES = tuple(f"associate{n}@jch-b.example" for n in range(1, 9))
GIFTS = (("Anniversary gift", "Spouse"), ("Birthday gift", "Daughter"), ("Birthday gift", "Mother"))
BASE = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
INVOICE = (
	*BASE,
	*("customer", "customer_name", "posting_date", "base_grand_total", "grand_total", "is_return"),
	*("return_against", "pos_profile", "is_pos", "jc_purchase_occasion", "jc_recipient_name"),
	*("jc_recipient_relation", "jc_occasion_date"),
)
LINE = (
	*BASE,
	"parent",
	"parenttype",
	"parentfield",
	"item_code",
	"item_name",
	"item_group",
	"qty",
	"jc_size",
)
TABLES = ("Sales Invoice", "POS Invoice", "Sales Invoice Item", "POS Invoice Item")


def run(
	customers: int = 20_000,
	invoices: int = 200_000,
	sample: int = 500,
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
	names = _sample(customers, int(sample), int(seed))
	learnt = _snapshot(names)
	paths = {"per_customer": None, **({"old_code": old_code} if old_code else {})}
	for label, path in paths.items():
		forget(names)
		report[label] = _per_customer_in_fresh_process(names, path)
		report[f"{label}_same_profiles"] = _snapshot(names) == learnt
	_print(report)
	if not int(keep):
		delete_population()
	return report


# ------------------------------------------------------------------------------------------ history


def generate(customers: int, invoices: int, seed: int) -> dict:
	"""The chain's customers, catalogue and ten years of invoices, in chunks of CHUNK customers."""
	now, today = now_datetime(), getdate(nowdate())
	catalogue = _catalogue(now)
	per_customer = invoices / customers
	counts = {"customers": customers, "invoices": 0, "lines": 0}
	for start in range(0, customers, CHUNK):
		rng = random.Random(f"{seed}:{start}")
		rows = {"Customer": [], **{table: [] for table in TABLES}}
		for index in range(start + 1, min(start + CHUNK, customers) + 1):
			_customer(rng, index, per_customer, catalogue, today, now, rows)
		_insert(
			"tabCustomer",
			("name", "creation", "modified", "modified_by", "owner", "customer_name", "customer_type"),
			rows["Customer"],
		)
		for table in TABLES:
			fields = INVOICE if "Item" not in table else LINE
			if table == "Sales Invoice":
				fields = (*INVOICE, "is_consolidated")
			_insert(f"tab{table}", fields, rows[table])
		counts["invoices"] += len(rows["Sales Invoice"]) + len(rows["POS Invoice"])
		counts["lines"] += len(rows["Sales Invoice Item"]) + len(rows["POS Invoice Item"])
		frappe.db.commit()  # nosemgrep: a benchmark's bulk load commits chunk by chunk
	_analyze()
	for table in ("Sales Invoice", "POS Invoice", "Sales Invoice Item", "POS Invoice Item"):
		frappe.db.sql(f"ANALYZE TABLE `tab{table}`")  # nosemgrep: constant table names
	return counts


def _catalogue(now) -> list[tuple[str, str]]:
	"""Two hundred variant items, with Metal, Purity and Stone attributes."""
	rng = random.Random("catalogue")
	items, attributes = [], []
	for number in range(1, 201):
		code, group = f"{PREFIX}ITEM-{number:03d}", GROUPS[number % len(GROUPS)]
		items.append((code, now, now, "Administrator", "Administrator", 0, 0, code, code, group, "Nos"))
		for idx, (attribute, values) in enumerate(
			(("Metal", METALS), ("Purity", PURITIES), ("Stone", STONES)), start=1
		):
			name = f"{code}-{attribute}"
			value = rng.choice(values)
			attributes.append(
				(
					name,
					now,
					now,
					"Administrator",
					"Administrator",
					0,
					idx,
					code,
					"Item",
					"attributes",
					attribute,
					value,
				)
			)
	_insert("tabItem", (*BASE, "item_code", "item_name", "item_group", "stock_uom"), items)
	_insert(
		"tabItem Variant Attribute",
		(*BASE, "parent", "parenttype", "parentfield", "attribute", "attribute_value"),
		attributes,
	)
	return [(row[0], row[9]) for row in items]


def _customer(rng, index: int, per_customer: float, catalogue, today: date, now, rows: dict) -> None:
	name = f"{PREFIX}{index:07d}"
	rows["Customer"].append(
		(name, now, now, "Administrator", "Administrator", f"Customer {index}", "Individual")
	)
	count = max(1, min(60, round(rng.expovariate(1 / per_customer))))
	first = today - timedelta(days=rng.randrange(3650))
	days = sorted(first + timedelta(days=rng.randrange((today - first).days + 1)) for _ in range(count))
	pos_sales = []
	for number, day in enumerate(days, start=1):
		doctype = "POS Invoice" if rng.random() < 0.3 else "Sales Invoice"
		amount = Decimal(round(rng.lognormvariate(11, 0.9), 2))
		gift = rng.choice(GIFTS) if rng.random() < 0.12 else None
		occasion_date = day + timedelta(days=rng.randrange(-5, 30)) if gift else None
		docstatus = 2 if rng.random() < 0.02 else 1
		invoice = f"{name}-{'P' if doctype == 'POS Invoice' else 'S'}{number:03d}"
		made = datetime.combine(day, datetime.min.time()) + timedelta(hours=11)  # when it was made
		head = (invoice, made, made, "Administrator", rng.choice(ASSOCIATES), docstatus, 0, name, name, day)
		pos = doctype == "POS Invoice" or rng.random() < 0.4
		capture = (
			(gift[0], "Ravi" if gift[1] == "Spouse" else "Anaya", gift[1], occasion_date)
			if gift
			else (None,) * 4
		)
		tail = (0, None, rng.choice(STORES) if pos else None, int(pos), *capture)
		lines = _lines(rng, invoice, doctype, catalogue, made)
		rows[doctype].append((*head, amount, amount, *tail, *((0,) if doctype == "Sales Invoice" else ())))
		rows[f"{doctype} Item"].extend(lines)
		if docstatus == 1 and doctype == "POS Invoice":
			pos_sales.append((day, amount))
		if docstatus == 1 and rng.random() < 0.03:  # a return, of all or half of it, within a month
			back = -(amount if rng.random() < 0.5 else (amount / 2).quantize(Decimal("0.01")))
			returned = f"{invoice}-R"
			when = min(day + timedelta(days=rng.randrange(30)), today)
			made = datetime.combine(when, datetime.min.time()) + timedelta(hours=12)
			head = (returned, made, made, "Administrator", rng.choice(ASSOCIATES), 1, 0, name, name, when)
			tail = (1, invoice, None, 0, None, None, None, None)
			rows[doctype].append((*head, back, back, *tail, *((0,) if doctype == "Sales Invoice" else ())))
			rows[f"{doctype} Item"].append(
				(
					f"{returned}-1",
					now,
					now,
					"Administrator",
					"Administrator",
					1,
					1,
					returned,
					doctype,
					"items",
					*lines[0][10:13],
					-1,
					None,
				)
			)
	if pos_sales and rng.random() < 0.3:  # a POS closing consolidated her counter sales
		day, total = pos_sales[-1][0], sum(amount for _day, amount in pos_sales)
		made = datetime.combine(day, datetime.min.time()) + timedelta(hours=21)  # the day's closing
		head = (f"{name}-C", made, made, "Administrator", "Administrator", 1, 0, name, name, day)
		rows["Sales Invoice"].append((*head, total, total, 0, None, None, 1, None, None, None, None, 1))


def _lines(rng, invoice: str, doctype: str, catalogue, now) -> list[tuple]:
	lines = []
	for idx in range(1, 1 + (1 if rng.random() < 0.6 else rng.choice((2, 3)))):
		code, group = rng.choice(catalogue)
		size = str(rng.randrange(8, 22)) if group in ("Rings", "Bangles") and rng.random() < 0.4 else None
		lines.append(
			(
				f"{invoice}-{idx}",
				now,
				now,
				"Administrator",
				"Administrator",
				1,
				idx,
				invoice,
				doctype,
				"items",
				code,
				code,
				group,
				1,
				size,
			)
		)
	return lines


def _sample(customers: int, size: int, seed: int) -> list[str]:
	rng = random.Random(f"{seed}:sample")
	return sorted(
		f"{PREFIX}{index:07d}" for index in rng.sample(range(1, customers + 1), min(size, customers))
	)


def forget(names: list[str]) -> None:
	"""Those customers as before anything was learnt of them."""
	numbers = dict.fromkeys(("jc_visits", "jc_purchases", "jc_lifetime_value", "jc_average_ticket"), 0)
	blank = {field: numbers.get(field) for field in (*PROFILE_FIELDS, "jc_profile_refreshed_on")}
	frappe.db.bulk_update("Customer", dict.fromkeys(names, blank), update_modified=False)
	for doctype in ("Occasion", "Preference"):
		table = DocType(doctype)
		frappe.qb.from_(table).delete().where(table.customer.isin(names)).run()
	for doctype in ("Sales Invoice", "POS Invoice"):
		table = DocType(doctype)
		frappe.qb.update(table).set(table.jc_profile_seen, 0).where(table.customer.isin(names)).run()
	frappe.db.commit()  # nosemgrep


def _snapshot(names: list[str]) -> dict:
	pref, occasion = DocType("Preference"), DocType("Occasion")
	return {
		"profiles": sorted(
			frappe.db.get_values("Customer", {"name": ("in", names)}, ["name", *PROFILE_FIELDS])
		),
		"preferences": sorted(
			frappe.qb.from_(pref)
			.select(pref.customer, pref.dimension, pref.value, pref.score, pref.last_bought, pref.purchases)
			.where(pref.customer.isin(names))
			.run()
		),
		"occasions": sorted(
			frappe.qb.from_(occasion)
			.select(occasion.occasion_key, occasion.next_occurrence, occasion.source_name)
			.where(occasion.customer.isin(names))
			.run()
		),
	}


def delete_population() -> None:
	for doctype, field in (
		("Comment", "reference_name"),
		("Preference", "customer"),
		("Occasion", "customer"),
		*((table, "name") for table in TABLES),
		("Item Variant Attribute", "parent"),
		("Item", "name"),
		("Customer", "name"),
	):
		_delete_chunks(doctype, lambda table, field=field: table[field].like(LIKE))


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
	tid = frappe.db.sql("SELECT TID FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()")[0][0]
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
	frappe.db.commit()  # nosemgrep: the child must see everything generated
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
