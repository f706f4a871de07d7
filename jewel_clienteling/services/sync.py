"""Getting a sale into the profile without ever slowing or failing the sale.

Inside the sale's transaction we only register a callback. After the sale commits, the callback
adds her to a set of customers waiting to be learnt (in the queue's Redis, which evicts nothing)
and, unless a learning job already owns that set, queues one. That job starts a few seconds after
the first sale, so the sales close behind it are learnt with it, and learns everyone waiting, a page
at a time, in set-based queries (services/learning), until nobody has come for a few seconds. At
peak one job learns the sales of every few seconds together, instead of a job (and a worker process
forked for it, its caches cold) a sale.

Why Redis and not a pending row: the sale's own invoice is already the durable record of what is
not learnt (`jc_profile_seen` differs from its docstatus until her profile has learnt it, written in
the profile's transaction). A pending row would add a write and a hot unique key to every sale's
transaction; the set costs one round trip after commit. If Redis loses the set (a restart, the
queue down), the sweep below finds every such invoice within minutes.

Exactly one job owns the set at a time: whoever sets the owner key (SET NX with an expiry) queues
the job; the job gives the key back only when the set is empty, then looks once more, so a
customer added at that moment is either taken by it or wakes a new job, never left behind.
"""

import time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Min
from frappe.utils import add_to_date, getdate, now_datetime, nowdate
from frappe.utils.background_jobs import get_redis_conn

from jewel_clienteling.services import facts, history, profile
from jewel_clienteling.services import settings as clienteling_settings

LEARN_JOB = "jewel_clienteling.services.sync.learn_pending"
GATHER_SECONDS = 2.0  # the job starts this long after the first sale: the sales close behind it join
LINGER_SECONDS = 10.0  # and looks for more this long after the last, every GATHER_SECONDS
MAX_SECONDS = 240  # then hands over to a fresh job, well within the short queue's timeout
LEARN_PAGE = 200  # customers learnt in one transaction
OWNER_SECONDS = 120  # a learning job killed mid-way lets go of the set after this long
SWEEP_LOOKBACK_DAYS = facts.SWEEP_LOOKBACK_DAYS
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_KEEP = (
	"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end return 0"
)


def logger():
	return frappe.logger("jewel_clienteling", allow_site=True)


def keys() -> tuple[str, str]:
	"""This site's set of customers waiting to be learnt, and the key of the job that owns it."""
	site = frappe.local.site
	return f"{site}:jewel_clienteling:learn-pending", f"{site}:jewel_clienteling:learn-owner"


def job_id(token: str) -> str:
	return f"jewel_clienteling:learn-sales:{token}"


def refresh_after_commit(customer: str) -> None:
	"""Learn her sale soon after the current transaction commits; nothing happens if it rolls back."""
	frappe.db.after_commit.add(lambda: learn_soon([customer]))


def learn_soon(customers: list[str]) -> bool:
	"""Add them to the customers waiting to be learnt, and queue the job that learns them unless one
	owns the set already (one round trip when one does). Never raises: the sales are committed, and
	the sweep finds them."""
	try:
		redis = get_redis_conn()
		pending, owner = keys()
		token = frappe.generate_hash(length=16)
		pipe = redis.pipeline()
		pipe.sadd(pending, *customers)
		pipe.set(owner, token, nx=True, ex=OWNER_SECONDS)
		if pipe.execute()[1]:
			_queue(redis, token)
		return True
	except Exception:
		logger().warning(f"could not queue learning for {customers}", exc_info=True)
		return False


def _queue(redis, token: str) -> None:
	"""Queue the learning job that owns the set with `token`; on failure let go of the set, so the
	next sale tries again."""
	try:
		frappe.enqueue(
			LEARN_JOB,
			queue="short",
			timeout=MAX_SECONDS + 60,
			job_id=job_id(token),
			deduplicate=True,
			token=token,
			first_at=time.time(),
		)
	except Exception:
		redis.eval(_RELEASE, 1, keys()[1], token)
		raise


def learn_pending(
	token: str,
	first_at: float | None = None,
	gather: float = GATHER_SECONDS,
	linger: float = LINGER_SECONDS,
	max_seconds: float = MAX_SECONDS,
) -> int:
	"""Background job: learn every customer waiting, a page at a time, each page its own
	transaction; when none is left, look again every `gather` seconds for `linger` seconds (through
	a busy afternoon one job learns every sale, instead of a job and a forked work-horse, cold, for
	each few); returns how many were learnt. After `max_seconds` a fresh job takes over, within the
	queue's timeout. A page that fails is learnt one customer at a time; a customer that fails is in
	the Error Log and the sweep retries her."""
	redis = get_redis_conn()
	pending, owner = keys()
	wait = (first_at or 0) + gather - time.time()
	if wait > 0:
		time.sleep(wait)
	learnt, began, idle_since = 0, time.monotonic(), None
	try:
		while time.monotonic() - began < max_seconds:
			redis.eval(_KEEP, 1, owner, token, OWNER_SECONDS)
			customers = sorted(name.decode() for name in redis.spop(pending, LEARN_PAGE) or [])
			if customers:
				learnt += learn_now(customers)
				idle_since = None
				continue
			idle_since = idle_since or time.monotonic()
			if time.monotonic() - idle_since < linger:
				time.sleep(max(gather, 0.1))
				continue
			redis.eval(_RELEASE, 1, owner, token)
			# one who came after the last look and found the set owned is taken now (or woke a job)
			if not redis.scard(pending) or not redis.set(owner, token, nx=True, ex=OWNER_SECONDS):
				return learnt
			idle_since = None
		redis.eval(_RELEASE, 1, owner, token)
		successor = frappe.generate_hash(length=16)
		if redis.scard(pending) and redis.set(owner, successor, nx=True, ex=OWNER_SECONDS):
			_queue(redis, successor)
		return learnt
	except Exception:
		# the next sale queues a new job at once; the page in hand is the sweep's
		redis.eval(_RELEASE, 1, owner, token)
		raise


def learn_now(customers: list[str]) -> int:
	"""Learn a page of customers and commit (a job owns its transactions)."""
	if not clienteling_settings.is_enabled():
		return 0
	history.learn_page(customers, getdate(nowdate()))
	# a job owns its transactions: each page is kept on its own
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return len(customers)


def run_refresh(customer: str) -> None:
	"""Learn one customer now, in her own transaction. A failure is rolled back, logged in Error
	Log, and retried by the sweep."""
	try:
		profile.refresh_customer(customer)
		frappe.db.commit()  # a background job owns its transaction
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"Clienteling: profile refresh failed for {customer}")
		frappe.db.commit()  # keep the Error Log row
	close_won_leads(customer)


def close_won_leads(customer: str) -> None:
	"""Her purchase wins the enquiry she made before it; a failure here leaves her profile learnt."""
	# imported here: the conversion reads walk-ins, which read the outreach queue
	from jewel_clienteling.services import lead_conversion

	try:
		lead_conversion.won_by_sale(customer)
		frappe.db.commit()  # a background job owns its transaction
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"Clienteling: closing the leads of {customer} failed")
		frappe.db.commit()  # keep the Error Log row


def customers_needing_refresh(limit: int = 500) -> list[str]:
	"""Customers with a sale or cancellation their profile has not learnt from, the longest waiting
	first, so a busy day's backlog is worked off in order and nobody waits behind the alphabet."""
	since = add_to_date(now_datetime(), days=-SWEEP_LOOKBACK_DAYS)
	walk_in = clienteling_settings.walk_in_customer()
	waiting_since: dict[str, object] = {}
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		oldest = Min(invoice.modified)
		query = (
			query.select(invoice.customer, oldest)
			.where(
				(invoice.docstatus > 0)
				& (invoice.modified >= since)
				& (invoice.jc_profile_seen != invoice.docstatus)
			)
			.groupby(invoice.customer)
			.orderby(oldest)
			.limit(limit)
		)
		if walk_in:
			query = query.where(invoice.customer != walk_in)
		for customer, modified in query.run():
			if customer not in waiting_since or modified < waiting_since[customer]:
				waiting_since[customer] = modified
	return sorted(waiting_since, key=waiting_since.get)[:limit]


def sweep(batch: int = 500, max_seconds: float = 240) -> int:
	"""Refresh every customer whose sales the after-commit job missed (Redis down, worker killed,
	job failed), the longest waiting first, until none is left or the time is up (the next sweep
	goes on from there), a page at a time. Safe to run at any time and in parallel: learning locks
	its customers. A customer whose refresh fails is tried once per sweep."""
	if not clienteling_settings.is_enabled():
		return 0
	deadline = time.monotonic() + max_seconds
	tried: set[str] = set()
	while time.monotonic() < deadline:
		waiting = [customer for customer in customers_needing_refresh(batch) if customer not in tried]
		if not waiting:
			break
		for start in range(0, len(waiting), LEARN_PAGE):
			if time.monotonic() >= deadline:
				break
			page = waiting[start : start + LEARN_PAGE]
			learn_now(page)
			tried.update(page)
	return len(tried)


def customers_due(today=None, limit: int = 5000) -> list[str]:
	"""Customers whose stage or RFM changes today without a sale (indexed on jc_profile_due_on)."""
	customer = DocType("Customer")
	return [
		row[0]
		for row in frappe.qb.from_(customer)
		.select(customer.name)
		.where(customer.jc_profile_due_on <= getdate(today or nowdate()))
		.limit(limit)
		.run()
	]
