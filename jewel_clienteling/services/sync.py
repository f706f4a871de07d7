"""Getting a sale into the profile without ever slowing or failing the sale.

Inside the sale's transaction we only register a callback. After the sale commits, the callback
queues a refresh job for the customer (one per customer at a time). If Redis is down the sale is
already safe, and the sweep below finds every sale whose customer was not refreshed since.
"""

import time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Min
from frappe.utils import add_to_date, getdate, now_datetime, nowdate

from jewel_clienteling.services import facts, profile
from jewel_clienteling.services import settings as clienteling_settings

REFRESH_JOB = "jewel_clienteling.services.sync.run_refresh"
SWEEP_LOOKBACK_DAYS = facts.SWEEP_LOOKBACK_DAYS


def logger():
	return frappe.logger("jewel_clienteling", allow_site=True)


def refresh_after_commit(customer: str) -> None:
	"""Queue her refresh once the current transaction commits; nothing happens if it rolls back."""
	frappe.db.after_commit.add(lambda: enqueue_refresh(customer))


def enqueue_refresh(customer: str) -> bool:
	try:
		frappe.enqueue(
			REFRESH_JOB,
			queue="short",
			job_id=f"jewel_clienteling:refresh:{customer}",
			deduplicate=True,
			customer=customer,
		)
		return True
	except Exception:
		# The sale is committed; the sweep will find it. Never surface this to the counter.
		logger().warning(f"could not queue profile refresh for {customer}", exc_info=True)
		return False


def run_refresh(customer: str) -> None:
	"""Background job. A failure is rolled back, logged in Error Log, and retried by the sweep."""
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
	goes on from there). Safe to run at any time and in parallel: each refresh locks its customer.
	A customer whose refresh fails is tried once per sweep."""
	if not clienteling_settings.is_enabled():
		return 0
	deadline = time.monotonic() + max_seconds
	tried: set[str] = set()
	while time.monotonic() < deadline:
		waiting = [customer for customer in customers_needing_refresh(batch) if customer not in tried]
		if not waiting:
			break
		for customer in waiting:
			if time.monotonic() >= deadline:
				break
			run_refresh(customer)
			tried.add(customer)
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
