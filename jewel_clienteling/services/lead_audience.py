"""Leads in segments and campaigns. A segment holds the open leads that answer every one of its rules
(domain/leads.LEAD_ANSWERS says which rules a lead can answer: consent, store, the category and
budget she asked about); its preview counts them beside the customers. A campaign that includes leads
gives each lead in its audience who recorded her WhatsApp consent to its owner, as a ToDo on the
campaign's day (and as the lead's next step when it has none), to write to her by hand: a lead has no
customer record for the queue to send to, and no consent unless it was recorded."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, IfNull
from frappe.utils import cint, getdate

from jewel_clienteling.domain import leads as rules
from jewel_clienteling.domain import segments as seg
from jewel_clienteling.services import segments, store_access

LEAD = "Lead"
PREVIEW_ROWS = 20
# a campaign filter that asks about a customer's purchases or profile: a lead has none
CUSTOMER_FILTERS = ("lifecycle_stage", "loyalty_tier", "min_lifetime_value")
# a customer group or territory narrows the campaign to customers, unless it is its tree's root
# ("All Territories", which the form fills in by default, is everyone)
CUSTOMER_TREES = (("customer_group", "Customer Group"), ("territory", "Territory"))


def open_leads(segment_rules: list[seg.Rule] | None, stores: list[str] | None = None):
	"""(lead, query) over the open leads answering every rule (all open leads with no rules), or None
	when a rule asks what a lead cannot answer."""
	lead = DocType(LEAD)
	query = frappe.qb.from_(lead).where(
		IfNull(lead.jc_stage, rules.STAGE_NEW).notin(sorted(rules.CLOSED_STAGES))
	)
	for rule in segment_rules or []:
		field = rules.lead_field(rule.criterion, rule.qualifiers)
		if not field:
			return None
		if rule.flag is not None:
			query = query.where(IfNull(lead[field], 0) == (1 if rule.flag else 0))
		elif rule.operator == seg.IS:
			query = query.where(lead[field].isin(list(rule.names)))
		else:
			query = query.where(lead[field].isnull() | lead[field].notin(list(rule.names)))
	if stores is not None:
		query = query.where(store_access.lead_criterion(lead, stores))
	return lead, query


def preview(segment_rules: list[seg.Rule]) -> dict:
	"""How many open leads the segment holds among those the user may see, and the first of them."""
	found = open_leads(segment_rules, store_access.allowed_stores()) if segment_rules else None
	if not found:
		return {"lead_count": 0, "lead_rows": []}
	lead, query = found
	total = cint(query.select(Count("*")).run()[0][0])
	rows = (
		query.select(lead.name, lead.lead_name, lead.jc_stage, lead.jc_whatsapp_opt_in)
		.orderby(lead.name)
		.limit(PREVIEW_ROWS)
		.run(as_dict=True)
	)
	return {"lead_count": total, "lead_rows": rows}


def campaign_leads(doc) -> list[frappe._dict]:
	"""The open leads in a campaign's audience: none unless it includes leads, or when it filters on
	what only a customer has."""
	if not cint(doc.get("include_leads")) or any(doc.get(field) for field in CUSTOMER_FILTERS):
		return []
	for field, tree in CUSTOMER_TREES:
		if doc.get(field) and frappe.db.get_value(tree, doc.get(field), f"parent_{frappe.scrub(tree)}"):
			return []
	found = open_leads(segments.segment_rules(doc.segment) if doc.get("segment") else None)
	if not found:
		return []
	lead, query = found
	return query.select(
		lead.name,
		lead.lead_owner,
		lead.jc_whatsapp_opt_in,
		lead.unsubscribed,
		lead.jc_next_action,
		lead.jc_next_action_on,
	).run(as_dict=True)


def plan_campaign(doc) -> dict:
	"""A ToDo for each lead of the campaign's audience who may be written to, for her owner on the
	campaign's day; once per lead however often it runs. Returns how many were planned and skipped."""
	planned = skipped = 0
	what = todo_text(doc)
	for row in campaign_leads(doc):
		if not rules.may_message(cint(row.jc_whatsapp_opt_in), cint(row.unsubscribed)):
			skipped += 1
			continue
		owner = row.lead_owner or doc.owner
		if frappe.db.exists(
			"ToDo", {"reference_type": LEAD, "reference_name": row.name, "description": what}
		):
			continue
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": owner,
				"reference_type": LEAD,
				"reference_name": row.name,
				"description": what,
				"date": getdate(doc.send_on),
				"assigned_by": doc.owner,
			}
		).insert(ignore_permissions=True)
		if not row.jc_next_action_on:
			frappe.db.set_value(
				LEAD, row.name, {"jc_next_action": what, "jc_next_action_on": getdate(doc.send_on)}
			)
		planned += 1
	return {"leads_planned": planned, "leads_skipped": skipped}


def withdraw(doc) -> int:
	"""The campaign stopped: its ToDos for leads still open are cancelled."""
	todo = DocType("ToDo")
	waiting = (todo.reference_type == LEAD) & (todo.description == todo_text(doc)) & (todo.status == "Open")
	count = cint(frappe.qb.from_(todo).select(Count("*")).where(waiting).run()[0][0])
	frappe.qb.update(todo).set(todo.status, "Cancelled").where(waiting).run()
	return count


def todo_text(doc) -> str:
	return _("Campaign {0}: write to this lead").format(doc.campaign_name)
