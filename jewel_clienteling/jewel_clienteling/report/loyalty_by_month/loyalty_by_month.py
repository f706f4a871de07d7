"""Points earned, given as bonuses, redeemed, lapsed and reversed, by month and store."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_months, getdate, nowdate

COLUMNS_BY_TYPE = {
	"Earn": "earned",
	"Bonus": "bonus",
	"Adjust": "adjusted",
	"Redeem": "redeemed",
	"Expire": "lapsed",
	"Reverse": "reversed",
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	end = getdate(filters.to_date or nowdate())
	start = getdate(filters.from_date or add_months(end, -12))
	ledger = DocType("Loyalty Ledger")
	query = (
		frappe.qb.from_(ledger)
		.select(ledger.posting_date, ledger.store, ledger.entry_type, ledger.points)
		.where((ledger.posting_date >= start) & (ledger.posting_date <= end))
	)
	if filters.store:
		query = query.where(ledger.store == filters.store)
	totals = defaultdict(lambda: defaultdict(int))
	for row in query.run(as_dict=True):
		key = (getdate(row.posting_date).strftime("%Y-%m"), row.store or "")
		totals[key][COLUMNS_BY_TYPE[row.entry_type]] += row.points
		totals[key]["net"] += row.points
	data = [{"month": month, "store": store, **values} for (month, store), values in sorted(totals.items())]
	return columns(), data


def columns():
	number = {"fieldtype": "Int", "width": 100}
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "store",
			"label": _("Store"),
			"fieldtype": "Link",
			"options": "POS Profile",
			"width": 140,
		},
		{"fieldname": "earned", "label": _("Earned"), **number},
		{"fieldname": "bonus", "label": _("Bonuses"), **number},
		{"fieldname": "adjusted", "label": _("Adjusted"), **number},
		{"fieldname": "redeemed", "label": _("Redeemed"), **number},
		{"fieldname": "lapsed", "label": _("Lapsed"), **number},
		{"fieldname": "reversed", "label": _("Reversed"), **number},
		{"fieldname": "net", "label": _("Net Change"), **number},
	]
