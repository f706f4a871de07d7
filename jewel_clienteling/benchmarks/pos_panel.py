"""What her snapshot costs the point of sale.

	bench --site SITE execute jewel_clienteling.benchmarks.pos_panel.run --kwargs "{'rounds': 6}"

In headless Chromium, through the site's own web server, an associate opens ERPNext's point of sale
and picks customers, with the panel on and off (Clienteling Settings > Show Her Snapshot at the Point
of Sale), alternating in one run. Timed as she would feel them:

- page: from opening the POS until its customer field is ready;
- pick: from choosing a customer until ERPNext's own cart shows her (the POS's own work, which the
  panel must not slow down);
- snapshot: from choosing her until the panel shows her snapshot (on only; it loads beside the POS).

Also, in this process: the snapshot's server time against ERPNext's own party details, the call the
POS makes for the same pick. Needs what the browser tests need (tests/browser.py). Makes a user, a POS
opening entry and customers with history: run it on a test site.
"""

import random
import statistics
import time

import frappe
from erpnext.accounts.party import get_party_details

from jewel_clienteling.benchmarks import preflight
from jewel_clienteling.services import snapshot
from jewel_clienteling.tests import browser
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_browser import counter_for
from jewel_clienteling.tests.test_outreach import occasion

ASSOCIATE = "jc-bench-associate@example.com"
RING = "JC-RING-GLD-22K-PLK"


def _customers(count: int) -> list[tuple[str, str]]:
	found = []
	for i in range(count):
		name = fx.make_customer(mobile_no=f"+91 98450 3{i:04d}", jc_whatsapp_opt_in=1)
		for rate in (42000, 58000, 91000):
			fx.make_pos_invoice(name, [(RING, rate, 1, "12")])
		occasion(name, 5 + i, "Anniversary")
		found.append((name, frappe.db.get_value("Customer", name, "customer_name")))
	return found


def _set_panel(on: int):
	frappe.db.set_single_value("Clienteling Settings", "pos_panel", on)
	# the web server reads it at the next login
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	frappe.clear_document_cache("Clienteling Settings", "Clienteling Settings")
	frappe.clear_cache()


def _session(shop: browser.Browser, on: int, customers, timings):
	page = shop.login(ASSOCIATE)
	started = time.perf_counter()
	shop.open(page, "/app/point-of-sale")
	page.wait_for_selector(".customer-cart-container .customer-field input")
	timings["page", on].append((time.perf_counter() - started) * 1000)
	for name, customer_name in customers:
		field = page.locator(".customer-field input")
		field.click()
		field.fill(customer_name)
		option = page.get_by_role("option").filter(has_text=customer_name).first
		option.wait_for()
		started = time.perf_counter()
		option.click()
		page.locator(".customer-details .customer-name").filter(has_text=customer_name).wait_for()
		timings["pick", on].append((time.perf_counter() - started) * 1000)
		if on:
			page.locator(f'.jc-pos-panel .jc-snapshot[data-customer="{name}"]').wait_for()
			timings["snapshot", on].append((time.perf_counter() - started) * 1000)
		page.locator(".customer-details .reset-customer-btn").click()
		page.locator(".customer-field input").wait_for()
	page.context.close()


def _server_side(customers, n: int) -> dict:
	times = {"snapshot": [], "party details": []}
	pos_profile = fx.POS_PROFILE
	for _ in range(n):
		for name, _customer_name in customers:
			started = time.perf_counter()
			snapshot.build(name)
			times["snapshot"].append((time.perf_counter() - started) * 1000)
			started = time.perf_counter()
			get_party_details(
				name,
				party_type="Customer",
				company=fx.company(),
				pos_profile=pos_profile,
				doctype="POS Invoice",
			)
			times["party details"].append((time.perf_counter() - started) * 1000)
	return times


@preflight.reported
def run(rounds: int = 6, customers: int = 4, seed: int = 7):
	reason = browser.why_not()
	preflight.require(not reason, reason)
	frappe.set_user("Administrator")
	preflight.counter()
	browser.make_user(ASSOCIATE, ("Sales User", "Accounts User"))
	counter_for(ASSOCIATE)
	pool = _customers(customers)
	# the browser's requests go through the web server, which must see these customers
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	was = frappe.db.get_single_value("Clienteling Settings", "pos_panel")
	rng = random.Random(seed)
	timings = {(kind, on): [] for kind in ("page", "pick", "snapshot") for on in (0, 1)}
	server = browser.Server(frappe.local.site)
	shop = browser.Browser(server, browser.screenshot_folder("benchmark-pos-panel"))
	try:
		_set_panel(1)
		_session(shop, 1, pool, {key: [] for key in timings})  # warm the server and the browser cache
		for _ in range(rounds):
			for on in rng.sample([1, 0], 2):
				_set_panel(on)
				_session(shop, on, pool, timings)
	finally:
		_set_panel(1 if was is None else int(was))
		shop.close()
		server.stop()

	print(f"POS with her snapshot panel on and off, {rounds} rounds x {customers} customers, alternating")
	print(f"{'':10} {'off median':>11} {'on median':>10} {'on/off':>7}   {'off p90':>8} {'on p90':>7}")
	for kind in ("page", "pick"):
		off, on = timings[kind, 0], timings[kind, 1]
		print(
			f"{kind:10} {statistics.median(off):9.0f}ms {statistics.median(on):8.0f}ms "
			f"{statistics.median(on) / statistics.median(off):7.2f}   "
			f"{_p90(off):6.0f}ms {_p90(on):5.0f}ms"
		)
	print(
		f"{'snapshot':10} {'':11} {statistics.median(timings['snapshot', 1]):8.0f}ms  (shown beside the cart)"
	)

	server_times = _server_side(pool, 25)
	frappe.db.rollback()
	snap, party = (statistics.median(server_times[key]) for key in ("snapshot", "party details"))
	print(
		f"server time per pick: snapshot {snap:.1f} ms, ERPNext's party details {party:.1f} ms, "
		f"ratio {snap / party:.2f}"
	)


def _p90(values):
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
