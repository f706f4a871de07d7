"""Getting a sale into the profile without ever slowing or failing the sale.

Inside the sale's transaction we only register a callback. After the sale commits, the callback
queues a refresh job for the customer (one per customer at a time). If Redis is down the sale is
already safe, and the sweep below finds every sale whose customer was not refreshed since.
"""

import frappe
from frappe.query_builder import DocType, Interval
from frappe.query_builder.functions import IfNull
from frappe.utils import add_to_date, getdate, now_datetime, nowdate

from jewel_clienteling.services import facts, profile
from jewel_clienteling.services import settings as clienteling_settings

REFRESH_JOB = "jewel_clienteling.services.sync.run_refresh"
# A sale that commits while its customer is being refreshed can carry a `modified` just before the
# refresh began; looking back this far past the last refresh catches it on the next sweep.
SETTLE_MINUTES = 10
SWEEP_LOOKBACK_DAYS = 7


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
		frappe.db.commit()  # nosemgrep: background job owns its transaction
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"Clienteling: profile refresh failed for {customer}")
		frappe.db.commit()  # nosemgrep: keep the Error Log row


def customers_needing_refresh(limit: int = 500) -> list[str]:
	"""Customers with a sale or cancellation they have not been refreshed for, newest facts only."""
	since = add_to_date(now_datetime(), days=-SWEEP_LOOKBACK_DAYS)
	customer_table = DocType("Customer")
	walk_in = clienteling_settings.walk_in_customer()
	found: list[str] = []
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		refreshed = IfNull(customer_table.jc_profile_refreshed_on, "2000-01-01")
		query = (
			query.join(customer_table)
			.on(customer_table.name == invoice.customer)
			.select(invoice.customer)
			.distinct()
			.where(
				(invoice.docstatus > 0)
				& (invoice.modified >= since)
				& (invoice.modified > refreshed - Interval(minutes=SETTLE_MINUTES))
			)
			.limit(limit)
		)
		found.extend(row[0] for row in query.run() if row[0] != walk_in)
	return sorted(set(found))[:limit]


def sweep(limit: int = 500) -> int:
	"""Refresh every customer whose sales the after-commit job missed (Redis down, worker killed,
	job failed). Safe to run at any time and in parallel: each refresh locks its customer."""
	if not clienteling_settings.is_enabled():
		return 0
	done = 0
	for customer in customers_needing_refresh(limit):
		run_refresh(customer)
		done += 1
	return done


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
