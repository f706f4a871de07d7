"""The plan_scale benchmark's population (benchmarks/plan_scale.py): N customers named JCB-0000001 ...
with three occasions each (her birthday, her wedding anniversary, a child's birthday; day-months
spread evenly over the year), a realistic consent mix and last purchases spread over two years,
written with multi-row INSERTs in chunks, their mobiles' E.164 keys filled as install-app fills
them. A population already there is reused (grown or shrunk to N); occasions it holds that have
passed are moved on to their next date first, as the daily job would."""

import random
import time
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from jewel_clienteling.benchmarks.bulk import DELETE_CHUNK, analyze, delete_chunks, insert
from jewel_clienteling.domain.occasions import MONTH_NAMES, next_occurrence, occasion_key
from jewel_clienteling.services import mobile_keys
from jewel_clienteling.services import settings as clienteling_settings

PREFIX = "JCB-"
LIKE = PREFIX + "%"
CHUNK = 10_000  # customers per generated chunk (30 000 occasions); also the unit of reuse
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
	if how != "reused" and mobile_keys.is_installed():
		# as a store's customers have them (kept on every save, filled on install and upgrade)
		print(f"Keys of the mobile numbers: {mobile_keys.fill(commit=True)}", flush=True)
	seconds = time.perf_counter() - started
	if how == "reused":
		print(f"Reused {customers} JCB customers; moved {moved} past occasions on ({seconds:.1f} s)")
	else:
		print(f"Population ready in {seconds:.1f} s ({how}; {moved} past occasions moved on)")
	analyze()
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
		insert("tabCustomer", CUSTOMER_FIELDS, customer_rows)
		insert("tabOccasion", OCCASION_FIELDS, occasion_rows)
		# a bulk load of millions of rows, committed chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		if chunk_end % 100_000 == 0 or chunk_end == end:
			elapsed = time.perf_counter() - started
			rate = (chunk_end - start) / elapsed if elapsed else 0
			print(f"  {chunk_end:>9} customers  {elapsed:7.1f} s  {rate:8.0f} customers/s", flush=True)


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


def delete_benchmark_outreach() -> int:
	return delete_chunks(OUTREACH, lambda table: table.customer.like(LIKE))


def delete_population() -> dict:
	"""Delete every JCB customer, occasion and outreach."""
	frappe.set_user("Administrator")
	started = time.perf_counter()
	deleted = {
		"outreach": delete_benchmark_outreach(),
		"occasions": delete_chunks("Occasion", lambda table: table.name.like(LIKE)),
		"customers": delete_chunks("Customer", lambda table: table.name.like(LIKE)),
	}
	print(f"Deleted the JCB population in {time.perf_counter() - started:.1f} s: {deleted}")
	return deleted


def _delete_from(first_index: int) -> None:
	"""Delete JCB customers numbered `first_index` and above, with their occasions and outreach."""
	bound = _name(first_index)
	delete_chunks(OUTREACH, lambda table: table.customer.like(LIKE) & (table.customer >= bound))
	for doctype in ("Occasion", "Customer"):
		delete_chunks(doctype, lambda table: table.name.like(LIKE) & (table.name >= bound))
