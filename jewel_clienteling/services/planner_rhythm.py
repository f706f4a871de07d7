"""The daily planner's "stay in touch": a valued customer (domain/rhythm.py) the store has not
written to, nor seen at the counter, for the settings' days gets one warm note, never an offer and
never sooner than her own rhythm allows. Once per silence: the cycle is the day of her last touch,
so the dedupe key (unique in the table) plans it once however often the planner runs, and the next
silence starts from the note itself.

A silence that reached its length before the first day planned (the store's past just learnt, or
the rule just switched on) is caught up as lapsed customers are (services/planner_backlog.py): at
most the catching-up allowance a day per associate, the rest on the days after."""

from collections.abc import Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max
from frappe.utils import cint, getdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services.planner_backlog import allowance_left
from jewel_clienteling.services.planner_queries import pages


def stay_in_touch_candidates(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	"""Valued customers whose last purchase is at least the settings' days before the last planned
	day (indexed), less those the store has written to since: a note each, due when the silence
	reached its length (the first planned day, when it did so before: a rule just switched on)."""
	days = cint(settings.stay_in_touch_days)
	cap = cint(settings.frequency_cap_days)
	customer = DocType("Customer")
	query = (
		frappe.qb.from_(customer)
		.select(
			customer.name,
			customer.jc_last_purchase_date,
			customer.jc_contact_rhythm,
			customer.jc_preferred_associate,
			customer.jc_last_served_by,
		)
		.where(
			(customer.jc_last_purchase_date <= last - timedelta(days=days))
			& (customer.disabled == 0)
			& customer.jc_erased_on.isnull()
			& (
				customer.jc_lifecycle_stage.isin(rhythm.VALUED_STAGES)
				| customer.jc_rfm_segment.isin(rhythm.VALUED_SEGMENTS)
			)
		)
	)
	per_associate = cint(settings.lapsed_backlog_per_associate)
	manager = settings.store_manager or None
	left = allowance_left(last, per_associate, outreach_rules.STAY_IN_TOUCH)
	for rows in pages(query, customer.jc_last_purchase_date, customer.name):
		names = [row.name for row in rows]
		written = _last_written(names, last)
		with_category = _with_category(names)
		page = []
		for row in rows:
			touched = rhythm.last_touch(written.get(row.name), getdate(row.jc_last_purchase_date))
			due = rhythm.stay_in_touch_due(touched, days, row.jc_contact_rhythm, cap)
			if due > last:
				continue
			if due < first:  # overdue before the planner came to it: caught up a few a day
				associate = outreach_rules.assignee(
					row.jc_preferred_associate, row.jc_last_served_by, manager
				)
				if left.get(associate or "", per_associate) <= 0:
					continue
				left[associate or ""] = left.get(associate or "", per_associate) - 1
				due = last
			kind = rhythm.touch_kind(due, row.name in with_category)
			page.append(
				outreach_rules.Candidate(
					customer=row.name,
					reason=outreach_rules.STAY_IN_TOUCH,
					reference_doctype="Customer",
					reference_name=row.name,
					cycle=touched.isoformat(),
					due_date=due,
					step=kind,
					context={"last_purchase_date": getdate(row.jc_last_purchase_date)},
				)
			)
		yield page


def _last_written(customers: list[str], until: date) -> dict[str, date]:
	"""The due day of the last marketing message each was sent or has waiting, up to `until`."""
	if not customers:
		return {}
	outreach = DocType("Client Outreach")
	found: dict[str, date] = {}
	for name, day in (
		frappe.qb.from_(outreach)
		.select(outreach.customer, Max(outreach.due_date))
		.where(
			outreach.customer.isin(customers)
			& (outreach.purpose == outreach_rules.MARKETING)
			& outreach.status.notin(lifecycle.NOT_COUNTED)
			& (outreach.due_date <= until)
		)
		.groupby(outreach.customer)
		.run()
	):
		found[name] = getdate(day)
	return found


def _with_category(customers: list[str]) -> set[str]:
	"""Those whose category the store knows (stated or learnt): "new pieces in her category"."""
	if not customers:
		return set()
	preference = DocType("Preference")
	return set(
		frappe.qb.from_(preference)
		.select(preference.customer)
		.where(preference.customer.isin(customers) & (preference.dimension == "Category"))
		.distinct()
		.run(pluck=True)
	)
