"""A chain's history for the Clienteling Impact benchmark (benchmarks/impact.py): customers, five years
of invoices at eight stores and two years of messages, written with multi-row INSERTs.

At scale 1: 2 000 000 invoices (a third POS Invoices, the rest Sales Invoices, among them returns,
cancelled invoices, POS closing consolidations and the walk-in customer's sales), about 500 000
customers (6 % of them referred by another), 1 000 000 outreach rows (timed and campaign messages on
WhatsApp, SMS, email and by hand, with delivery, read, reply and credited sales), and an email
Communication for each emailed message, read or not. Every row's name starts with JCI-; nothing else
on the site is touched. The app is taken to have arrived two years ago (its first message)."""

import random
import time
from datetime import date, datetime, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count

from jewel_clienteling.benchmarks.bulk import insert as _insert

PREFIX = "JCI-"
WALK_IN = "JCI-WALK-IN"
INVOICES, MESSAGES = 2_000_000, 1_000_000
HISTORY_DAYS, APP_DAYS = 5 * 365, 2 * 365
STORES = tuple(f"JCI Store {number}" for number in range(1, 9))
ASSOCIATES = {store: [f"jci-{n}-{a}@example.com" for a in range(1, 5)] for n, store in enumerate(STORES, 1)}
CUSTOMERS_PER_CHUNK = 5_000
REASONS = (  # reason, share of the messages
	("Occasion", 0.30),
	("Post-purchase", 0.28),
	("Lapsed", 0.14),
	("Campaign", 0.18),
	("Repair ready", 0.05),
	("Points expiring", 0.05),
)
CHANNELS = (("WhatsApp", 0.65), ("SMS", 0.10), ("Email", 0.18), ("Manual", 0.07))
# channel: share delivered, share of those read, share of those answered
OUTCOMES = {
	"WhatsApp": (0.96, 0.9, 0.25),
	"SMS": (0.0, 0.0, 0.05),
	"Email": (0.97, 0.2, 0.04),
	"Manual": (0, 0, 0.3),
}

COMMON = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
CUSTOMER_FIELDS = (*COMMON[:5], "customer_name", "customer_type", "jc_home_store", "jc_referred_by")
SALE_FIELDS = (
	*COMMON,
	"customer",
	"posting_date",
	"pos_profile",
	"is_pos",
	"is_return",
	"return_against",
	"base_grand_total",
	"grand_total",
)
OUTREACH_FIELDS = (
	*COMMON,
	"customer",
	"reason",
	"purpose",
	"status",
	"due_date",
	"assigned_to",
	"channel",
	"sent_on",
	"delivered_on",
	"read_on",
	"replied_on",
	"attributed_sale_type",
	"attributed_sale",
	"attributed_amount",
	"cycle",
	"dedupe_key",
)
COMMUNICATION_FIELDS = (
	*COMMON,
	"subject",
	"communication_type",
	"communication_medium",
	"sent_or_received",
	"reference_doctype",
	"reference_name",
	"delivery_status",
	"read_by_recipient",
	"read_by_recipient_on",
)


def counts() -> dict[str, int]:
	found = {}
	for doctype in ("Sales Invoice", "POS Invoice", "Client Outreach", "Customer"):
		table = DocType(doctype)
		found[doctype] = (
			frappe.qb.from_(table).select(Count("*")).where(table.name.like(PREFIX + "%")).run()[0][0]
		)
	return found


def generate(scale: float, today: date, seed: int = 23) -> dict:
	"""Write the population for `scale` (1 = two million invoices); returns what was written."""
	started = time.perf_counter()
	invoices, messages = int(INVOICES * scale), int(MESSAGES * scale)
	now = datetime.combine(today, datetime.min.time())
	_insert(
		"tabCustomer",
		CUSTOMER_FIELDS,
		[(WALK_IN, now, now, "Administrator", "Administrator", "Walk-in", "Individual", None, None)],
	)
	frappe.db.set_single_value("Clienteling Settings", "walk_in_customer", WALK_IN)
	customers: list[tuple[str, list[tuple[date, str]]]] = []  # name, her visits (day, store)
	written = customer_count = 0
	chunk = 0
	while written < invoices:
		rng = random.Random(f"{seed}:{chunk}")
		rows = {"tabCustomer": [], "tabSales Invoice": [], "tabPOS Invoice": []}
		for _ in range(CUSTOMERS_PER_CHUNK):
			if written >= invoices:
				break
			customer_count += 1
			name = f"{PREFIX}C{customer_count:07d}"
			visits, sales = _customer_sales(rng, name, customer_count, today, now)
			written += sum(len(made) for made in sales.values())
			referrer = (
				customers[rng.randrange(len(customers))][0] if customers and rng.random() < 0.06 else None
			)
			home = visits[0][1]
			rows["tabCustomer"].append(
				(name, now, now, "Administrator", "Administrator", name, "Individual", home, referrer)
			)
			for table, made in sales.items():
				rows[table].extend(made)
			customers.append((name, visits))
		for table, made in rows.items():
			_insert(table, CUSTOMER_FIELDS if table == "tabCustomer" else sale_fields(table), made)
		# a benchmark's bulk load commits chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		chunk += 1
		if chunk % 20 == 0:
			print(
				f"  {written:>9,} invoices, {customer_count:,} customers, {time.perf_counter() - started:.0f} s",
				flush=True,
			)
	_messages(customers, messages, today, now, seed)
	for table in (
		"tabCustomer",
		"tabSales Invoice",
		"tabPOS Invoice",
		"tabClient Outreach",
		"tabCommunication",
	):
		# table names are constants
		frappe.db.sql(f"ANALYZE TABLE `{table}`")  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
	return {
		"invoices": written,
		"customers": customer_count,
		"messages": messages,
		"seconds": round(time.perf_counter() - started, 1),
	}


def sale_fields(table: str) -> tuple[str, ...]:
	return SALE_FIELDS + (("is_consolidated",) if table == "tabSales Invoice" else ())


def _customer_sales(rng, name, number, today, now):
	"""Her visits (day, store) and the invoice rows they make, by table."""
	first = today - timedelta(days=rng.randrange(HISTORY_DAYS))
	arrival = today - timedelta(days=APP_DAYS)
	home = rng.choice(STORES)
	days, day = [first], first
	while rng.random() < (0.62 if day >= arrival else 0.5):  # remembered customers come back more
		day = day + timedelta(days=int(rng.expovariate(1 / 160)) + 1)
		if day > today:
			break
		days.append(day)
	visits = [(d, home if rng.random() < 0.85 else rng.choice(STORES)) for d in days]
	sales = {"tabSales Invoice": [], "tabPOS Invoice": []}
	for index, (d, store) in enumerate(visits):
		repeat = 1.0 if index == 0 else 2.3
		for split in range(2 if rng.random() < 0.05 else 1):  # now and then a visit is two bills
			table = "tabPOS Invoice" if rng.random() < 0.33 else "tabSales Invoice"
			invoice = f"{PREFIX}{'P' if table == 'tabPOS Invoice' else 'S'}{number:07d}-{index:03d}{split}"
			amount = round(rng.lognormvariate(10.6, 0.6) * repeat, 2)
			docstatus = 2 if rng.random() < 0.015 else 1
			owner = rng.choice(ASSOCIATES[store])
			extra = (0,) if table == "tabSales Invoice" else ()
			sales[table].append(
				(
					invoice,
					now,
					now,
					owner,
					owner,
					docstatus,
					0,
					name,
					d,
					store,
					1,
					0,
					None,
					amount,
					amount,
					*extra,
				)
			)
			if docstatus == 1 and rng.random() < 0.03:  # a return a few days later
				back = min(d + timedelta(days=rng.randrange(1, 15)), today)
				sales[table].append(
					(
						invoice + "R",
						now,
						now,
						owner,
						owner,
						1,
						0,
						name,
						back,
						store,
						1,
						1,
						invoice,
						-amount,
						-amount,
						*extra,
					)
				)
			if table == "tabSales Invoice" and rng.random() < 0.02:  # a POS closing's consolidation
				sales[table].append(
					(
						invoice + "C",
						now,
						now,
						owner,
						owner,
						1,
						0,
						name,
						d,
						store,
						1,
						0,
						None,
						amount,
						amount,
						1,
					)
				)
	if rng.random() < 0.03:  # the walk-in customer's anonymous sale
		d, store = visits[-1]
		sales["tabSales Invoice"].append(
			(
				f"{PREFIX}W{number:07d}",
				now,
				now,
				"Administrator",
				"Administrator",
				1,
				0,
				WALK_IN,
				d,
				store,
				1,
				0,
				None,
				5000,
				5000,
				0,
			)
		)
	return visits, sales


def _messages(customers, total: int, today: date, now: datetime, seed: int) -> None:
	"""`total` outreach rows over the app's two years, to customers who had visited by then."""
	started = time.perf_counter()
	arrival = today - timedelta(days=APP_DAYS)
	reasons, reason_weights = zip(*REASONS, strict=True)
	channels, channel_weights = zip(*CHANNELS, strict=True)
	chunk_size = 50_000
	for start in range(0, total, chunk_size):
		rng = random.Random(f"{seed}:messages:{start}")
		outreach, communications = [], []
		for number in range(start, min(start + chunk_size, total)):
			customer, visits = customers[rng.randrange(len(customers))]
			day = arrival + timedelta(days=rng.randrange(APP_DAYS))
			reason = rng.choices(reasons, reason_weights)[0]
			channel = rng.choices(channels, channel_weights)[0]
			store = visits[0][1]
			associate = rng.choice(ASSOCIATES[store])
			outreach.append(
				_outreach(
					rng, f"{PREFIX}O{number:08d}", customer, reason, channel, day, associate, now, today
				)
			)
			if channel == "Email" and outreach[-1][14] is not None:  # it was sent
				row = outreach[-1]
				read = row[16] is not None
				communications.append(
					(
						f"{PREFIX}M{number:08d}",
						now,
						now,
						"Administrator",
						"Administrator",
						0,
						0,
						"A note",
						"Communication",
						"Email",
						"Sent",
						"Client Outreach",
						row[0],
						"Read" if read else "Sent",
						int(read),
						row[16],
					)
				)
		_insert("tabClient Outreach", OUTREACH_FIELDS, outreach)
		_insert("tabCommunication", COMMUNICATION_FIELDS, communications)
		# a benchmark's bulk load commits chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	print(f"  {total:,} messages in {time.perf_counter() - started:.0f} s", flush=True)


def _outreach(rng, name, customer, reason, channel, day, associate, now, today):
	delivered_share, read_share, replied_share = OUTCOMES[channel]
	if reason == "Campaign":
		replied_share /= 4
	roll = rng.random()
	sent = datetime.combine(day, datetime.min.time()) + timedelta(
		hours=rng.randint(10, 19), minutes=rng.randrange(60)
	)
	status, delivered, read, replied = "Sent", None, None, None
	if roll < 0.03:
		status, sent = "Failed", None
	elif roll < 0.05:
		status, sent = "Skipped", None
	elif channel == "Manual":
		status = "Done"
	if sent and rng.random() < delivered_share:
		delivered, status = sent + timedelta(seconds=rng.randint(2, 90)), "Delivered"
		if rng.random() < read_share:
			read, status = delivered + timedelta(minutes=rng.randint(1, 600)), "Read"
	if sent and rng.random() < replied_share:
		replied, status = sent + timedelta(hours=rng.randint(1, 30)), "Replied"
	bought = sent and rng.random() < (0.09 if reason != "Campaign" else 0.02)
	amount = round(rng.lognormvariate(10.9, 0.6), 2) if bought else 0
	purpose = "Utility" if reason in ("Repair ready", "Points expiring") else "Marketing"
	return (
		name,
		now,
		now,
		"Administrator",
		"Administrator",
		0,
		0,
		customer,
		reason,
		purpose,
		status,
		day,
		associate,
		channel,
		sent,
		delivered,
		read,
		replied,
		"Sales Invoice" if bought else None,
		f"{customer}-sale" if bought else None,
		amount,
		name,
		name,
	)


def delete_population() -> None:
	"""Every JCI row, table by table, a chunk at a time."""
	for table in (
		"tabCommunication",
		"tabClient Outreach",
		"tabPOS Invoice",
		"tabSales Invoice",
		"tabCustomer",
	):
		while True:
			# table names are this module's constants; the pattern goes as a parameter
			frappe.db.sql(f"DELETE FROM `{table}` WHERE name LIKE %s LIMIT 50000", PREFIX + "%")  # noqa: S608  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
			# how many rows the DELETE above took: no builder form for it
			counted = frappe.db.sql("SELECT ROW_COUNT()")  # fmt: skip  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
			deleted = counted[0][0]
			# a benchmark's bulk load commits chunk by chunk
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			if not deleted:
				break
	print("Deleted the JCI population")
