"""A store's past made before install-app, and what install-app must have learnt of it.

scripts/run-tests calls `make()` on its test site while the app is not installed (after uninstalling
the previous copy, connected to the site directly: only ERPNext's own controllers run, the app's
fields and hooks do not exist), then installs the app and calls `verify()`, which runs the learning
job install-app queued, as a worker would, and prints, as one JSON line, every way the learnt
profiles differ from what the live refresh makes of the same sales ([] when none).
"""

import json
import os

import frappe
from frappe.utils import add_days, nowdate

MARKER = "jc-past-store.json"
RING, NECKLACE, BANGLE = "JC-RING-GLD-22K-PLK", "JC-NECK-GLD-22K-PLK", "JC-BANGLE-GLD-18K-PLN"


def _marker() -> str:
	return frappe.get_site_path(MARKER)


def make() -> None:
	"""Customers with two years of sales, made with ERPNext alone; their names go to a marker file."""
	from jewel_clienteling.tests import fixtures as fx

	if not frappe.db.get_single_value("Global Defaults", "default_company"):
		print(json.dumps({"skipped": "ERPNext's setup is not complete on this site yet"}))
		return
	frappe.set_user("Administrator")
	fx.make_fixtures()
	this_year = int(nowdate()[:4])
	for year in range(this_year - 3, this_year - 2):
		if not frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": str(year),
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)
	tag = frappe.generate_hash(length=5)
	store = {}

	def customer(role: str) -> str:
		store[role] = (
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": f"JC Past {tag} {role}",
					"customer_type": "Individual",
					"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
					"territory": frappe.db.get_value("Territory", {"is_group": 0}),
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		return store[role]

	def sale(name: str, days: int, items):
		return fx.make_sales_invoice(name, items, posting_date=add_days(nowdate(), -days))

	sale(customer("lapsed"), 2 * 365, [(RING, 70000)])
	sale(store["lapsed"], 400, [(BANGLE, 30000)])
	sale(customer("at_risk"), 150, [(NECKLACE, 150000)])
	returned = sale(customer("returned"), 200, [(RING, 50000), (NECKLACE, 150000)])
	fx.make_return(returned, {NECKLACE: 1})
	cancelled = sale(customer("cancelled"), 60, [(NECKLACE, 80000)])
	cancelled.cancel()
	sale(store["cancelled"], 10, [(RING, 40000)])
	first = fx.make_pos_invoice(customer("counter"), [(RING, 50000)])
	second = fx.make_pos_invoice(store["counter"], [(BANGLE, 30000)])
	merge = frappe.new_doc("POS Invoice Merge Log")
	merge.posting_date = nowdate()
	merge.customer = store["counter"]
	merge.set(
		"pos_invoices", [{"pos_invoice": doc.name, "customer": doc.customer} for doc in (first, second)]
	)
	merge.save(ignore_permissions=True)
	merge.submit()
	# the store's past, before the app arrives
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	with open(_marker(), "w") as out:
		json.dump(store, out)
	print(json.dumps({"made": sorted(store.values())}))


EXPECTED = {  # role: (purchases, visits, lifecycle stage)
	"lapsed": (2, 2, "Lapsed"),
	"at_risk": (1, 1, "At risk"),
	"returned": (1, 1, "Lapsed"),
	"cancelled": (1, 1, "New"),
	"counter": (2, 1, "Repeat"),
}


def verify() -> None:
	"""Run the job install-app queued, then compare every learnt profile with the live refresh."""
	from frappe.utils.background_jobs import get_job

	from jewel_clienteling.services import history, profile
	from jewel_clienteling.tests.history_store import snapshot

	if not os.path.exists(_marker()):
		print(json.dumps({"skipped": "no store's past was made before install"}))
		return
	with open(_marker()) as source:
		store = json.load(source)
	os.remove(_marker())
	frappe.set_user("Administrator")
	problems = []
	job = get_job(history.JOB_ID)
	if history.state().status not in (history.QUEUED, history.RUNNING, history.DONE):
		problems.append(f"install-app left learning {history.state().status!r}, not Queued")
	if job:  # no worker on this bench ran it yet: run it as one would
		job.delete()
		history.run(**job.kwargs["kwargs"])
	if history.state().status != history.DONE:
		problems.append(f"learning ended {history.state().status!r}")
	names = sorted(store.values())
	learnt = snapshot(names)
	for role, name in store.items():
		stats = learnt[name]["profile"]
		found = (stats.jc_purchases, stats.jc_visits, stats.jc_lifecycle_stage)
		if found != EXPECTED[role]:
			problems.append(f"{role}: learnt {found}, expected {EXPECTED[role]}")
	for name in names:
		profile.refresh_customer(name)
	# what was learnt and checked stays, as the job would leave it
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	live = snapshot(names)
	for name in names:
		for part in ("profile", "occasions", "preferences", "seen"):
			if learnt[name][part] != live[name][part]:
				problems.append(f"{name} {part}: learnt {learnt[name][part]}, live {live[name][part]}")
	print(json.dumps(problems, default=str))
