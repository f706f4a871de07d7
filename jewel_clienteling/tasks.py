"""Scheduler entry points. Each is idempotent: it works from facts and current state, so running it
twice, in parallel, or after a missed day gives the same result."""

import frappe
from frappe.utils import add_to_date, now_datetime

from jewel_clienteling.services import loyalty, sync, whatsapp
from jewel_clienteling.services import settings as clienteling_settings


def sweep_missed_sales():
	"""Every 10 minutes: refresh customers whose after-sale job never ran or failed, and post the
	points a sale's hook could not."""
	sync.sweep()
	if clienteling_settings.loyalty_enabled():
		loyalty.sweep(add_to_date(now_datetime(), days=-sync.SWEEP_LOOKBACK_DAYS))


def send_whatsapp():
	"""Every minute: drain due WhatsApp outreach (one job at a time per site; each send is claimed)."""
	if whatsapp.is_enabled():
		frappe.enqueue(
			"jewel_clienteling.services.whatsapp.drain",
			queue="short",
			job_id="jewel_clienteling:whatsapp-drain",
			deduplicate=True,
			max_seconds=50,
		)


def expire_points():
	"""Post the lapse of every lot whose day has come (before today's outreach is planned)."""
	if clienteling_settings.loyalty_enabled():
		loyalty.expire_points()


def daily():
	"""Lapse points, plan today's outreach (on the long queue), then re-age the profiles whose stage
	or tier changes today."""
	expire_points()
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
