# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

"""Repairs that need a phone call: promised and not done (overdue), or done and not collected."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from jewel_clienteling.domain import repairs


def execute(filters=None):
	filters = frappe._dict(filters or {})
	today = getdate(nowdate())
	uncollected_days = cint(frappe.db.get_single_value("Clienteling Settings", "uncollected_days"))
	tickets = frappe.get_list(
		"Repair Ticket",
		filters={"docstatus": 1, "status": ["not in", repairs.FINAL_STATUSES]},
		fields=[
			"name",
			"customer",
			"customer_name",
			"piece_description",
			"status",
			"promised_date",
			"ready_on",
			"workshop",
		],
		order_by="promised_date asc",
		limit_page_length=0,
	)
	rows = []
	for ticket in tickets:
		promised = getdate(ticket.promised_date) if ticket.promised_date else None
		ready_on = getdate(ticket.ready_on) if ticket.ready_on else None
		overdue = repairs.is_overdue(promised, ticket.status, today)
		uncollected = repairs.is_uncollected(ready_on, ticket.status, today, uncollected_days)
		if (filters.view == "Overdue" and not overdue) or (filters.view == "Uncollected" and not uncollected):
			continue
		if not (overdue or uncollected):
			continue
		rows.append(
			{
				**ticket,
				"why": _("Uncollected") if uncollected else _("Overdue"),
				"days": repairs.days_waiting(ready_on, ticket.status, today)
				if uncollected
				else (today - promised).days,
			}
		)
	return columns(), rows


def columns():
	return [
		{
			"fieldname": "name",
			"label": _("Ticket"),
			"fieldtype": "Link",
			"options": "Repair Ticket",
			"width": 150,
		},
		{"fieldname": "why", "label": _("Why"), "fieldtype": "Data", "width": 110},
		{"fieldname": "days", "label": _("Days"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "piece_description", "label": _("Piece"), "fieldtype": "Data", "width": 200},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 110},
		{"fieldname": "promised_date", "label": _("Promised"), "fieldtype": "Date", "width": 110},
		{
			"fieldname": "workshop",
			"label": _("Workshop"),
			"fieldtype": "Link",
			"options": "Supplier",
			"width": 150,
		},
	]
