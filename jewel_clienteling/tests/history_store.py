"""A store with a past, for the history tests: customers and invoices days, months and years old, made
through ERPNext's own controllers while the app learnt nothing (as before install-app), with a
return, a cancellation and a POS closing among them. Plus a snapshot of everything learnt of a
customer, and a way to forget it again."""

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_days, flt, getdate, nowdate

from jewel_clienteling.domain.occasions import CAPTURED_AT_SALE
from jewel_clienteling.domain.preferences import INFERRED
from jewel_clienteling.services import facts
from jewel_clienteling.services.learning import PROFILE_FIELDS
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.utils import committed_settings

RING = "JC-RING-GLD-22K-PLK"
PLATINUM_RING = "JC-RING-PLT-950-DIA"
NECKLACE = "JC-NECK-GLD-22K-PLK"
BANGLE = "JC-BANGLE-GLD-18K-PLN"
SETTINGS = "Clienteling Settings"
NUMBERS = dict.fromkeys(("jc_visits", "jc_purchases", "jc_lifetime_value", "jc_average_ticket"), 0)


def make_fiscal_years(back: int = 4) -> None:
	"""Fiscal years as far back as the oldest sale of the store."""
	this_year = getdate(nowdate()).year
	for year in range(this_year - back, this_year + 2):
		if not frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": str(year),
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)


def _customer_named(name: str) -> str:
	frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Individual",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}),
		}
	).insert(ignore_permissions=True)
	return name


def sale(customer: str, days: int, items, **fields):
	return fx.make_sales_invoice(customer, items, posting_date=add_days(nowdate(), -days), **fields)


def make_past(tag: str) -> frappe._dict:
	"""Nine customers and their sales, made and committed with learning off. Returns them by role."""
	make_fiscal_years()
	old = committed_settings(SETTINGS, enabled=0)
	try:
		store = frappe._dict()
		name = lambda label: _customer_named(f"JCH {tag} {label}")  # noqa: E731 - names sort by role
		store.new = name("a-new")
		sale(
			store.new,
			3,
			[(RING, 45000)],
			jc_purchase_occasion="Anniversary gift",
			jc_recipient_name="Rahul",
			jc_recipient_relation="Spouse",
			jc_occasion_date=add_days(nowdate(), 20),
		)
		store.at_risk = name("b-at-risk")
		sale(store.at_risk, 150, [(RING, 50000, 1, "12"), (NECKLACE, 150000)], jc_purchase_occasion="Self")
		store.lapsed = name("c-lapsed")
		sale(store.lapsed, 3 * 365, [(PLATINUM_RING, 90000)])
		sale(
			store.lapsed,
			2 * 365,
			[(BANGLE, 30000)],
			jc_purchase_occasion="Wedding",
			jc_occasion_date="2019-02-10",
		)
		store.returned = name("d-returned")
		store.returned_sale = sale(store.returned, 400, [(RING, 50000), (NECKLACE, 150000)])
		fx.make_return(store.returned_sale, {NECKLACE: 1})
		store.cancelled = name("e-cancelled")
		store.cancelled_sale = sale(
			store.cancelled,
			60,
			[(NECKLACE, 80000)],
			jc_purchase_occasion="Birthday gift",
			jc_recipient_name="Anaya",
			jc_recipient_relation="Daughter",
			jc_occasion_date="2020-05-04",
		)
		store.cancelled_sale.cancel()
		sale(store.cancelled, 30, [(RING, 40000)])
		store.counter = name("f-counter")
		first = fx.make_pos_invoice(store.counter, [(RING, 50000)])
		second = fx.make_pos_invoice(store.counter, [(NECKLACE, 150000)])
		store.counter_total = flt(first.base_grand_total + second.base_grand_total)
		store.consolidated = consolidate(store.counter, [first, second])
		store.loyal = name("g-loyal")
		for days, item in ((700, RING), (500, BANGLE), (300, NECKLACE), (20, RING)):
			sale(store.loyal, days, [(item, 60000)])
		store.quiet = name("h-quiet")
		store.stated = name("i-stated")
		frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": store.stated,
				"dimension": "Ring Size",
				"value": "14",
				"source": "Stated",
			}
		).insert()
		sale(store.stated, 10, [(RING, 52000, 1, "12")], jc_purchase_occasion="Self")
		frappe.db.commit()  # nosemgrep: the store's past is committed before the app learns it
		return store
	finally:
		committed_settings(SETTINGS, **old)


def consolidate(customer: str, invoices) -> str:
	"""A POS closing's merge of those invoices into one consolidated Sales Invoice."""
	merge = frappe.new_doc("POS Invoice Merge Log")
	merge.posting_date = nowdate()
	merge.customer = customer
	merge.set("pos_invoices", [{"pos_invoice": doc.name, "customer": customer} for doc in invoices])
	merge.save(ignore_permissions=True)
	merge.submit()
	return frappe.db.get_value("POS Invoice", invoices[0].name, "consolidated_invoice")


def customers_of(store: frappe._dict) -> list[str]:
	return sorted(value for key, value in store.items() if isinstance(value, str) and key != "consolidated")


def forget(customers: list[str]) -> None:
	"""What a site knows of these customers before the app learnt them: nothing learnt at all."""
	frappe.db.bulk_update(
		"Customer",
		{
			name: {field: NUMBERS.get(field) for field in (*PROFILE_FIELDS, "jc_profile_refreshed_on")}
			for name in customers
		},
		update_modified=False,
	)
	occasion, preference = DocType("Occasion"), DocType("Preference")
	frappe.qb.from_(occasion).delete().where(
		occasion.customer.isin(customers) & (occasion.source == CAPTURED_AT_SALE)
	).run()
	frappe.qb.from_(preference).delete().where(
		preference.customer.isin(customers) & (preference.source == INFERRED)
	).run()
	for doctype in facts.SALE_DOCTYPES:
		invoice = DocType(doctype)
		frappe.qb.update(invoice).set(invoice.jc_profile_seen, 0).where(
			invoice.customer.isin(customers)
		).run()
	frappe.db.commit()  # nosemgrep


def snapshot(customers: list[str]) -> dict:
	"""Everything learnt of them, by customer: profile fields, occasions, preferences, and which state
	of each invoice was learnt (names of new rows and timestamps aside)."""
	result = {}
	for name in customers:
		result[name] = {
			"profile": frappe.db.get_value("Customer", name, list(PROFILE_FIELDS), as_dict=True),
			"occasions": sorted(
				tuple(row.values())
				for row in frappe.get_all(
					"Occasion",
					filters={"customer": name},
					fields=[
						"occasion_type",
						"person_name",
						"relation",
						"day",
						"month",
						"year",
						"next_occurrence",
						"source",
						"source_doctype",
						"source_name",
						"occasion_key",
						"title",
					],
				)
			),
			"preferences": sorted(
				tuple(row.values())
				for row in frappe.get_all(
					"Preference",
					filters={"customer": name},
					fields=[
						"dimension",
						"qualifier",
						"value",
						"source",
						"score",
						"last_bought",
						"purchases",
						"title",
					],
				)
			),
			"seen": sorted(
				(doctype, row.name, row.docstatus, row.jc_profile_seen)
				for doctype in facts.SALE_DOCTYPES
				for row in frappe.get_all(
					doctype, filters={"customer": name}, fields=["name", "docstatus", "jc_profile_seen"]
				)
			),
		}
	return result
