"""The planner's producers after a sale: the post-purchase follow-ups (with the care advice), the
review request, and asking the wedding date after an engagement sale. Each reads the sales of the
days `days` before the planned ones by their indexed posting date."""

from collections.abc import Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, getdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_cadence
from jewel_clienteling.domain.preferences import item_dimensions
from jewel_clienteling.services import facts
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.planner_queries import kept, pages, sales_between

ENGAGEMENT = "Engagement"
ASK_WEDDING_DATE = "Ask the wedding date"


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
			invoice, query = sales_between(doctype, first - timedelta(days=days), last - timedelta(days=days))
			for rows in pages(query, invoice.posting_date, invoice.name):
				rows = kept(doctype, rows)
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
		invoice, query = sales_between(doctype, first - timedelta(days=days), last - timedelta(days=days))
		for rows in pages(query, invoice.posting_date, invoice.name):
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
				for row in kept(doctype, rows)
			]


def ask_wedding_date_candidates(
	first: date, last: date, days: int
) -> Iterator[list[outreach_rules.Candidate]]:
	"""An engagement sale means a wedding is coming: the associate asks for its date, unless we know it."""
	occasion = DocType("Occasion")
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = sales_between(
			doctype,
			first - timedelta(days=days),
			last - timedelta(days=days),
			where=lambda invoice: invoice.jc_purchase_occasion == ENGAGEMENT,
		)
		for rows in pages(query, invoice.posting_date, invoice.name):
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
				for row in kept(doctype, rows)
				if row.customer not in known
			]
