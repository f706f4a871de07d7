"""Scheduler entry points. Each is idempotent: it works from facts and current state, so running it
twice, in parallel, or after a missed day gives the same result."""

import frappe

from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services import sync


def sweep_missed_sales():
	"""Every 10 minutes: refresh customers whose after-sale job never ran or failed."""
	sync.sweep()


def daily():
	"""Plan today's outreach (on the long queue), then re-age the profiles whose stage changes today."""
	frappe.enqueue(
		"jewel_clienteling.services.planner.plan",
		queue="long",
		job_id="jewel_clienteling:plan-outreach",
		deduplicate=True,
		timeout=3600,
	)
	if not clienteling_settings.is_enabled():
		return
	tried: set[str] = set()
	while True:
		due = [customer for customer in sync.customers_due() if customer not in tried]
		if not due:
			break
		for customer in due:
			tried.add(customer)
			sync.run_refresh(customer)
	frappe.db.commit()  # nosemgrep: scheduler job
