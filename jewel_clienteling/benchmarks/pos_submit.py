"""What the app's hooks add to a POS sale at the counter.

	bench --site SITE execute jewel_clienteling.benchmarks.pos_submit.run --kwargs "{'n': 200}"
	bench --site SITE execute jewel_clienteling.benchmarks.pos_submit.run_loyalty --kwargs "{'n': 200}"

Submits the same POS invoice N times with the app's hooks on and N times with them off
(Clienteling Settings > Learn from Sales), interleaved in one run on one site, and times each sale
from insert to commit, as the counter experiences it. The learning job the hook queues runs after
commit in a worker; its time for one sale on its own (no other sale to share the job with, the
worst case) is measured separately and is not part of the sale.
Creates real, submitted invoices on the site: run it on a test site.
"""

import random
import statistics
import time

import frappe
from frappe.utils.background_jobs import get_redis_conn

from jewel_clienteling.benchmarks import preflight
from jewel_clienteling.services import sync
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.utils import queued_learning_job

ITEMS = [("JC-RING-GLD-22K-PLK", 85000, 1, "12"), ("JC-NECK-GLD-22K-PLK", 240000)]
WARMUP = 5


def percentile(values, pct):
	ordered = sorted(values)
	index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
	return ordered[index]


def _set_enabled(enabled: int):
	frappe.db.set_single_value("Clienteling Settings", "enabled", enabled)
	# the workers are other processes and read the setting
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	frappe.clear_document_cache("Clienteling Settings", "Clienteling Settings")


def _one_sale(customer: str) -> float:
	started = time.perf_counter()
	fx.make_pos_invoice(customer, ITEMS, jc_purchase_occasion="Self")
	# a sale's request commits at its end, and the hook's enqueue happens there
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return (time.perf_counter() - started) * 1000


@preflight.reported
def run(n: int = 200, customers: int = 20, seed: int = 7):
	frappe.set_user("Administrator")
	preflight.counter()
	rng = random.Random(seed)
	pool = [fx.make_customer() for _ in range(customers)]
	# the workers are other processes: they must see these customers
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	was_enabled = frappe.db.get_single_value("Clienteling Settings", "enabled")
	get_redis_conn().delete(sync.keys()[1])  # no job left by an earlier run holds the waiting set
	timings = {1: [], 0: []}
	refresh_ms = []
	try:
		for i in range(n + WARMUP):
			for enabled in rng.sample([1, 0], 2):
				_set_enabled(enabled)
				customer = rng.choice(pool)
				elapsed = _one_sale(customer)
				if i >= WARMUP:
					timings[enabled].append(elapsed)
				job = queued_learning_job()
				if job:
					kwargs = job.kwargs["kwargs"]
					job.delete()
					started = time.perf_counter()
					sync.learn_pending(
						**{**kwargs, "gather": 0, "linger": 0}
					)  # one sale: no batch to share it
					refresh_ms.append((time.perf_counter() - started) * 1000)
	finally:
		_set_enabled(was_enabled)

	on, off = timings[1], timings[0]
	p50_on, p50_off = statistics.median(on), statistics.median(off)
	p95_on, p95_off = percentile(on, 95), percentile(off, 95)
	report = {
		"sales_each_way": n,
		"p50_ms_hooks_on": round(p50_on, 2),
		"p50_ms_hooks_off": round(p50_off, 2),
		"p95_ms_hooks_on": round(p95_on, 2),
		"p95_ms_hooks_off": round(p95_off, 2),
		"overhead_ratio_p50": round(p50_on / p50_off, 4),
		"overhead_ratio_mean": round(statistics.mean(on) / statistics.mean(off), 4),
		"added_ms_p50": round(p50_on - p50_off, 2),
		"added_ms_p95": round(p95_on - p95_off, 2),
		"refresh_job_p50_ms_after_commit": round(statistics.median(refresh_ms), 2) if refresh_ms else None,
		"refresh_job_p95_ms_after_commit": round(percentile(refresh_ms, 95), 2) if refresh_ms else None,
	}
	print("POS submit benchmark (insert + submit + commit), hooks on vs off, interleaved")
	for key, value in report.items():
		print(f"  {key:34} {value}")
	return report


# --- loyalty points ---------------------------------------------------------------------------


def _set_loyalty(enabled: int):
	settings = frappe.get_single("Clienteling Settings")
	settings.loyalty_enabled = enabled
	settings.save()
	# a change of settings is a request of its own
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def _loyalty_sale(customer: str, redeem: int = 0, submit: bool = True):
	doc = fx.make_pos_invoice(customer, ITEMS[:1], submit=False, jc_redeem_points=redeem)
	doc.items[0].jc_making_charge = 12000
	fx._pay_in_cash(doc)
	doc.save(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


@preflight.reported
def run_loyalty(n: int = 200, customers: int = 20, seed: int = 11):
	"""Points posting at the counter: sales with the programme on vs off, interleaved, and the
	posting step itself (lock, read her rows, earn, write, balance) timed inside the sale's
	transaction. Every fifth sale with the programme on also redeems 10 points."""
	from jewel_clienteling.services import loyalty

	frappe.set_user("Administrator")
	preflight.counter()
	rng = random.Random(seed)
	pool = [fx.make_customer() for _ in range(customers)]
	# the sales that follow are requests of their own, on committed customers
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	was = frappe.db.get_single_value("Clienteling Settings", "loyalty_enabled")
	totals = {1: [], 0: []}
	posting = []
	try:
		_set_loyalty(1)
		for customer in pool:  # everyone starts with points to redeem
			_loyalty_sale(customer)
			# a sale's request commits at its end
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		for i in range(n + WARMUP):
			for enabled in rng.sample([1, 0], 2):
				_set_loyalty(enabled)
				customer = rng.choice(pool)
				started = time.perf_counter()
				_loyalty_sale(customer, redeem=10 if enabled and i % 5 == 0 else 0)
				# a sale's request commits at its end, timed with it
				frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
				if i >= WARMUP:
					totals[enabled].append((time.perf_counter() - started) * 1000)
			# the hook's own work, timed alone: post a sale made with the programme off
			_set_loyalty(0)
			doc = _loyalty_sale(rng.choice(pool))
			settings = frappe.get_cached_doc("Clienteling Settings")
			settings.loyalty_enabled = 1
			# it was marked posted (with nothing) while the programme was off: post it for real
			frappe.db.set_value(doc.doctype, doc.name, "jc_loyalty_posted", 0, update_modified=False)
			started = time.perf_counter()
			loyalty.redeem_for_invoice(doc)
			loyalty.post_invoice(doc)
			if i >= WARMUP:
				posting.append((time.perf_counter() - started) * 1000)
			# a sale's request commits at its end
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			frappe.clear_document_cache("Clienteling Settings", "Clienteling Settings")
	finally:
		_set_loyalty(was or 0)
	on, off = totals[1], totals[0]
	report = {
		"sales_each_way": n,
		"p50_ms_points_on": round(statistics.median(on), 2),
		"p50_ms_points_off": round(statistics.median(off), 2),
		"p95_ms_points_on": round(percentile(on, 95), 2),
		"p95_ms_points_off": round(percentile(off, 95), 2),
		"ratio_p50": round(statistics.median(on) / statistics.median(off), 4),
		"posting_step_p50_ms": round(statistics.median(posting), 2),
		"posting_step_p95_ms": round(percentile(posting, 95), 2),
		"posting_step_max_ms": round(max(posting), 2),
	}
	print("POS submit with loyalty points on vs off, interleaved; posting step timed alone")
	for key, value in report.items():
		print(f"  {key:34} {value}")
	return report
