# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

"""How long each workshop (karigar) keeps the pieces, and how often it misses the promised day."""

from collections import defaultdict
from statistics import mean, median

import frappe
from frappe import _
from frappe.utils import add_months, getdate, nowdate

from jewel_clienteling.domain import repairs


def execute(filters=None):
	filters = frappe._dict(filters or {})
	since = getdate(filters.from_date or add_months(nowdate(), -6))
	tickets = frappe.get_list(
		"Repair Ticket",
		filters={
			"docstatus": 1,
			"workshop": ["is", "set"],
			"sent_to_workshop_on": [">=", since],
			"received_from_workshop_on": ["is", "set"],
		},
		fields=["workshop", "sent_to_workshop_on", "received_from_workshop_on", "promised_date"],
		limit_page_length=0,
	)
	by_workshop = defaultdict(list)
	late = defaultdict(int)
	for ticket in tickets:
		back = getdate(ticket.received_from_workshop_on)
		by_workshop[ticket.workshop].append(
			repairs.turnaround_days(getdate(ticket.sent_to_workshop_on), back)
		)
		if ticket.promised_date and back > getdate(ticket.promised_date):
			late[ticket.workshop] += 1
	rows = [
		{
			"workshop": workshop,
			"pieces": len(days),
			"average_days": round(mean(days), 1),
			"median_days": median(days),
			"longest_days": max(days),
			"late": late[workshop],
		}
		for workshop, days in sorted(by_workshop.items())
	]
	return columns(), rows


def columns():
	return [
		{
			"fieldname": "workshop",
			"label": _("Workshop"),
			"fieldtype": "Link",
			"options": "Supplier",
			"width": 200,
		},
		{"fieldname": "pieces", "label": _("Pieces"), "fieldtype": "Int", "width": 90},
		{"fieldname": "average_days", "label": _("Average Days"), "fieldtype": "Float", "width": 120},
		{"fieldname": "median_days", "label": _("Median Days"), "fieldtype": "Float", "width": 120},
		{"fieldname": "longest_days", "label": _("Longest"), "fieldtype": "Int", "width": 100},
		{"fieldname": "late", "label": _("Back After the Promised Day"), "fieldtype": "Int", "width": 200},
	]
