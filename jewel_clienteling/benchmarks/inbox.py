"""The WhatsApp inbox and a lead's conversation at scale, side by side with ERPNext's own Lead list.

	bench --site SITE execute jewel_clienteling.benchmarks.inbox.run --kwargs "{'leads': 100000, 'messages': 1000000}"
	bench --site SITE execute jewel_clienteling.benchmarks.inbox.delete_population

Any site with the app installed and migrated will do. It writes leads JCIB-0000001 …, one WhatsApp
conversation each (+9170…), and messages JCIBM-… spread over them (as a busy store's are: most
conversations short, a few long), with raw multi-row INSERTs; run again with more, it adds only
what is missing. Stores JCIB Store 1…5 (names only); an associate limited to store 1 by a User
Permission. Then it times, in this process, each with its number of SQL queries:

- the inbox (services/inbox_desk.conversations): all, unanswered, and mine; as Administrator and as
  the associate limited to her store (through Frappe's permissions);
- one lead's conversation (inbox_desk.read on a Lead): the conversation, its window, 50 messages;
- ERPNext's own Lead list (frappe.get_list on Lead, the list view's first page), as both users.

Budget: <= 10 queries and p95 <= 30 ms of server time for the inbox and a conversation.
"""

import os
import random
import statistics
import time
from datetime import timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

# the services first: plan_scale, imported alone, meets the cycle occasion -> imports -> privacy -> sync
import jewel_clienteling.services.sync  # noqa: F401
from jewel_clienteling.benchmarks.bulk import delete_chunks, explain, insert
from jewel_clienteling.benchmarks.preflight import has_columns, reported, require
from jewel_clienteling.domain.leads import STAGES
from jewel_clienteling.services import inbox_desk

LEAD, MESSAGE = "JCIB-", "JCIBM-"
PHONE = "+9170"
STORES = tuple(f"JCIB Store {n}" for n in range(1, 6))
ASSOCIATE = "jc-bench-inbox@example.com"
PEOPLE = tuple(f"jc-bench-inbox-{n}@example.com" for n in range(1, 21))
STANDARD = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
LEAD_FIELDS = (
	*STANDARD,
	*("first_name", "lead_name", "title", "status", "source", "mobile_no", "lead_owner"),
	*("jc_stage", "jc_store", "jc_mobile_e164", "jc_last_message_at"),
)
CONVERSATION_FIELDS = (
	*STANDARD,
	*("phone", "title", "lead", "store", "assigned_to", "last_message_at", "last_inbound_at"),
	*("last_text", "unread", "unread_since", "unanswered_since"),
)
MESSAGE_FIELDS = (
	*STANDARD,
	*("message_id", "lead", "conversation", "phone", "profile_name", "received_on", "kind", "text"),
	"direction",
)
WORDS = "do you have polki sets under 2 lakh kundan jhumka bangles for my sister wedding price".split()
FIRST = "Aarti Bhavna Deepa Divya Ishita Jyoti Kavita Meera Neha Pooja Priya Radha Ritu Sneha Uma".split()


@reported
def run(leads: int = 100_000, messages: int = 1_000_000, samples: int = 200, seed: int = 11) -> dict:
	frappe.set_user("Administrator")
	require(
		has_columns("Lead", "jc_stage", "jc_mobile_e164")
		and has_columns("Clienteling WhatsApp Message", "conversation"),
		f"the inbox's columns are missing: run `bench --site {frappe.local.site} migrate` first",
	)
	started = time.perf_counter()
	made = ensure_population(int(leads), int(messages), int(seed))
	generation_s = round(time.perf_counter() - started, 1)
	_associate()
	# fresh statistics for the planner after a bulk load, which frappe.qb cannot write
	# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
	frappe.db.sql("ANALYZE TABLE `tabLead`, `tabClienteling Conversation`, `tabClienteling WhatsApp Message`")
	rng = random.Random(seed)
	sample_leads = [_name(LEAD, rng.randrange(1, leads + 1)) for _ in range(int(samples))]
	report = {
		"leads": _rows("Lead", LEAD),
		"conversations": _rows("Clienteling Conversation"),
		"messages": _rows("Clienteling WhatsApp Message", MESSAGE),
		"made": made,
		"generation_s": generation_s,
		"timings": measure(sample_leads, int(samples)),
		"load_average": os.getloadavg()[1],
	}
	_print(report)
	return report


@reported
def delete_population() -> dict:
	frappe.set_user("Administrator")
	deleted = {
		"messages": delete_chunks("Clienteling WhatsApp Message", lambda t: t.name.like(MESSAGE + "%")),
		"conversations": delete_chunks("Clienteling Conversation", lambda t: t.lead.like(LEAD + "%")),
		"leads": delete_chunks("Lead", lambda t: t.name.like(LEAD + "%")),
	}
	frappe.db.delete("User Permission", {"user": ASSOCIATE})
	# the population goes for good
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	print(f"Deleted the inbox population: {deleted}")
	return deleted


# -------------------------------------------------------------------------------------- population


def _name(prefix: str, index: int) -> str:
	return f"{prefix}{index:08d}"


def _phone(index: int) -> str:
	return f"{PHONE}{index:08d}"


def _rows(doctype: str, prefix: str | None = None) -> int:
	table = DocType(doctype)
	query = frappe.qb.from_(table).select(Count("*"))
	return (query.where(table.name.like(prefix + "%")) if prefix else query).run()[0][0]


def ensure_population(leads: int, messages: int, seed: int) -> dict:
	"""Add the leads (each with its conversation) and messages that are missing; commit as it goes."""
	have_leads, have_messages = _rows("Lead", LEAD), _rows("Clienteling WhatsApp Message", MESSAGE)
	now = now_datetime()
	rng = random.Random(seed + have_leads)
	for start in range(have_leads + 1, leads + 1, 10_000):
		_add_leads(range(start, min(start + 10_000, leads + 1)), rng, now)
	rng = random.Random(seed + have_messages)
	for start in range(have_messages + 1, messages + 1, 50_000):
		_add_messages(range(start, min(start + 50_000, messages + 1)), leads, rng, now)
	return {"leads": max(leads - have_leads, 0), "messages": max(messages - have_messages, 0)}


def _add_leads(indexes: range, rng: random.Random, now) -> None:
	lead_rows, conversation_rows = [], []
	for index in indexes:
		name, phone = _name(LEAD, index), _phone(index)
		made = now - timedelta(days=rng.randrange(365), seconds=rng.randrange(86400))
		last = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
		owner, store = rng.choice(PEOPLE), STORES[index % len(STORES)]
		person = f"{rng.choice(FIRST)} {index}"
		unanswered = last if rng.random() < 0.05 else None
		base = (made, made, "Administrator", "Administrator", 0, 0)
		lead_rows.append(
			(
				name,
				*base,
				person,
				person,
				person,
				"Lead",
				"WhatsApp",
				phone,
				owner,
				rng.choice(STAGES),
				store,
				phone,
				last,
			)
		)
		conversation_rows.append(
			(
				phone,
				*base,
				phone,
				person,
				name,
				store,
				owner,
				last,
				last,
				" ".join(rng.sample(WORDS, 5)),
				1 if unanswered else 0,
				unanswered,
				unanswered,
			)
		)
	insert("tabLead", LEAD_FIELDS, lead_rows)
	insert("tabClienteling Conversation", CONVERSATION_FIELDS, conversation_rows)
	# a bulk load, committed a chunk at a time
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def _add_messages(indexes: range, leads: int, rng: random.Random, now) -> None:
	rows = []
	for index in indexes:
		# a few conversations are long, most short: a skewed pick of the lead
		lead_index = min(int(rng.paretovariate(1.2) * leads / 50) % leads + 1, leads)
		when = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
		phone = _phone(lead_index)
		rows.append(
			(
				_name(MESSAGE, index),
				when,
				when,
				"Administrator",
				"Administrator",
				0,
				0,
				f"jcib.wamid.{index}",
				_name(LEAD, lead_index),
				phone,
				phone,
				"",
				when,
				"text",
				" ".join(rng.sample(WORDS, 6)),
				rng.choice(("Inbound", "Outbound")),
			)
		)
	insert("tabClienteling WhatsApp Message", MESSAGE_FIELDS, rows)
	# a bulk load, committed a chunk at a time
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def _associate() -> None:
	"""A Sales User limited to store 1 by a User Permission (inserted as a row: the store is a name)."""
	if not frappe.db.exists("User", ASSOCIATE):
		user = frappe.get_doc(
			{"doctype": "User", "email": ASSOCIATE, "first_name": "Bench", "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
		user.add_roles("Sales User")
	if not frappe.db.exists("User Permission", {"user": ASSOCIATE}):
		moment = now_datetime()
		insert(
			"tabUser Permission",
			(*STANDARD, "user", "allow", "for_value", "apply_to_all_doctypes"),
			[
				(
					frappe.generate_hash(length=10),
					moment,
					moment,
					"Administrator",
					"Administrator",
					0,
					0,
					ASSOCIATE,
					"POS Profile",
					STORES[0],
					1,
				)
			],
		)
	# the measuring reads what another connection may cache
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	frappe.cache.delete_value("user_permissions")


# ----------------------------------------------------------------------------------------- timing


def _timed(call, samples: int) -> dict:
	"""ms per call (p50, p95) and the SQL queries of one call, after a warm-up call."""
	queries = []
	original = frappe.db.__class__.sql

	def counted(db, *args, **kwargs):
		queries.append(args[0] if args else "")
		return original(db, *args, **kwargs)

	call(0)
	frappe.db.__class__.sql = counted
	try:
		call(1)
	finally:
		frappe.db.__class__.sql = original
	if os.environ.get("JC_BENCH_SHOW_QUERIES"):
		print("\n".join(str(query)[:200] for query in queries))
	times, cpu = [], []
	for sample in range(samples):
		started, started_cpu = time.perf_counter(), time.process_time()
		call(sample)
		times.append((time.perf_counter() - started) * 1000)
		cpu.append((time.process_time() - started_cpu) * 1000)
	times.sort()
	cpu.sort()
	return {
		"queries": len(queries),
		"p50_ms": round(statistics.median(times), 2),
		"p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
		# this process's own CPU (the queries' time in MariaDB is in p95_ms, not here): what the call
		# costs the web worker whatever else the shared machine is doing
		"python_cpu_p95_ms": round(cpu[int(len(cpu) * 0.95) - 1], 2),
	}


def _lead_list(sample: int):
	return frappe.get_list(
		"Lead",
		fields=["name", "lead_name", "status", "jc_stage", "lead_owner", "jc_store", "modified"],
		order_by="modified desc",
		page_length=20,
	)


def measure(sample_leads: list[str], samples: int) -> dict:
	found = {}
	for user in ("Administrator", ASSOCIATE):
		frappe.set_user(user)
		who = "admin" if user == "Administrator" else "associate"
		for view in ("all", "unanswered", "unread", "mine"):
			found[f"inbox_{view}_{who}"] = _timed(lambda s, v=view: inbox_desk.conversations(v), samples)
		mine = [lead for lead in sample_leads if user == "Administrator" or lead.endswith(("0", "5"))]
		found[f"conversation_{who}"] = _timed(
			lambda s, pool=mine or sample_leads: inbox_desk.read("Lead", pool[s % len(pool)]), samples
		)
		found[f"erpnext_lead_list_{who}"] = _timed(_lead_list, samples)
	frappe.set_user("Administrator")
	conversation = DocType("Clienteling Conversation")
	plan = explain(
		frappe.qb.from_(conversation)
		.select(conversation.name)
		.orderby(conversation.last_message_at, order=frappe.qb.desc)
		.limit(20)
	)
	found["inbox_plan"] = [
		{key: row.get(key) for key in ("table", "type", "key", "rows", "Extra")} for row in plan
	]
	return found


def _print(report: dict) -> None:
	print(
		f"Inbox at {report['leads']:,} leads, {report['conversations']:,} conversations, "
		f"{report['messages']:,} messages (made in {report['generation_s']} s; load {report['load_average']:.2f})"
	)
	for name, figures in report["timings"].items():
		if name != "inbox_plan":
			print(
				f"  {name:30} {figures['queries']:>2} queries  p50 {figures['p50_ms']:>6} ms  "
				f"p95 {figures['p95_ms']:>6} ms  (Python CPU p95 {figures['python_cpu_p95_ms']:>5} ms)"
			)
	print(f"  inbox plan: {report['timings']['inbox_plan']}")
