"""A customer's profile, recomputed from facts. Running it twice changes nothing."""

import frappe
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.domain.profile import (
	Sale,
	compute_stats,
	lifecycle_stage,
	net_sales,
	next_change_on,
	rfm,
)
from jewel_clienteling.services import attribution, facts, occasions, preferences
from jewel_clienteling.services import settings as clienteling_settings


def refresh_customer(customer: str, today=None) -> bool:
	"""Recompute her statistics, stage, RFM, captured occasions and inferred preferences.

	Locks her Customer row first so two refreshes of the same customer (the after-sale job and
	the sweep) run one after the other. Returns False when there is nothing to learn from her."""
	settings = clienteling_settings.get_settings()
	if customer == clienteling_settings.walk_in_customer(settings):
		return False
	if not frappe.db.get_value("Customer", customer, "name", for_update=True):
		return False

	today = getdate(today or nowdate())
	started = now_datetime()
	sales = facts.customer_sales(customer)
	sale_facts = [
		Sale(
			invoice=f"{sale.doctype}::{sale.name}",
			posting_date=getdate(sale.posting_date),
			amount=sale.base_grand_total or 0,
			return_against=f"{sale.doctype}::{sale.return_against}" if sale.is_return else None,
		)
		for sale in sales
	]
	stats = compute_stats(sale_facts)
	rules = clienteling_settings.lifecycle_rules(settings)
	thresholds = clienteling_settings.rfm_thresholds(settings)
	scores = rfm(stats, today, thresholds)
	kept_names = {sale.invoice for sale, amount in net_sales(sale_facts)[0] if amount > 0}
	kept = [sale for sale in sales if f"{sale.doctype}::{sale.name}" in kept_names]
	frappe.db.set_value(
		"Customer",
		customer,
		{
			"jc_first_purchase_date": stats.first_purchase_date,
			"jc_last_purchase_date": stats.last_purchase_date,
			"jc_visits": stats.visits,
			"jc_purchases": stats.purchases,
			"jc_lifetime_value": stats.lifetime_value,
			"jc_average_ticket": stats.average_ticket,
			"jc_lifecycle_stage": lifecycle_stage(stats, today, rules),
			"jc_rfm_score": scores.code if scores else "",
			"jc_rfm_segment": scores.segment if scores else "",
			"jc_profile_due_on": next_change_on(stats, today, rules, thresholds),
			"jc_profile_refreshed_on": started,
			"jc_last_served_by": facts.served_by(kept[-1]) if kept else None,
		},
		update_modified=False,
	)

	occasions.sync_captured(customer, kept)
	tickets = [(getdate(sale.posting_date), sale.base_grand_total) for sale in kept]
	preferences.sync_inferred(customer, sales, tickets, today, settings)
	attribution.sync(customer, sale_facts, settings)
	return True
