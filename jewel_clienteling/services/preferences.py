"""Inferred preferences in the database, kept equal to what her kept purchases say."""

import frappe
from frappe.utils import getdate

from jewel_clienteling.domain.preferences import (
	ExistingPreference,
	PurchaseLine,
	infer_preferences,
	item_dimensions,
	plan_preferences,
)
from jewel_clienteling.services import facts
from jewel_clienteling.services import settings as clienteling_settings

FOR_SELF = {None, "", "Self"}


def purchase_lines(sales: list[frappe._dict], settings) -> list[PurchaseLine]:
	sources = clienteling_settings.preference_sources(settings)
	by_invoice = {(sale.doctype, sale.name): sale for sale in sales}
	lines = facts.sale_lines(sales)
	items = facts.item_facts({line.item_code for line in lines if line.item_code}, sources)
	result = []
	for line in lines:
		sale = by_invoice[(line.doctype, line.parent)]
		item = items.get(line.item_code)
		dimensions = item_dimensions(item, sources) if item else {}
		if item is None and line.item_group:
			dimensions = {"Category": line.item_group}
		result.append(
			PurchaseLine(
				invoice=line.parent,
				posting_date=getdate(sale.posting_date),
				item_code=line.item_code or "",
				qty=float(line.qty or 0),
				dimensions=dimensions,
				size=line.jc_size,
				for_self=sale.jc_purchase_occasion in FOR_SELF,
				return_against=sale.return_against if sale.is_return else None,
			)
		)
	return result


def sync_inferred(customer: str, sales: list[frappe._dict], tickets, today, settings) -> None:
	inferred = infer_preferences(
		purchase_lines(sales, settings),
		today,
		half_life_days=clienteling_settings.half_life_days(settings),
		min_score=clienteling_settings.min_score(settings),
		tickets=tickets,
		bands=clienteling_settings.budget_bands(settings),
	)
	existing = [
		ExistingPreference(
			name=row.name,
			dimension=row.dimension,
			value=row.value,
			source=row.source,
			qualifier=row.qualifier or "",
			score=row.score or 0.0,
			last_seen=getdate(row.last_bought) if row.last_bought else None,
			purchases=row.purchases or 0,
		)
		for row in frappe.get_all(
			"Preference",
			filters={"customer": customer},
			fields=["name", "dimension", "value", "source", "qualifier", "score", "last_bought", "purchases"],
		)
	]
	plan = plan_preferences(existing, inferred)
	for name in plan.delete:
		frappe.delete_doc("Preference", name, ignore_permissions=True, force=True)
	for name, pref in plan.update.items():
		doc = frappe.get_doc("Preference", name)
		doc.update(
			{
				"value": pref.value,
				"score": pref.score,
				"last_bought": pref.last_seen,
				"purchases": pref.purchases,
			}
		)
		doc.save(ignore_permissions=True)
	for pref in plan.insert:
		frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": customer,
				"dimension": pref.dimension,
				"qualifier": pref.qualifier,
				"value": pref.value,
				"source": "Inferred",
				"score": pref.score,
				"last_bought": pref.last_seen,
				"purchases": pref.purchases,
			}
		).insert(ignore_permissions=True)
