"""The planner's producers for days worth remembering: her occasions' reminders (found by their
indexed next occurrence) and festival invitations for those who bought around the same festival
before."""

from collections.abc import Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, formatdate, getdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_cadence
from jewel_clienteling.domain import segments as segment_rules
from jewel_clienteling.services import facts, planner_queries, segments
from jewel_clienteling.services.planner_queries import pages, sales_between

DEFAULT_LEADS = (42, 7, 0)
# what a reminder needs of an Occasion row
OCCASION_COLUMNS = (
	"name",
	"customer",
	"occasion_type",
	"person_name",
	"relation",
	"year",
	"lead_days",
	"next_occurrence",
)
# the planner's read of a day's occasions, answered from this index alone and in its order: without
# it, each of the day's rows is a random read of the table (a second each 5 000 when not cached)
PLANNER_INDEX = "jc_planner_index"
PLANNER_INDEX_COLUMNS = (
	"next_occurrence",
	"name",
	"lead_days",
	"customer",
	"occasion_type",
	"relation",
	"year",
	"person_name",
)


def add_indexes() -> None:
	"""after_install and after_migrate (Frappe's add_index does nothing when the index is there)."""
	frappe.db.add_index("Occasion", list(PLANNER_INDEX_COLUMNS), index_name=PLANNER_INDEX)


def lead_settings(settings) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
	default = outreach_cadence.parse_days(settings.occasion_lead_days, DEFAULT_LEADS)
	by_type = {
		row.occasion_type: outreach_cadence.parse_days(row.lead_days, default)
		for row in settings.get("occasion_lead_windows") or []
	}
	return default, by_type


def occasion_fields(occasion) -> tuple:
	"""What a reminder needs of an Occasion row (the benchmark times this same read)."""
	return tuple(occasion[column] for column in OCCASION_COLUMNS)


def occasion_candidates(first: date, last: date, settings) -> Iterator[list[outreach_rules.Candidate]]:
	default, by_type = lead_settings(settings)
	occasion = DocType("Occasion")
	fields = occasion_fields(occasion)
	own_lead = occasion.lead_days.isnotnull() & (occasion.lead_days > 0)
	shown: dict[date, str] = {}
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
		for rows in pages(query, occasion.next_occurrence, occasion.name):
			page = []
			for row in rows:
				if lead in outreach_cadence.occasion_leads(None, by_type, row.occasion_type, default):
					page.append(_occasion_candidate(row, lead, shown))
			yield page
	# occasions with their own lead days are few: an index range on lead_days finds them
	query = frappe.qb.from_(occasion).select(*fields).where(own_lead)
	for rows in pages(query, occasion.lead_days, occasion.name):
		page = []
		for row in rows:
			leads = outreach_cadence.occasion_leads(cint(row.lead_days), by_type, row.occasion_type, default)
			for _due, lead in outreach_cadence.occasion_reminders(
				getdate(row.next_occurrence), leads, first, last
			):
				page.append(_occasion_candidate(row, lead, shown))
		yield page


def _occasion_candidate(row, lead: int, shown: dict[date, str]) -> outreach_rules.Candidate:
	"""`shown`: each occurrence's date as a message shows it, formatted once a run (a day's
	thousands of reminders fall on a handful of dates)."""
	occurrence = getdate(row.next_occurrence)
	if occurrence not in shown:
		shown[occurrence] = formatdate(occurrence, "d MMMM")
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
			"occasion_date": shown[occurrence],
			"days_ahead": lead,
			"years": outreach_cadence.years_since(cint(row.year) or None, occurrence),
		},
	)


def festival_dates() -> dict[str, list]:
	"""Every enabled festival's dates, with its invitation's and purchase window's days, by festival."""
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
	return by_festival


def festival_candidates(first: date, last: date) -> Iterator[list[outreach_rules.Candidate]]:
	"""Invite, before a festival, those who bought around the same festival in an earlier year."""
	for name, dates in festival_dates().items():
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
					invoice, query = sales_between(doctype, start, end)
					for page in pages(query, invoice.posting_date, invoice.name):
						customers.update(sale.customer for sale in page)
			ordered = sorted(customers)
			for start in range(0, len(ordered), planner_queries.PAGE):
				yield [
					_festival_candidate(customer, outreach_rules.CAMPAIGN, name, when, due)
					for customer in ordered[start : start + planner_queries.PAGE]
				]


def old_gold_offer_candidates(first: date, last: date) -> Iterator[list[outreach_rules.Candidate]]:
	"""Before a festival, as its invitation goes out, offer an exchange to those with old gold to
	exchange (the segment rule: exchanged before, or bought gold five or more years ago)."""
	rules = [segment_rules.parse_rule(segment_rules.OLD_GOLD, segment_rules.IS, segment_rules.YES)]
	for name, dates in festival_dates().items():
		for row in dates:
			when = getdate(row.festival_date)
			due = when - timedelta(days=cint(row.invite_days_before))
			if not first <= due <= last:
				continue
			customer, query = segments.customers(rules, today=due)
			for page in pages(query.select(customer.name), customer.name, customer.name):
				yield [
					_festival_candidate(row_.name, outreach_rules.OLD_GOLD_OFFER, name, when, due)
					for row_ in page
				]


def _festival_candidate(customer: str, reason: str, festival: str, when: date, due: date):
	"""A message about this year's festival on `when`, due `due`: once per customer, reason and year."""
	return outreach_rules.Candidate(
		customer=customer,
		reason=reason,
		reference_doctype="Festival",
		reference_name=festival,
		cycle=when.isoformat(),
		due_date=due,
		step=festival,
		event_date=when,
		context={"festival": festival, "festival_date": formatdate(when, "d MMMM")},
	)
