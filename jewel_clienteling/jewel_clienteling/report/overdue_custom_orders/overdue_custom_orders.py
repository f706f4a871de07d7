# Copyright (c) 2027, jewel_clienteling contributors
# For license information, please see license.txt

"""Made-to-order pieces promised before today and not delivered, by store and associate, for the
customers the user may see (her store limits)."""

import frappe
from frappe import _

from jewel_clienteling.services import custom_orders


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission("Sales Order", "read", throw=True)
	rows = custom_orders.overdue(store=filters.store or None, associate=filters.associate or None)
	return columns(), rows


def columns():
	return [
		{
			"fieldname": "name",
			"label": _("Order"),
			"fieldtype": "Link",
			"options": "Sales Order",
			"width": 150,
		},
		{"fieldname": "days_overdue", "label": _("Days Overdue"), "fieldtype": "Int", "width": 100},
		{"fieldname": "jc_promised_date", "label": _("Promised"), "fieldtype": "Date", "width": 110},
		{"fieldname": "jc_order_stage", "label": _("Stage"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 150,
		},
		{"fieldname": "customer_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "jc_store",
			"label": _("Store"),
			"fieldtype": "Link",
			"options": "POS Profile",
			"width": 130,
		},
		{
			"fieldname": "jc_associate",
			"label": _("Associate"),
			"fieldtype": "Link",
			"options": "User",
			"width": 160,
		},
		{
			"fieldname": "grand_total",
			"label": _("Order Total"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"fieldname": "advance_paid",
			"label": _("Advance Paid"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"fieldname": "balance",
			"label": _("Balance"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]
