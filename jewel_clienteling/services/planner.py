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
from frappe.query_builder.functions import Sum
from frappe.utils import cint, formatdate, getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_cadence
from jewel_clienteling.domain import repairs as repair_rules
from jewel_clienteling.domain.preferences import item_dimensions
from jewel_clienteling.services import facts, occasions
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import Queue

SETTINGS = "Clienteling Settings"
PAGE = 2000
DEFAULT_LEADS = (42, 7, 0)
ENGAGEMENT = "Engagement"
ASK_WEDDING_DATE = "Ask the wedding date"


def plan(today=None, after_page: Callable[[Queue], None] | None = None) -> dict:
	"""Plan every day from the one after the last planned day up to today, then move past occasions
	to their next date and remember the day. Safe to run twice, in parallel, or again after a crash."""
	today = getdate(today or nowdate())
	settings = clienteling_settings.get_settings()
	if not cint(settings.outreach_enabled):
		occasions.advance_past_occurrences(today)
		return {}
	last = frappe.db.get_single_value(SETTINGS, "last_planned_on")
	days = outreach_cadence.planning_days(getdate(last) if last else None, today)
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
	producers: list[Iterator[list[outreach_rules.Candidate]]] = []
	if cint(settings.occasion_reminders_enabled):
		producers.append(occasion_candidates(first, last, settings))
	if cint(settings.post_purchase_enabled):
		producers.append(post_purchase_candidates(first, last, settings))
	if cint(settings.ask_wedding_date_after_days) > 0:
		producers.append(ask_wedding_date_candidates(first, last, cint(settings.ask_wedding_date_after_days)))
	if cint(settings.review_after_days) > 0:
		producers.append(review_candidates(first, last, cint(settings.review_after_days)))
	if cint(settings.uncollected_days) > 0:
		producers.append(uncollected_repair_candidates(last, cint(settings.uncollected_days)))
	if cint(settings.repair_review_after_days) > 0:
		producers.append(repair_review_candidates(first, last, cint(settings.repair_review_after_days)))
	notice = cint(settings.points_expiring_notice_days)
	if clienteling_settings.loyalty_enabled(settings) and notice > 0:
		producers.append(points_expiring_candidates(first, last, notice))
	if cint(settings.festival_campaigns_enabled):
		producers.append(festival_candidates(first, last))
	if cint(settings.lapsed_enabled):
		producers.append(lapsed_candidates(first, last, clienteling_settings.lifecycle_rules(settings)))
	for producer in producers:
		for page in producer:
			queue.add(page)
			# a background job, a page per transaction: a rerun skips a committed page
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			if after_page:
				after_page(queue)
	return queue.totals()


# ------------------------------------------------------------------------------------------ occasions


def lead_settings(settings) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
	default = outreach_cadence.parse_days(settings.occasion_lead_days, DEFAULT_LEADS)
	by_type = {
		row.occasion_type: outreach_cadence.parse_days(row.lead_days, default)
		for row in settings.get("occasion_lead_windows") or []
	}
	return default, by_type


def occasion_fields(occasion) -> tuple:
	"""What a reminder needs of an Occasion row (the benchmark times this same read)."""
	return (
		occasion.name,
		occasion.customer,
		occasion.occasion_type,
		occasion.person_name,
		occasion.relation,
		occasion.year,
		occasion.lead_days,
		occasion.next_occurrence,
	)


def occasion_candidates(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	default, by_type = lead_settings(settings)
	occasion = DocType("Occasion")
	fields = occasion_fields(occasion)
	own_lead = occasion.lead_days.isnotnull() & (occasion.lead_days > 0)
	for lead in sorted({lead for leads in (default, *by_type.values()) for lead in leads}):
		query = (
			frappe.qb.from_(occasion)
			.select(*fields)
			.where(
				(occasion.next_occurrence >= first + timedelta(days=lead))
				& (occasion.next_occurrence <= last + timedelta(days=lead))
				& ~own_lead
			)
		)
		for rows in _pages(query, occasion.next_occurrence, occasion.name):
			page = []
			for row in rows:
				if lead in outreach_cadence.occasion_leads(None, by_type, row.occasion_type, default):
					page.append(_occasion_candidate(row, lead))
			yield page
	# occasions with their own lead days are few: an index range on lead_days finds them
	query = frappe.qb.from_(occasion).select(*fields).where(own_lead)
	for rows in _pages(query, occasion.lead_days, occasion.name):
		page = []
		for row in rows:
			leads = outreach_cadence.occasion_leads(cint(row.lead_days), by_type, row.occasion_type, default)
			for _due, lead in outreach_cadence.occasion_reminders(
				getdate(row.next_occurrence), leads, first, last
			):
				page.append(_occasion_candidate(row, lead))
		yield page


def _occasion_candidate(row, lead: int) -> outreach_rules.Candidate:
	occurrence = getdate(row.next_occurrence)
	return outreach_rules.Candidate(
		customer=row.customer,
		reason=outreach_rules.OCCASION,
		reference_doctype="Occasion",
		reference_name=row.name,
		cycle=outreach_cadence.occasion_cycle(occurrence, lead),
		due_date=occurrence - timedelta(days=lead),
		step=outreach_cadence.occasion_step(lead),
		event_date=occurrence,
		context={
			"occasion_type": row.occasion_type,
			"person_name": row.person_name or "",
			"relation": row.relation or "",
			"occasion_date": formatdate(occurrence, "d MMMM"),
			"days_ahead": lead,
			"years": outreach_cadence.years_since(cint(row.year) or None, occurrence),
		},
	)


# -------------------------------------------------------------------------------------- after a sale


def _sales_between(doctype: str, start: date, end: date, *extra_fields, where=None):
	invoice, query = facts.sales_from(doctype)
	condition = (
		(invoice.docstatus == 1)
		& (invoice.is_return == 0)
		& (invoice.posting_date >= start)
		& (invoice.posting_date <= end)
	)
	if where is not None:
		condition = condition & where(invoice)
	query = query.select(
		invoice.name, invoice.customer, invoice.posting_date, invoice.base_grand_total, *extra_fields
	).where(condition)
	return invoice, query


def _kept(doctype: str, rows: list) -> list:
	"""Drop sales she has since returned in full."""
	if not rows:
		return rows
	invoice = DocType(doctype)
	returned = dict(
		frappe.qb.from_(invoice)
		.select(invoice.return_against, Sum(invoice.base_grand_total))
		.where(
			(invoice.docstatus == 1)
			& (invoice.is_return == 1)
			& invoice.return_against.isin([row.name for row in rows])
		)
		.groupby(invoice.return_against)
		.run()
	)
	return [row for row in rows if (row.base_grand_total or 0) + (returned.get(row.name) or 0) > 0]


def post_purchase_candidates(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	steps = outreach_cadence.cadence(
		cint(settings.check_in_days),
		cint(settings.care_days),
		cint(settings.new_arrivals_days),
		cint(settings.purchase_anniversary_days),
	)
	sources = clienteling_settings.preference_sources(settings)
	for step, days in steps:
		for doctype in facts.SALE_DOCTYPES:
			invoice, query = _sales_between(
				doctype, first - timedelta(days=days), last - timedelta(days=days)
			)
			for rows in _pages(query, invoice.posting_date, invoice.name):
				rows = _kept(doctype, rows)
				items = _items_of(doctype, rows, sources)
				yield [
					outreach_rules.Candidate(
						customer=row.customer,
						reason=outreach_rules.POST_PURCHASE,
						reference_doctype=doctype,
						reference_name=row.name,
						cycle=step,
						due_date=getdate(row.posting_date) + timedelta(days=days),
						step=step,
						context={
							"purchase_date": getdate(row.posting_date),
							"items": items[row.name]["names"],
							"care_topic": outreach_cadence.care_topic(
								items[row.name]["metals"], items[row.name]["stones"]
							),
						},
					)
					for row in rows
				]


def _items_of(doctype: str, rows: list, sources) -> dict[str, dict]:
	"""What each sale was: item names, and the metals and stones the preference sources read."""
	found = {row.name: {"names": [], "metals": [], "stones": []} for row in rows}
	if not rows:
		return found
	line = DocType(f"{doctype} Item")
	lines = (
		frappe.qb.from_(line)
		.select(line.parent, line.item_code, line.item_name)
		.where(line.parent.isin(list(found)) & (line.parenttype == doctype))
		.orderby(line.idx)
		.run(as_dict=True)
	)
	item_facts = facts.item_facts({row.item_code for row in lines}, sources)
	for row in lines:
		sale = found[row.parent]
		if row.item_name and row.item_name not in sale["names"]:
			sale["names"].append(row.item_name)
		dimensions = (
			item_dimensions(item_facts[row.item_code], sources) if row.item_code in item_facts else {}
		)
		if dimensions.get("Metal"):
			sale["metals"].append(dimensions["Metal"])
		if dimensions.get("Stone"):
			sale["stones"].append(dimensions["Stone"])
	return found


def review_candidates(first: date, last: date, days: int) -> Iterator[list[outreach_rules.Candidate]]:
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = _sales_between(doctype, first - timedelta(days=days), last - timedelta(days=days))
		for rows in _pages(query, invoice.posting_date, invoice.name):
			yield [
				outreach_rules.Candidate(
					customer=row.customer,
					reason=outreach_rules.REVIEW_REQUEST,
					reference_doctype=doctype,
					reference_name=row.name,
					cycle="review",
					due_date=getdate(row.posting_date) + timedelta(days=days),
					step=outreach_rules.REVIEW_REQUEST,
					context={"purchase_date": getdate(row.posting_date)},
				)
				for row in _kept(doctype, rows)
			]


def ask_wedding_date_candidates(
	first: date, last: date, days: int
) -> Iterator[list[outreach_rules.Candidate]]:
	"""An engagement sale means a wedding is coming: the associate asks for its date, unless we know it."""
	occasion = DocType("Occasion")
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = _sales_between(
			doctype,
			first - timedelta(days=days),
			last - timedelta(days=days),
			where=lambda invoice: invoice.jc_purchase_occasion == ENGAGEMENT,
		)
		for rows in _pages(query, invoice.posting_date, invoice.name):
			customers = list({row.customer for row in rows})
			known = {
				row[0]
				for row in frappe.qb.from_(occasion)
				.select(occasion.customer)
				.where(occasion.customer.isin(customers or [""]) & (occasion.occasion_type == "Wedding"))
				.run()
			}
			yield [
				outreach_rules.Candidate(
					customer=row.customer,
					reason=outreach_rules.OCCASION,
					reference_doctype=doctype,
					reference_name=row.name,
					cycle="wedding-date",
					due_date=getdate(row.posting_date) + timedelta(days=days),
					step=ASK_WEDDING_DATE,
					context={"occasion_type": ENGAGEMENT, "purchase_date": getdate(row.posting_date)},
				)
				for row in _kept(doctype, rows)
				if row.customer not in known
			]


# ------------------------------------------------------------------------------------------ repairs


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
	for rows in _pages(query, customer.jc_points_next_expiry, customer.name):
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
	for rows in _pages(query, ticket.ready_on, ticket.name):
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
	for rows in _pages(query, ticket.delivered_on, ticket.name):
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


# ------------------------------------------------------------------------------- festivals and lapses


def festival_candidates(first: date, last: date) -> Iterator[list[outreach_rules.Candidate]]:
	"""Invite, before a festival, those who bought around the same festival in an earlier year."""
	festival = DocType("Festival")
	festival_date = DocType("Festival Date")
	rows = (
		frappe.qb.from_(festival)
		.join(festival_date)
		.on(festival_date.parent == festival.name)
		.select(
			festival.name,
			festival.invite_days_before,
			festival.bought_days_before,
			festival.bought_days_after,
			festival_date.festival_date,
		)
		.where((festival.enabled == 1) & (festival_date.parenttype == "Festival"))
		.run(as_dict=True)
	)
	by_festival: dict[str, list] = {}
	for row in rows:
		by_festival.setdefault(row.name, []).append(row)
	for name, dates in by_festival.items():
		for row in dates:
			when = getdate(row.festival_date)
			due = when - timedelta(days=cint(row.invite_days_before))
			if not first <= due <= last:
				continue
			earlier = [getdate(other.festival_date) for other in dates if getdate(other.festival_date) < when]
			customers: set[str] = set()
			for past in earlier:
				for doctype in facts.SALE_DOCTYPES:
					start, end = outreach_cadence.bought_around(
						past, cint(row.bought_days_before), cint(row.bought_days_after)
					)
					invoice, query = _sales_between(doctype, start, end)
					for page in _pages(query, invoice.posting_date, invoice.name):
						customers.update(sale.customer for sale in page)
			ordered = sorted(customers)
			for start in range(0, len(ordered), PAGE):
				yield [
					outreach_rules.Candidate(
						customer=customer,
						reason=outreach_rules.CAMPAIGN,
						reference_doctype="Festival",
						reference_name=name,
						cycle=when.isoformat(),
						due_date=due,
						step=name,
						event_date=when,
						context={"festival": name, "festival_date": formatdate(when, "d MMMM")},
					)
					for customer in ordered[start : start + PAGE]
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
	for rows in _pages(query, customer.jc_last_purchase_date, customer.name):
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


# ---------------------------------------------------------------------------------------- paging


def _pages(query, order_field, name_field, size: int | None = None) -> Iterator[list]:
	"""Keyset pagination on (order_field, name): each page is an index range read, however deep."""
	size = size or PAGE
	after = None
	while True:
		page_query = query.orderby(order_field).orderby(name_field).limit(size)
		if after is not None:
			value, name = after
			page_query = page_query.where(
				(order_field > value) | ((order_field == value) & (name_field > name))
			)
		rows = page_query.run(as_dict=True)
		if not rows:
			return
		yield rows
		if len(rows) < size:
			return
		last = rows[-1]
		after = (last[order_field.name], last[name_field.name])
