"""How fast the WhatsApp queue drains, and whether the pace is ever broken.

	bench --site SITE execute jewel_clienteling.benchmarks.send_drain.run --kwargs "{'n': 10000}"

Queues N due WhatsApp messages (one customer in fifty gets three, so the per-recipient gap is
really tested) and drains them to a local stand-in of the Cloud API on 127.0.0.1, once with one
sender process and once with `workers` sender processes side by side in this run, each round on
its own share of the messages. Prints messages per second for both, their ratio, the busiest second
the stand-in saw (the configured pace is 80/s per number) and the largest burst to one customer
within the 6-second gap (1 means never broken). Creates customers and outreach: use a test site.
"""

import subprocess
import sys
import time

import frappe
from frappe.utils import get_bench_path, now_datetime, nowdate

from jewel_clienteling.benchmarks import preflight
from jewel_clienteling.domain import pacing
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.tests.utils import whatsapp_template

TOKEN = "bench-token"  # noqa: S105 - the stand-in server's token
NUMBER_ID = "777000"
OUTREACH = "Client Outreach"
PREFIX = "JC Drain"


@preflight.reported
def run(n: int = 10000, workers: int = 2, single_share: float = 0.2, per_second: int = 80, gap: float = 6):
	frappe.set_user("Administrator")
	api = CloudAPIServer(token=TOKEN, phone_number_id=NUMBER_ID).start()
	old = _configure(api.base_url, per_second, gap)
	try:
		solo = max(int(n * single_share), 1)
		rounds = [(1, solo), (workers, n - solo)]
		results = []
		for senders, count in rounds:
			batch = _queue(count)
			started_at = len(api.requests)
			elapsed = _drain(senders, batch)
			phones = set(frappe.get_all(OUTREACH, filters={"cycle": batch}, pluck="phone", distinct=True))
			sends = [
				(r.at, "+" + str(r.body.get("to")))
				for r in api.requests[started_at:]
				if r.status == 200 and isinstance(r.body, dict) and "+" + str(r.body.get("to")) in phones
			]
			left = frappe.db.count(OUTREACH, {"cycle": batch, "status": ["!=", "Sent"]})
			results.append((senders, count, len(sends), elapsed, left, sends))
		print(f"\nWhatsApp drain to a local Cloud API stand-in · pace {per_second}/s · gap {gap:g} s")
		for senders, count, sent, elapsed, left, sends in results:
			print(
				f"  {senders} sender(s): {sent}/{count} sent in {elapsed:.1f} s = {sent / elapsed:.1f} msg/s"
				f" · busiest second {pacing.peak_rate(sends)} · largest burst to one customer"
				f" within {gap:g} s: {pacing.max_burst(sends, gap)} · not sent: {left}"
			)
			print(f"    steady rate (first 95% of the messages): {steady_rate(sends):.1f} msg/s")
		(_, _, sent1, t1, _, _), (_, _, sent2, t2, _, _) = results
		print(f"  ratio {workers} senders / 1 sender: {(sent2 / t2) / (sent1 / t1):.2f} times")
	finally:
		_restore(old)
		api.stop()


def steady_rate(sends: list[tuple[float, str]]) -> float:
	"""Messages per second from the first send until 95% were sent: without the process start-up
	and the tail of customers whose second and third messages wait out the 6-second gap."""
	moments = sorted(moment for moment, _ in sends)
	if len(moments) < 20:
		return 0.0
	last = int(len(moments) * 0.95) - 1
	return last / (moments[last] - moments[0])


def _configure(base_url: str, per_second: int, gap: float) -> dict:
	fields = ("enabled", "phone_number_id", "graph_url", "messages_per_second", "recipient_gap_seconds")
	old = {field: frappe.db.get_single_value("Clienteling WhatsApp Settings", field) for field in fields}
	config = frappe.get_single("Clienteling WhatsApp Settings")
	config.update(
		{
			"enabled": 1,
			"phone_number_id": NUMBER_ID,
			"graph_url": base_url,
			"access_token": TOKEN,
			"app_secret": config.get_password("app_secret", raise_exception=False) or "bench-secret",
			"messages_per_second": per_second,
			"recipient_gap_seconds": gap,
		}
	)
	config.save()
	whatsapp_template("jc_bench_greeting", "Occasion", ["first_name"], step="bench")
	# the drains are other processes: they must see the settings and the template
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return old


def _restore(old: dict) -> None:
	frappe.db.set_single_value("Clienteling WhatsApp Settings", old)
	# the settings are put back for the drains and the site
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	frappe.clear_document_cache("Clienteling WhatsApp Settings", "Clienteling WhatsApp Settings")


def _queue(count: int) -> str:
	"""`count` due messages, one customer in fifty getting three of them; returns the batch tag."""
	batch = f"bench-{frappe.generate_hash(length=8)}"
	group = frappe.db.get_value("Customer Group", {"is_group": 0})
	territory = frappe.db.get_value("Territory", {"is_group": 0})
	now = now_datetime()
	customers, rows, index = [], [], 0
	while len(rows) < count:
		name = f"{PREFIX} {batch} {index:05d}"
		phone = f"+9196{abs(hash(name)) % 10**8:08d}"
		customers.append(
			(name, now, now, "Administrator", "Administrator", name, "Individual", group, territory, phone, 1)
		)
		for copy in range(3 if index % 50 == 0 else 1):
			if len(rows) < count:
				rows.append(
					(
						frappe.generate_hash(length=12),
						now,
						now,
						"Administrator",
						"Administrator",
						name,
						name,
						"Occasion",
						"bench",
						"Marketing",
						"Due",
						nowdate(),
						"WhatsApp",
						phone,
						batch,
						f"{batch}/{index}/{copy}",
						'{"first_name": "Asha"}',
					)
				)
		index += 1
	frappe.db.bulk_insert(
		"Customer",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"customer_name",
			"customer_type",
			"customer_group",
			"territory",
			"mobile_no",
			"jc_whatsapp_opt_in",
		],
		customers,
	)
	frappe.db.bulk_insert(
		OUTREACH,
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"customer",
			"customer_name",
			"reason",
			"step",
			"purpose",
			"status",
			"due_date",
			"channel",
			"phone",
			"cycle",
			"dedupe_key",
			"context",
		],
		rows,
	)
	# the drains are other processes: they must see the queued outreach
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return batch


def _drain(senders: int, batch: str) -> float:
	"""Run `senders` drain processes until this batch is all sent (re-running a drain whose time was
	up while messages still wait out a customer's gap); returns the seconds taken."""
	started = time.monotonic()
	while frappe.db.count(OUTREACH, {"cycle": batch, "status": "Due"}) and time.monotonic() - started < 900:
		processes = [_drain_process() for _ in range(senders)]
		for process in processes:
			process.wait()
		frappe.db.rollback()  # see what they committed
	return time.monotonic() - started


def _drain_process() -> subprocess.Popen:
	return subprocess.Popen(  # noqa: S603 - our own bench, fixed arguments
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			frappe.local.site,
			"execute",
			"jewel_clienteling.services.whatsapp.drain",
			"--kwargs",
			"{'max_seconds': 600}",
		],
		cwd=get_bench_path() + "/sites",
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
