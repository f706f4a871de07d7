"""A chain's history for the history benchmark (benchmarks/history.py): customers, a catalogue and
ten years of invoices inserted in bulk, and what the benchmark does with them (forget what was learnt
of a sample, snapshot it, delete it all)."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.benchmarks.bulk import analyze as _analyze
from jewel_clienteling.benchmarks.bulk import delete_chunks as _delete_chunks
from jewel_clienteling.benchmarks.bulk import insert as _insert
from jewel_clienteling.services.learning import PROFILE_FIELDS

PREFIX = "JCH-B-"
LIKE = PREFIX + "%"
CHUNK = 2000  # customers generated and inserted together
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
		# a benchmark's bulk load commits chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	_analyze()
	for table in ("Sales Invoice", "POS Invoice", "Sales Invoice Item", "POS Invoice Item"):
		statement = f"ANALYZE TABLE `tab{table}`"
		# fresh index statistics after a bulk load; the table names are this loop's constants
		frappe.db.sql(statement)  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
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


def sample(customers: int, size: int, seed: int) -> list[str]:
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
	# a benchmark's bulk delete commits as it goes
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def snapshot(names: list[str]) -> dict:
	pref, occasion = DocType("Preference"), DocType("Occasion")
	return {
		# an empty text field is NULL or "" depending on who wrote it last: the same to a reader
		"profiles": sorted(
			tuple(None if value == "" else value for value in row)
			for row in frappe.db.get_values("Customer", {"name": ("in", names)}, ["name", *PROFILE_FIELDS])
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
