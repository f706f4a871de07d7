"""Scheduler entry points. Each is idempotent: it works from facts and current state, so running it
twice, in parallel, or after a missed day gives the same result."""

import frappe
from frappe.utils import add_to_date, cint, getdate, now_datetime, nowdate

from jewel_clienteling.services import (
	appointments,
	channels,
	history,
	impact_upkeep,
	inbox,
	loyalty,
	outreach_lifecycle,
	shared_inbound,
	sync,
	webhook_intake,
	whatsapp,
)
from jewel_clienteling.services import settings as clienteling_settings

OUTREACH_QUEUE = "jc_outreach"


def sweep_missed_sales():
	"""Every 10 minutes: refresh customers whose after-sale job never ran or failed, and post the
	points a sale's hook could not."""
	sync.sweep()
	if clienteling_settings.loyalty_enabled():
		loyalty.sweep(add_to_date(now_datetime(), days=-sync.SWEEP_LOOKBACK_DAYS))


def keep_impact():
	"""Every 10 minutes: bring the Clienteling Impact report's visits and monthly counts up to date
	with the invoices and messages, learning the store's past first."""
	if clienteling_settings.is_enabled():
		impact_upkeep.keep_up()


def recount_impact():
	"""Daily: count every month of the Clienteling Impact report anew (in a long job of its own)."""
	if clienteling_settings.is_enabled():
		impact_upkeep.enqueue_recount()


def resume_learning_history():
	"""Every 10 minutes: queue again a learning of past sales that was killed or whose job was lost."""
	history.resume_if_stalled()


def send_outreach():
	"""Every minute: drain due outreach of the channels that send by itself. WhatsApp runs as many
	jobs as the settings' parallel senders (they share one pace through Redis); Email and SMS one.
	Each job has a fixed id, so a job still running is not queued twice; each row is claimed."""
	queue = outreach_queue()
	if whatsapp.is_enabled():
		for sender in range(max(cint(whatsapp.settings().senders) or 2, 1)):
			frappe.enqueue(
				"jewel_clienteling.services.whatsapp.drain",
				queue=queue,
				job_id=f"jewel_clienteling:whatsapp-drain:{sender}",
				deduplicate=True,
				max_seconds=50,
			)
	if channels.email_is_automatic() or channels.sms_is_automatic():
		frappe.enqueue(
			"jewel_clienteling.services.channels.drain_others",
			queue=queue,
			job_id="jewel_clienteling:email-sms-drain",
			deduplicate=True,
			max_seconds=50,
		)


def sweep_appointments():
	"""Every 15 minutes: appointment reminders fall due; a booking not closed after its hour gets a
	follow-up. Frappe's scheduler commits when the job returns."""
	if clienteling_settings.is_enabled():
		appointments.sweep()


def outreach_falls_due():
	"""Hourly: what was planned for a later day and whose day has come becomes due (her consent
	asked again), so a sender or the associate's Today queue takes it."""
	if cint(clienteling_settings.get_settings().outreach_enabled):
		outreach_lifecycle.make_due()


def expire_stale_outreach():
	"""Daily: what waited past its shelf life is withdrawn as Expired, with the reason, never sent."""
	outreach_lifecycle.expire()


def sweep_webhook_events():
	"""Every minute: apply the webhook events no job took (a lost job, a failure whose wait is over),
	and forget processed ones after a week."""
	webhook_intake.sweep()


def sweep_shared_number():
	"""Every 10 minutes, when the store shares frappe_whatsapp's number: hand the webhook intake what
	frappe_whatsapp kept that the intake does not hold yet."""
	shared_inbound.sweep()


def escalate_unanswered():
	"""Every 10 minutes: a WhatsApp message nobody answered for the settings' hours becomes a to-do for
	the store's manager."""
	inbox.escalate()


def outreach_queue() -> str:
	"""The dedicated `jc_outreach` queue when the bench runs workers for it (common_site_config
	`workers`), so sending never waits behind other jobs; else Frappe's short queue."""
	return OUTREACH_QUEUE if OUTREACH_QUEUE in (frappe.conf.get("workers") or {}) else "short"


def expire_points():
	"""Post the lapse of every lot whose day has come (before today's outreach is planned)."""
	if clienteling_settings.loyalty_enabled():
		loyalty.expire_points()


def daily():
	"""Lapse points, plan today's outreach (on the long queue), then re-age the profiles whose stage
	or tier changes today. Each page of due customers commits itself; Frappe's scheduler commits the rest
	when the job returns."""
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
		# after a store's history is learnt thousands come due on the same day: learn them a page
		# at a time, as the history job does (one customer's trouble holds up nobody else)
		for start in range(0, len(due), history.PAGE_SIZE):
			page = due[start : start + history.PAGE_SIZE]
			tried.update(page)
			history.learn_page(page, getdate(nowdate()))
			# scheduler job, a page at a time
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
