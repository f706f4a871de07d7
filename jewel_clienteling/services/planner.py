"""The daily planner: every reason to contact a customer that falls due, found with indexed range
queries over the days not yet planned, handed to the queue in pages.

Its cost follows what is due, not how many customers there are: occasions are found by their
indexed next occurrence, sales by their indexed posting date, lapses by the indexed last purchase.
A missed day is caught up (the window starts the day after the last planned one); a run killed
halfway is simply run again, because every outreach's dedupe key is unique.
"""

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, formatdate, getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_cadence
from jewel_clienteling.domain import repairs as repair_rules
from jewel_clienteling.services import occasions, planner_backlog
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import Queue
from jewel_clienteling.services.planner_occasions import (
	festival_candidates,
	occasion_candidates,
	old_gold_offer_candidates,
)
from jewel_clienteling.services.planner_queries import pages
from jewel_clienteling.services.planner_rhythm import stay_in_touch_candidates
from jewel_clienteling.services.planner_sales import (
	ask_wedding_date_candidates,
	post_purchase_candidates,
	review_candidates,
)

SETTINGS = "Clienteling Settings"


def plan(today=None, after_page: Callable[[Queue], None] | None = None) -> dict:
	"""Plan every day from the one after the last planned day up to today, then move past occasions
	to their next date and remember the day. Safe to run twice, in parallel, or again after a crash."""
	today = getdate(today or nowdate())
	settings = clienteling_settings.get_settings()
	if not cint(settings.outreach_enabled):
		occasions.advance_past_occurrences(today)
		return {}
	last = clienteling_settings.stored_date("last_planned_on")
	days = outreach_cadence.planning_days(last, today)
	if days:
		planner_backlog.start_if_first_run(days[0], ever_planned=bool(last), settings=settings)
	result = plan_days(days[0], days[-1], today, after_page) if days else {}
	occasions.advance_past_occurrences(today)
	frappe.db.set_single_value(SETTINGS, "last_planned_on", today)
	# the job's last transaction: the occasions moved on and the day planned, together
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	return result


def plan_days(first: date, last: date, today: date, after_page=None) -> dict:
	"""Plan what falls due from `first` to `last` (inclusive), committing page by page. The reasons
	go in order of importance so the frequency cap rarely has to withdraw anything."""
	first, last, today = getdate(first), getdate(last), getdate(today)
	queue = Queue(today=today)
	settings = queue.settings
	from jewel_clienteling.services import feedback, referrals  # they page with the planner's helpers

	producers: list[Iterator[list[outreach_rules.Candidate]]] = []
	if cint(settings.occasion_reminders_enabled):
		producers.append(occasion_candidates(first, last, settings))
	if cint(settings.post_purchase_enabled):
		producers.append(post_purchase_candidates(first, last, settings))
	if cint(settings.ask_wedding_date_after_days) > 0:
		producers.append(ask_wedding_date_candidates(first, last, cint(settings.ask_wedding_date_after_days)))
	if cint(settings.review_after_days) > 0:
		producers.append(
			feedback.with_links(review_candidates(first, last, cint(settings.review_after_days)))
		)
	if cint(settings.referral_ask_after_days) > 0:
		producers.append(
			referrals.ask_candidates(first, last, cint(settings.referral_ask_after_days), settings)
		)
	producers.append(referrals.thanks_candidates(first, last, settings))
	if cint(settings.uncollected_days) > 0:
		producers.append(uncollected_repair_candidates(last, cint(settings.uncollected_days)))
	if cint(settings.repair_review_after_days) > 0:
		producers.append(
			feedback.with_links(
				repair_review_candidates(first, last, cint(settings.repair_review_after_days))
			)
		)
	notice = cint(settings.points_expiring_notice_days)
	if clienteling_settings.loyalty_enabled(settings) and notice > 0:
		producers.append(points_expiring_candidates(first, last, notice))
	if cint(settings.festival_campaigns_enabled):
		producers.append(festival_candidates(first, last))
	if cint(settings.old_gold_offers_enabled):
		producers.append(old_gold_offer_candidates(first, last))
	if cint(settings.get("stay_in_touch_days")) > 0:
		producers.append(stay_in_touch_candidates(first, last, settings))
	if cint(settings.lapsed_enabled):
		lifecycle = clienteling_settings.lifecycle_rules(settings)
		producers.append(lapsed_candidates(first, last, lifecycle))
		# last: those lapsed before the app arrived, a few a day per associate
		producers.append(planner_backlog.candidates(last, settings, lifecycle))
	for producer in producers:
		for page in producer:
			queue.add(page)
			# a background job, a page per transaction: a rerun skips a committed page
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			if after_page:
				after_page(queue)
	return queue.totals()


# --------------------------------------------------------------------------- repairs, points and lapses


def points_expiring_candidates(
	first: date, last: date, notice: int
) -> Iterator[list[outreach_rules.Candidate]]:
	"""Points that lapse `notice` days from the planned day: tell her once per lapse date."""
	customer = DocType("Customer")
	query = (
		frappe.qb.from_(customer)
		.select(customer.name, customer.jc_points_next_expiry, customer.jc_points_expiring)
		.where(
			(customer.jc_points_next_expiry >= first + timedelta(days=notice))
			& (customer.jc_points_next_expiry <= last + timedelta(days=notice))
			& (customer.jc_points_expiring > 0)
		)
	)
	for rows in pages(query, customer.jc_points_next_expiry, customer.name):
		yield [
			outreach_rules.Candidate(
				customer=row.name,
				reason=outreach_rules.POINTS_EXPIRING,
				reference_doctype="Customer",
				reference_name=row.name,
				cycle=str(row.jc_points_next_expiry),
				due_date=getdate(row.jc_points_next_expiry) - timedelta(days=notice),
				step=outreach_rules.POINTS_EXPIRING,
				event_date=getdate(row.jc_points_next_expiry),
				context={
					"points": row.jc_points_expiring,
					"expiry_date": formatdate(row.jc_points_next_expiry),
				},
			)
			for row in rows
		]


def uncollected_repair_candidates(last: date, days: int) -> Iterator[list[outreach_rules.Candidate]]:
	"""A piece ready for `days` days and not collected: a reminder every `days` days it keeps waiting."""
	ticket = DocType("Repair Ticket")
	query = (
		frappe.qb.from_(ticket)
		.select(ticket.name, ticket.customer, ticket.ready_on, ticket.status, ticket.piece_description)
		.where(
			(ticket.docstatus == 1)
			& (ticket.status == repair_rules.STATUS_READY)
			& (ticket.ready_on <= last - timedelta(days=days))
		)
	)
	for rows in pages(query, ticket.ready_on, ticket.name):
		page = []
		for row in rows:
			ready_on = getdate(row.ready_on)
			cycle = repair_rules.uncollected_reminder_cycle(ready_on, row.status, last, days)
			if cycle:
				page.append(
					outreach_rules.Candidate(
						customer=row.customer,
						reason=outreach_rules.REPAIR_UNCOLLECTED,
						reference_doctype="Repair Ticket",
						reference_name=row.name,
						cycle=str(cycle),
						due_date=ready_on + timedelta(days=cycle * days),
						step=outreach_rules.REPAIR_UNCOLLECTED,
						context={"piece": row.piece_description},
					)
				)
		yield page


def repair_review_candidates(first: date, last: date, days: int) -> Iterator[list[outreach_rules.Candidate]]:
	ticket = DocType("Repair Ticket")
	delivered_from, delivered_to = repair_rules.review_requests_delivered(first, last, days)
	query = (
		frappe.qb.from_(ticket)
		.select(ticket.name, ticket.customer, ticket.delivered_on, ticket.piece_description)
		.where(
			(ticket.docstatus == 1)
			& (ticket.status == repair_rules.STATUS_DELIVERED)
			& (ticket.delivered_on >= delivered_from)
			& (ticket.delivered_on <= delivered_to)
		)
	)
	for rows in pages(query, ticket.delivered_on, ticket.name):
		yield [
			outreach_rules.Candidate(
				customer=row.customer,
				reason=outreach_rules.REVIEW_REQUEST,
				reference_doctype="Repair Ticket",
				reference_name=row.name,
				cycle="review",
				due_date=repair_rules.review_request_day(getdate(row.delivered_on), days),
				step="After a repair",
				context={"piece": row.piece_description},
			)
			for row in rows
		]


def lapsed_candidates(first: date, last: date, lifecycle) -> Iterator[list[outreach_rules.Candidate]]:
	"""Once per lapse: the day her last purchase becomes `lapsed_days` old (indexed last purchase)."""
	days = lifecycle.lapsed_days
	customer = DocType("Customer")
	query = (
		frappe.qb.from_(customer)
		.select(customer.name, customer.jc_last_purchase_date)
		.where(
			(customer.jc_last_purchase_date >= first - timedelta(days=days))
			& (customer.jc_last_purchase_date <= last - timedelta(days=days))
			& (customer.disabled == 0)
		)
	)
	for rows in pages(query, customer.jc_last_purchase_date, customer.name):
		yield [
			outreach_rules.Candidate(
				customer=row.name,
				reason=outreach_rules.LAPSED,
				reference_doctype="Customer",
				reference_name=row.name,
				cycle=outreach_cadence.lapse_cycle(getdate(row.jc_last_purchase_date)),
				due_date=outreach_cadence.lapse_due(getdate(row.jc_last_purchase_date), days),
				step=outreach_rules.LAPSED,
				context={"last_purchase_date": getdate(row.jc_last_purchase_date)},
			)
			for row in rows
		]
