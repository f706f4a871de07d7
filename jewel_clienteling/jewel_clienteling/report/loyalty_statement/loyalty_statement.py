"""A customer's points statement, to hand her or send her: every movement with what she held after it."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import loyalty
from jewel_clienteling.services import settings as clienteling_settings


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.customer:
		frappe.throw(_("Choose the customer whose statement you want."))
	frappe.has_permission("Customer", "read", filters.customer, throw=True)
	rows = loyalty.ledger_rows(filters.customer)
	moves = loyalty.movements(rows)
	start = getdate(filters.from_date) if filters.from_date else None
	end = getdate(filters.to_date) if filters.to_date else getdate(nowdate())
	data = []
	for index, (row, move) in enumerate(zip(rows, moves, strict=True)):
		if move.posting_date > end or (start and move.posting_date < start):
			continue
		data.append(
			{
				"posting_date": row.posting_date,
				"entry_type": _(row.entry_type),
				"source": _(row.source) if row.source else "",
				"voucher_type": row.voucher_type,
				"voucher_no": row.voucher_no,
				"points": row.points,
				"balance": int(loyalty_rules.balance(moves[: index + 1], move.posting_date)),
				"expiry_date": row.expiry_date if row.points > 0 else None,
			}
		)
	held = int(loyalty_rules.balance(moves, getdate(nowdate())))
	value = flt(held * flt(clienteling_settings.get_settings().value_per_point))
	summary = [
		{"label": _("Points Held Today"), "value": held, "datatype": "Int", "indicator": "Green"},
		{"label": _("Worth"), "value": value, "datatype": "Currency"},
		{
			"label": _("Tier"),
			"value": frappe.db.get_value("Customer", filters.customer, "jc_loyalty_tier") or _("None"),
			"datatype": "Data",
		},
	]
	return columns(), data, None, None, summary


def columns():
	return [
		{"fieldname": "posting_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "entry_type", "label": _("Movement"), "fieldtype": "Data", "width": 90},
		{"fieldname": "source", "label": _("Why"), "fieldtype": "Data", "width": 120},
		{"fieldname": "voucher_type", "label": _("Voucher Type"), "fieldtype": "Data", "hidden": 1},
		{
			"fieldname": "voucher_no",
			"label": _("Voucher"),
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 170,
		},
		{"fieldname": "points", "label": _("Points"), "fieldtype": "Int", "width": 90},
		{"fieldname": "balance", "label": _("Held After"), "fieldtype": "Int", "width": 100},
		{"fieldname": "expiry_date", "label": _("Lapses On"), "fieldtype": "Date", "width": 100},
	]
