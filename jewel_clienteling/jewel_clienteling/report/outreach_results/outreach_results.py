# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

"""Does outreach bring sales? Sent, replied and converted outreach, and the revenue of the sales it
brought, by reason or by associate, for outreach due in a period; and what never went out: withdrawn
as stale (Expired) or skipped, each row with its reason in the Client Outreach list."""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import IfNull, Sum
from frappe.utils import flt, getdate

from jewel_clienteling.domain import outreach_lifecycle as lifecycle


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.from_date or not filters.to_date:
		frappe.throw(_("Choose the period."))
	if getdate(filters.from_date) > getdate(filters.to_date):
		frappe.throw(_("The period ends before it starts."))
	by_associate = filters.group_by == "Associate"
	return columns(by_associate), data(filters, by_associate)


def columns(by_associate: bool) -> list[dict]:
	group = (
		{"fieldname": "group", "label": _("Associate"), "fieldtype": "Link", "options": "User", "width": 220}
		if by_associate
		else {"fieldname": "group", "label": _("Reason"), "fieldtype": "Data", "width": 180}
	)
	return [
		group,
		{"fieldname": "planned", "label": _("Planned"), "fieldtype": "Int", "width": 100},
		{"fieldname": "sent", "label": _("Sent"), "fieldtype": "Int", "width": 100},
		{"fieldname": "replied", "label": _("Replied"), "fieldtype": "Int", "width": 100},
		{"fieldname": "converted", "label": _("Converted"), "fieldtype": "Int", "width": 110},
		{"fieldname": "conversion", "label": _("Conversion %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 150},
		{"fieldname": "expired", "label": _("Expired Unsent"), "fieldtype": "Int", "width": 130},
		{"fieldname": "skipped", "label": _("Skipped"), "fieldtype": "Int", "width": 100},
	]


def data(filters, by_associate: bool) -> list[dict]:
	frappe.has_permission("Client Outreach", "report", throw=True)
	outreach = DocType("Client Outreach")
	group = IfNull(outreach.assigned_to, "") if by_associate else outreach.reason
	reached = outreach.status.isin(lifecycle.REACHED)
	planned = outreach.status != lifecycle.SKIPPED
	rows = (
		frappe.qb.from_(outreach)
		.select(
			group.as_("group"),
			Sum(Case().when(planned, 1).else_(0)).as_("planned"),
			Sum(Case().when(reached, 1).else_(0)).as_("sent"),
			Sum(Case().when(outreach.status == lifecycle.REPLIED, 1).else_(0)).as_("replied"),
			Sum(Case().when(outreach.attributed_sale.isnotnull(), 1).else_(0)).as_("converted"),
			Sum(IfNull(outreach.attributed_amount, 0)).as_("revenue"),
			Sum(Case().when(outreach.status == lifecycle.EXPIRED, 1).else_(0)).as_("expired"),
			Sum(Case().when(outreach.status == lifecycle.SKIPPED, 1).else_(0)).as_("skipped"),
		)
		.where(
			(outreach.due_date >= getdate(filters.from_date))
			& (outreach.due_date <= getdate(filters.to_date))
		)
		.groupby(group)
		.orderby(group)
		.run(as_dict=True)
	)
	for row in rows:
		for figure in ("planned", "sent", "replied", "converted", "expired", "skipped"):
			row[figure] = int(row[figure] or 0)
		row.conversion = 100.0 * row.converted / row.sent if row.sent else 0.0
		row.revenue = flt(row.revenue)
		if not by_associate:
			row.group = _(row.group)
	return rows
