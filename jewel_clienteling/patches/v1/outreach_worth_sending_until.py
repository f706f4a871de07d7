"""Outreach already waiting when the app learned shelf lives gets its last day worth sending, read
from what each row recorded of the day it is about (the occasion's lead, the festival's or the
points' date in its cycle, the occasion of a walk-in). The daily expiry then withdraws what is stale."""

import json
from datetime import timedelta

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, getdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle


def event_of(row) -> object:
	"""The day an outreach planned before this patch is about, where its row tells it."""
	context = json.loads(row.context) if row.context else {}
	try:
		if row.reason == outreach_rules.OCCASION and context.get("days_ahead") is not None:
			return getdate(row.due_date) + timedelta(days=cint(context["days_ahead"]))
		if (row.reason == outreach_rules.CAMPAIGN and row.reference_doctype == "Festival") or (
			row.reason == outreach_rules.POINTS_EXPIRING
		):
			return getdate(row.cycle)
		if row.reason == outreach_rules.WALK_IN_FOLLOW_UP and context.get("purchase_occasion_date"):
			occasion = getdate(context["purchase_occasion_date"])
			visit = getdate(context.get("visit_date") or row.due_date)
			return occasion if occasion > visit else None
	except (ValueError, TypeError):
		return None
	return None


def execute():
	outreach = DocType("Client Outreach")
	rows = (
		frappe.qb.from_(outreach)
		.select(
			outreach.name,
			outreach.reason,
			outreach.step,
			outreach.due_date,
			outreach.reference_doctype,
			outreach.cycle,
			outreach.context,
		)
		.where(outreach.expires_on.isnull() & outreach.status.isin(lifecycle.OPEN))
		.run(as_dict=True)
	)
	for row in rows:
		expires = lifecycle.expires_on(row.reason, row.step or "", getdate(row.due_date), event_of(row))
		frappe.qb.update(outreach).set(outreach.expires_on, expires).where(outreach.name == row.name).run()
