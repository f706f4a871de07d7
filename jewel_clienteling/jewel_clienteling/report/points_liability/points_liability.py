"""What the shop owes in points: every customer's unspent points at the value of a point."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import flt

from jewel_clienteling.services import settings as clienteling_settings


def execute(filters=None):
	value_per_point = flt(clienteling_settings.get_settings().value_per_point)
	customer = DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(
			customer.name.as_("customer"),
			customer.customer_name,
			customer.jc_loyalty_tier.as_("tier"),
			customer.jc_loyalty_points.as_("points"),
			customer.jc_points_next_expiry.as_("next_expiry"),
			customer.jc_points_expiring.as_("expiring"),
		)
		.where(customer.jc_loyalty_points > 0)
		.orderby(customer.jc_loyalty_points, order=frappe.qb.desc)
		.run(as_dict=True)
	)
	for row in rows:
		row.value = flt(row.points * value_per_point)
	total_points = sum(row.points for row in rows)
	summary = [
		{"label": _("Customers Holding Points"), "value": len(rows), "datatype": "Int"},
		{"label": _("Points Outstanding"), "value": total_points, "datatype": "Int"},
		{
			"label": _("Liability"),
			"value": flt(total_points * value_per_point),
			"datatype": "Currency",
			"indicator": "Red",
		},
	]
	return columns(), rows, None, None, summary


def columns():
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"fieldname": "customer_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "tier", "label": _("Tier"), "fieldtype": "Data", "width": 90},
		{"fieldname": "points", "label": _("Points"), "fieldtype": "Int", "width": 90},
		{"fieldname": "value", "label": _("Worth"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "next_expiry", "label": _("Next Lapse"), "fieldtype": "Date", "width": 100},
		{"fieldname": "expiring", "label": _("Points Lapsing Then"), "fieldtype": "Int", "width": 120},
	]
