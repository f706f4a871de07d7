"""A customer's profile, recomputed from facts. Running it twice changes nothing."""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, nowdate

from jewel_clienteling.domain.loyalty import tier_for, tier_recheck_on
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
	current = frappe.db.get_value(
		"Customer", customer, ["name", "jc_erased_on", "jc_home_store"], as_dict=True, for_update=True
	)
	if not current:
		return False
	if current.jc_erased_on:
		# her data was erased at her request: learn nothing, but let the sweep know it looked
		facts.mark_learnt(customer, facts.customer_sales(customer))
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
	tier, tier_recheck = loyalty_tier(customer, sale_facts, today, settings)
	due_on = next_change_on(stats, today, rules, thresholds)
	if tier_recheck and (not due_on or tier_recheck < due_on):
		due_on = tier_recheck
	kept_names = {sale.invoice for sale, amount in net_sales(sale_facts)[0] if amount > 0}
	kept = [sale for sale in sales if f"{sale.doctype}::{sale.name}" in kept_names]
	home_store = current.jc_home_store or next((sale.pos_profile for sale in kept if sale.pos_profile), None)
	frappe.db.set_value(
		"Customer",
		customer,
		{
			"jc_home_store": home_store,
			"jc_first_purchase_date": stats.first_purchase_date,
			"jc_last_purchase_date": stats.last_purchase_date,
			"jc_visits": stats.visits,
			"jc_purchases": stats.purchases,
			"jc_lifetime_value": stats.lifetime_value,
			"jc_average_ticket": stats.average_ticket,
			"jc_lifecycle_stage": lifecycle_stage(stats, today, rules),
			"jc_rfm_score": scores.code if scores else "",
			"jc_rfm_segment": scores.segment if scores else "",
			"jc_profile_due_on": due_on,
			"jc_loyalty_tier": tier,
			"jc_profile_refreshed_on": started,
			"jc_last_served_by": facts.served_by(kept[-1]) if kept else None,
		},
		update_modified=False,
	)

	occasions.sync_captured(customer, kept)
	facts.mark_learnt(customer, sales)
	tickets = [(getdate(sale.posting_date), sale.base_grand_total) for sale in kept]
	preferences.sync_inferred(customer, sales, tickets, today, settings)
	attribution.sync(customer, sale_facts, settings)
	return True


def loyalty_tier(customer: str, sale_facts: list[Sale], today, settings) -> tuple[str, object]:
	"""Her tier by the last twelve months' spend, and the day it must be looked at again. A change
	is told on her timeline."""
	if not clienteling_settings.loyalty_enabled(settings):
		return "", None
	spend = [(sale.posting_date, sale.amount) for sale in sale_facts]
	tier = tier_for(spend, today, clienteling_settings.tier_thresholds(settings))
	before = frappe.db.get_value("Customer", customer, "jc_loyalty_tier") or ""
	if tier != before:
		frappe.get_doc("Customer", customer).add_comment(
			"Info",
			_("Loyalty tier: {0} → {1}").format(
				_(before) if before else _("none"), _(tier) if tier else _("none")
			),
		)
	return tier, tier_recheck_on([sale.posting_date for sale in sale_facts], today)
