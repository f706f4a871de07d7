"""Finding a customer by mobile, as it was and as it is, side by side in one run.

	bench --site jc-bench.test execute jewel_clienteling.benchmarks.mobile_lookup.run --kwargs "{'customers': 100000}"
	bench --site jc-bench.test execute jewel_clienteling.benchmarks.mobile_lookup.delete_population

Any test site with the app installed and migrated will do (no setup wizard, company or fixtures are
needed); it says in one line what is missing otherwise. It writes customers JCM-0000001 … and their
contacts with raw multi-row INSERTs; `delete_population` removes them all.

1. Makes (or reuses, grows, shrinks) N customers, mobiles typed every way (a few unreadable or empty),
   1 % disabled; as ERPNext does, each with a mobile has a Contact holding it typed another way, and
   one in five a second number only there.
2. Gives the rows that lack one their key with the migration's own `mobile_keys.fill`, timed.
3. Takes `samples` numbers (half on Customers, a quarter only on Contacts, a quarter nobody's), types
   each every way in WAYS and finds her with `find_customer` as it is (an indexed equality read) and,
   alternating on the first `before_samples` numbers, with BEFORE: the lookup as it was, REPLACE()
   chains under LIKE over every Customer and Contact Phone row, then each candidate normalised.
   Prints ms per lookup p50/p95 by way and overall, whether both answered the same every time, and
   each query's EXPLAIN.
"""

import os
import random
import statistics
import time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Replace
from frappe.utils import get_datetime, now_datetime

from jewel_clienteling.benchmarks.bulk import delete_chunks as _delete_chunks
from jewel_clienteling.benchmarks.bulk import explain as _explain
from jewel_clienteling.benchmarks.bulk import insert as _insert
from jewel_clienteling.benchmarks.preflight import has_columns, reported, require
from jewel_clienteling.domain.phones import normalise_phone
from jewel_clienteling.services import mobile_keys, store_access
from jewel_clienteling.services.customer_lookup import MATCHES, Match, find_customer, query_by_key
from jewel_clienteling.setup.custom_fields import MOBILE_KEY

CUSTOMER, CONTACT, PHONE, LINK = "JCM-", "JCMC-", "JCMP-", "JCML-"
CHUNK = 10_000
MOBILE_PREFIXES = ("98", "99", "97", "96", "94", "93", "90", "88", "87", "81", "79", "77", "70", "63")
NOBODYS_PREFIX = "62"  # a real Indian mobile series the population never uses
WAYS = {
	"+91 98765 43210": lambda d: f"+91 {d[:5]} {d[5:]}",
	"098765-43210": lambda d: f"0{d[:5]}-{d[5:]}",
	"9876543210": lambda d: d,
	"91 9876543210": lambda d: f"91 {d}",
	"+91-98765-43210": lambda d: f"+91-{d[:5]}-{d[5:]}",
	"98765 43210": lambda d: f"{d[:5]} {d[5:]}",
	"+919876543210": lambda d: f"+91{d}",
}
STANDARD = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
CUSTOMER_FIELDS = (*STANDARD, "customer_name", "customer_type", "mobile_no", "disabled")
CONTACT_FIELDS = (*STANDARD, "first_name", "last_name", "mobile_no", "is_primary_contact")
CHILD = ("parent", "parentfield", "parenttype")
PHONE_FIELDS = (*STANDARD, *CHILD, "phone", "is_primary_mobile_no")
LINK_FIELDS = (*STANDARD, *CHILD, "link_doctype", "link_name", "link_title")
FIRST = "Aarti Bhavna Deepa Divya Ishita Jyoti Kavita Meera Neha Pooja Priya Radha Ritu Sneha Uma".split()
LAST = "Agarwal Desai Gupta Iyer Jain Kapoor Mehta Nair Patel Rao Reddy Shah Sharma Singh Verma".split()
# what the population holds, children first
FAMILIES = (("Dynamic Link", LINK), ("Contact Phone", PHONE), ("Contact", CONTACT), ("Customer", CUSTOMER))


# ------------------------------------------------------------------------------------- entry points


@reported
def run(customers: int = 100_000, samples: int = 200, before_samples: int = 12, seed: int = 7) -> dict:
	"""Make or reuse the population, give it keys, then time both lookups on the same typed numbers."""
	frappe.set_user("Administrator")
	require(
		has_columns("Customer", MOBILE_KEY) and has_columns("Contact Phone", MOBILE_KEY),
		f"the {MOBILE_KEY} columns are missing: run `bench --site {frappe.local.site} migrate` first",
	)
	generation = ensure_population(int(customers), int(seed))
	started = time.perf_counter()
	written = mobile_keys.fill(commit=True)
	fill_s = time.perf_counter() - started
	_analyze()
	report = {
		"customers": int(customers),
		"customer_rows": _rows("Customer"),
		"contact_phone_rows": _rows("Contact Phone"),
		"generation": generation,
		"fill_s": round(fill_s, 1),
		"keys_written": sum(written.values()),
		**compare(int(samples), int(before_samples), int(seed)),
		"load_average": os.getloadavg()[1],  # over the last 5 minutes, on a machine others share
	}
	_print(report)
	return report


@reported
def delete_population() -> dict:
	frappe.set_user("Administrator")
	deleted = {
		doctype: _delete_chunks(doctype, lambda table, prefix=prefix: table.name.like(prefix + "%"))
		for doctype, prefix in FAMILIES
	}
	print(f"Deleted the JCM population: {deleted}")
	return deleted


# ------------------------------------------------------------------------------ the lookup as it was


def find_customer_before(phone: str, name: str | None = None, every_store: bool = False) -> Match:
	"""customer_lookup.find_customer before the key: the same answer, found by scanning every number
	with REPLACE() chains under a LIKE on its last eight digits, each candidate then normalised. Its
	callers handed it E.164; here it takes the number as typed and normalises it as they did."""
	region = mobile_keys.region()
	phone = normalise_phone(phone, region)
	if not phone:
		return Match()
	stores = None if every_store else store_access.allowed_stores()
	on_customer, on_contacts = _before_queries(phone[-8:])
	candidates, elsewhere = {}, set()
	for row in on_customer.run(as_dict=True) + on_contacts.run(as_dict=True):
		if normalise_phone(row.phone, region) != phone:
			continue
		if store_access.sees_home_store(row.home_store, stores):
			candidates[row.name] = row
		else:
			elsewhere.add(row.name)
	wanted = (name or "").casefold()
	rows = sorted(
		candidates.values(),
		key=lambda row: (
			(row.customer_name or "").casefold() != wanted,
			-get_datetime(row.modified).timestamp(),
		),
	)
	return Match(
		customer=rows[0].name if rows else None,
		same_number=tuple(row.name for row in rows),
		elsewhere=tuple(sorted(elsewhere - set(candidates))),
	)


def _digits_only(column):
	for sign in (" ", "-", ".", "(", ")"):
		column = Replace(column, sign, "")
	return column


def _before_queries(last_digits: str) -> tuple:
	customer, phone, link = DocType("Customer"), DocType("Contact Phone"), DocType("Dynamic Link")
	fields = (
		customer.name,
		customer.customer_name,
		customer.modified,
		customer.jc_home_store.as_("home_store"),
	)
	on_customer = (
		frappe.qb.from_(customer)
		.select(*fields, customer.mobile_no.as_("phone"))
		.where(_digits_only(customer.mobile_no).like(f"%{last_digits}") & (customer.disabled == 0))
		.limit(MATCHES)
	)
	on_contacts = (
		frappe.qb.from_(phone)
		.join(link)
		.on(
			(link.parent == phone.parent) & (link.parenttype == "Contact") & (link.link_doctype == "Customer")
		)
		.join(customer)
		.on(customer.name == link.link_name)
		.select(*fields, phone.phone)
		.where(
			(phone.parenttype == "Contact")
			& _digits_only(phone.phone).like(f"%{last_digits}")
			& (customer.disabled == 0)
		)
		.limit(MATCHES)
	)
	return on_customer, on_contacts


# -------------------------------------------------------------------------------------- population


def _name(prefix: str, index: int) -> str:
	return f"{prefix}{index:07d}"


def _rows(doctype: str, prefix: str | None = None) -> int:
	table = DocType(doctype)
	query = frappe.qb.from_(table).select(Count("*"))
	return (query.where(table.name.like(prefix + "%")) if prefix else query).run()[0][0]


def ensure_population(customers: int, seed: int) -> str:
	have = _rows("Customer", CUSTOMER)
	if have and not frappe.db.exists("Customer", _name(CUSTOMER, have)):
		print(f"The JCM population is not whole ({have} customers): making it anew")
		delete_population.__wrapped__()
		have = 0
	if have > customers:
		for doctype, prefix in FAMILIES:
			bound = _name(prefix, customers + 1)
			_delete_chunks(
				doctype, lambda table, p=prefix, b=bound: table.name.like(p + "%") & (table.name >= b)
			)
		return f"shrunk from {have:,}"
	if have == customers:
		return "reused"
	started = time.perf_counter()
	for start in range(have, customers, CHUNK):
		_generate_chunk(start, min(start + CHUNK, customers), random.Random(f"{seed}:{start}"))
		# a benchmark's bulk load commits chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		done = min(start + CHUNK, customers)
		if done % 100_000 == 0 or done == customers:
			print(f"  {done:>9,} customers  {time.perf_counter() - started:6.1f} s", flush=True)
	return f"generated {customers - have:,} in {time.perf_counter() - started:.1f} s"


def _typed(rng: random.Random, digits: str) -> str:
	return rng.choice(tuple(WAYS.values()))(digits)


def _generate_chunk(start: int, end: int, rng: random.Random) -> None:
	now = now_datetime()
	stamp = (now, now, "Administrator", "Administrator", 0)
	customers, contacts, phones, links = [], [], [], []
	for index in range(start + 1, end + 1):
		name, contact = _name(CUSTOMER, index), _name(CONTACT, index)
		first, last = rng.choice(FIRST), rng.choice(LAST)
		digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
		roll = rng.random()
		mobile = (
			_typed(rng, digits) if roll < 0.95 else str(rng.randrange(10**5, 10**7)) if roll < 0.97 else None
		)
		disabled = 1 if rng.random() < 0.01 else 0
		customers.append((name, *stamp, 0, f"{first} {last}", "Individual", mobile, disabled))
		if not mobile:
			continue
		contacts.append((contact, *stamp, 0, first, last, mobile, 1))
		numbers = [_typed(rng, digits) if roll < 0.95 else mobile]
		if rng.random() < 0.2:
			numbers.append(_typed(rng, rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"))
		for idx, number in enumerate(numbers, start=1):
			row = (f"{_name(PHONE, index)}-{idx}", *stamp, idx, contact, "phone_nos", "Contact")
			phones.append((*row, number, 1 if idx == 1 else 0))
		links.append((_name(LINK, index), *stamp, 1, contact, "links", "Contact", "Customer", name, name))
	_insert("tabCustomer", CUSTOMER_FIELDS, customers)
	_insert("tabContact", CONTACT_FIELDS, contacts)
	_insert("tabContact Phone", PHONE_FIELDS, phones)
	_insert("tabDynamic Link", LINK_FIELDS, links)


def _analyze() -> None:
	"""Fresh index statistics after a bulk load, as a nightly ANALYZE would leave them."""
	for table in ("tabCustomer", "tabContact", "tabContact Phone", "tabDynamic Link"):
		# the table names are the constants above, never input
		frappe.db.sql(f"ANALYZE TABLE `{table}`")  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql


# ------------------------------------------------------------------------------------- measurement


def _spread(count: int, total: int) -> list[int]:
	return sorted({1 + (i * total) // max(count, 1) for i in range(count)}) if total else []


def sample_numbers(samples: int, seed: int) -> list[tuple[str, str]]:
	"""(kind, ten digits) for half on Customers, a quarter only on Contacts, a quarter nobody's, the
	kinds taking turns so that any first few hold each kind."""
	total = _rows("Customer", CUSTOMER)
	customer, phone, link = DocType("Customer"), DocType("Contact Phone"), DocType("Dynamic Link")
	on_customers = (
		frappe.qb.from_(customer)
		.select(customer[MOBILE_KEY])
		.where(customer.name.isin([_name(CUSTOMER, i) for i in _spread(samples, total)]))
		.where(customer[MOBILE_KEY].isnotnull() & (customer.disabled == 0))
		.run(pluck=True)[: samples // 2]
	)
	on_contacts = (
		frappe.qb.from_(phone)
		.join(link)
		.on(link.parent == phone.parent)
		.join(customer)
		.on(customer.name == link.link_name)
		.select(phone[MOBILE_KEY])
		.where(phone.name.isin([f"{_name(PHONE, i)}-2" for i in _spread(samples * 8, total)]))
		.where(phone[MOBILE_KEY].isnotnull() & (customer.disabled == 0))
		.run(pluck=True)[: samples // 4]
	)
	rng = random.Random(seed)
	nobodys = []
	while len(nobodys) < samples - len(on_customers) - len(on_contacts):
		digits = NOBODYS_PREFIX + f"{rng.randrange(10**8):08d}"
		if normalise_phone(digits, "IN"):
			nobodys.append(digits)
	kinds = (
		[("customer", key.removeprefix("+91")) for key in on_customers],
		[("contact", key.removeprefix("+91")) for key in on_contacts],
		[("nobody", digits) for digits in nobodys],
	)
	longest = max(len(kind) for kind in kinds)
	return [kind[i] for i in range(longest) for kind in kinds if i < len(kind)]


def compare(samples: int, before_samples: int, seed: int) -> dict:
	"""Each number typed every way, found as it is; then the first `before_samples` of them as it was.
	Apart, not interleaved: each of the old lookup's scans pushes the tables out of MariaDB's buffer
	pool, which would charge the new lookup with reads the old one caused."""
	numbers = sample_numbers(samples, seed)
	times = {"before": {way: [] for way in WAYS}, "after": {way: [] for way in WAYS}}
	answers, found, round_trips = {}, 0, []
	for label, lookup, some in (
		("after", find_customer, numbers),
		("before", find_customer_before, numbers[:before_samples]),
	):
		for kind, digits in some:
			for way, typed_as in WAYS.items():
				started = time.perf_counter()
				answers[label, typed_as(digits)] = match = lookup(typed_as(digits))
				times[label][way].append((time.perf_counter() - started) * 1000)
				if label == "after":
					found += bool(match.customer) == (kind != "nobody")
					started = time.perf_counter()  # what any query costs here and now: the floor
					# a bare round trip, the floor beside each lookup
					frappe.db.sql("SELECT 1")  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
					round_trips.append((time.perf_counter() - started) * 1000)
	compared = [typed for label, typed in answers if label == "before"]
	same = sum(answers["before", typed] == answers["after", typed] for typed in compared)
	differ = len(compared) - same
	every = {label: [ms for values in by_way.values() for ms in values] for label, by_way in times.items()}
	return {
		"kinds": {kind: sum(n[0] == kind for n in numbers) for kind in ("customer", "contact", "nobody")},
		"by_way": {way: (_stats(times["before"][way]), _stats(times["after"][way])) for way in WAYS},
		"before": _stats(every["before"]),
		"after": _stats(every["after"]),
		"select_1": _stats(round_trips),
		"same_answers": same,
		"different_answers": differ,
		"found_as_expected": f"{found}/{len(numbers) * len(WAYS)}",
		# for the first number looked up: one of the population's, typed as on its Customer
		"explain_before": [_plan(query) for query in _before_queries(numbers[0][1][-8:])],
		"explain_after": [_plan(query_by_key("+91" + numbers[0][1]))],
	}


def _stats(values: list[float]) -> dict:
	if not values:
		return {"n": 0, "p50": None, "p95": None}
	p95 = statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
	return {"n": len(values), "p50": round(statistics.median(values), 2), "p95": round(p95, 2)}


def _p(stats: dict) -> tuple:
	return stats["p50"], stats["p95"]


def _plan(query) -> str:
	return "; ".join(
		f"{row['table']} {row['type']} key={row['key']} rows={row['rows']}" for row in _explain(query)
	)


# -------------------------------------------------------------------------------------------- report


def _print(report: dict) -> None:
	print()
	print(
		f"Customer rows {report['customer_rows']:,} (JCM {report['customers']:,}, {report['generation']}),"
		f" Contact Phone rows {report['contact_phone_rows']:,}; keys written {report['keys_written']:,}"
		f" in {report['fill_s']} s; numbers looked up: {report['kinds']}; load {report['load_average']:.1f}"
	)
	print(f"{'typed as':<18} {'before p50':>10} {'p95':>8} {'n':>4}   {'after p50':>9} {'p95':>7} {'n':>5}")
	for way, (before, after) in [
		*report["by_way"].items(),
		("all ways", (report["before"], report["after"])),
	]:
		cells = [f"{ms:.2f}" if ms is not None else "-" for ms in (*_p(before), *_p(after))]
		print(
			f"{way:<18} {cells[0]:>10} {cells[1]:>8} {before['n']:>4}   {cells[2]:>9} {cells[3]:>7} {after['n']:>5}"
		)
	print(
		f"{'SELECT 1':<18} {'':>10} {'':>8} {'':>4}   {_p(report['select_1'])[0]:>9.2f} {_p(report['select_1'])[1]:>7.2f}"
	)
	before, after = report["before"]["p50"], report["after"]["p50"]
	if before and after:
		print(f"before/after at p50: {before / after:,.0f}x")
	print(
		f"same answer before and after: {report['same_answers']} of"
		f" {report['same_answers'] + report['different_answers']}; found as expected (hers, or"
		f" nobody for a number nobody has): {report['found_as_expected']}"
	)
	print("EXPLAIN before:", *report["explain_before"], sep="\n  ")
	print("EXPLAIN after:", *report["explain_after"], sep="\n  ")
