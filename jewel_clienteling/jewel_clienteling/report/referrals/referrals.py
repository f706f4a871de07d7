# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

"""Who sends us customers: per referring customer, how many she referred, how many of them bought,
what they spent (their submitted sales net of returns, a POS closing's consolidated invoice not
counted twice) and when they first bought. The period and the store choose the referred customers:
those who became customers in the period, whose home store (the counter they first bought at) is
the store."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Min, Sum
from frappe.utils import add_days, flt, getdate

from jewel_clienteling.services import facts

CHUNK = 1000


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if filters.from_date and filters.to_date and getdate(filters.from_date) > getdate(filters.to_date):
		frappe.throw(_("The period ends before it starts."))
	return columns(), data(filters)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "referrer",
			"label": _("Referred By"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 200,
		},
		{"fieldname": "referrer_name", "label": _("Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "referred", "label": _("Referred"), "fieldtype": "Int", "width": 90},
		{"fieldname": "bought", "label": _("Bought"), "fieldtype": "Int", "width": 90},
		{"fieldname": "conversion", "label": _("Conversion %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "revenue", "label": _("Their Revenue"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "first_purchase", "label": _("First Purchase"), "fieldtype": "Date", "width": 120},
		{
			"fieldname": "latest_first_purchase",
			"label": _("Latest First Purchase"),
			"fieldtype": "Date",
			"width": 150,
		},
		{
			"fieldname": "referred_customers",
			"label": _("Customers Referred"),
			"fieldtype": "Data",
			"width": 300,
		},
	]


def referred_customers(filters) -> list[frappe._dict]:
	"""The referred customers the user may see (roles and store), as chosen by the filters."""
	conditions = [["jc_referred_by", "is", "set"]]
	if filters.from_date:
		conditions.append(["creation", ">=", getdate(filters.from_date)])
	if filters.to_date:
		conditions.append(["creation", "<", add_days(getdate(filters.to_date), 1)])
	if filters.store:
		conditions.append(["jc_home_store", "=", filters.store])
	return frappe.get_list(
		"Customer",
		filters=conditions,
		fields=["name", "customer_name", "jc_referred_by"],
		order_by="creation asc",
		limit_page_length=0,
	)


def sales_by_customer(customers: list[str]) -> dict[str, frappe._dict]:
	"""Net revenue and first purchase date of each customer, over both kinds of sale."""
	found: dict[str, frappe._dict] = defaultdict(lambda: frappe._dict(revenue=0.0, first_purchase=None))
	for start in range(0, len(customers), CHUNK):
		chunk = customers[start : start + CHUNK]
		for doctype in facts.SALE_DOCTYPES:
			invoice, query = facts.sales_from(doctype)
			rows = (
				query.select(
					invoice.customer,
					Sum(invoice.base_grand_total).as_("revenue"),
					Min(Case().when(invoice.is_return == 0, invoice.posting_date)).as_("first_purchase"),
				)
				.where(invoice.customer.isin(chunk) & (invoice.docstatus == 1))
				.groupby(invoice.customer)
				.run(as_dict=True)
			)
			for row in rows:
				total = found[row.customer]
				total.revenue += flt(row.revenue)
				if row.first_purchase and (
					total.first_purchase is None or getdate(row.first_purchase) < total.first_purchase
				):
					total.first_purchase = getdate(row.first_purchase)
	return found


def data(filters) -> list[dict]:
	referred = referred_customers(filters)
	sales = sales_by_customer([row.name for row in referred])
	referrers = {row.jc_referred_by for row in referred}
	# names of the referrers she may see (roles and store); another store's customer stays unnamed
	names = (
		dict(
			frappe.get_list(
				"Customer",
				filters={"name": ("in", list(referrers))},
				fields=["name", "customer_name"],
				as_list=True,
				limit_page_length=0,
			)
		)
		if referrers
		else {}
	)
	by_referrer: dict[str | None, list[frappe._dict]] = defaultdict(list)
	for row in referred:
		by_referrer[row.jc_referred_by if row.jc_referred_by in names else None].append(row)
	result = []
	for referrer, friends in by_referrer.items():
		kept = [sales[f.name] for f in friends if f.name in sales and sales[f.name].revenue > 0]
		firsts = sorted(total.first_purchase for total in kept if total.first_purchase)
		result.append(
			{
				"referrer": referrer,
				"referrer_name": names.get(referrer) or referrer or _("A customer of another store"),
				"referred": len(friends),
				"bought": len(kept),
				"conversion": 100.0 * len(kept) / len(friends),
				"revenue": sum(total.revenue for total in kept),
				"first_purchase": firsts[0] if firsts else None,
				"latest_first_purchase": firsts[-1] if firsts else None,
				"referred_customers": ", ".join(f.customer_name or f.name for f in friends),
			}
		)
	result.sort(key=lambda row: (-row["revenue"], -row["referred"], row["referrer_name"]))
	return result
