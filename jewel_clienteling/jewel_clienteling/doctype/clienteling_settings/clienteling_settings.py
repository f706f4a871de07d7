# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, now_datetime

from jewel_clienteling.domain.outreach_cadence import parse_days
from jewel_clienteling.domain.profile import parse_thresholds
from jewel_clienteling.services import mobile_keys

THRESHOLD_FIELDS = ("rfm_recency_days", "rfm_frequency", "rfm_monetary", "budget_bands")


class ClientelingSettings(Document):
	def validate(self):
		for fieldname in THRESHOLD_FIELDS:
			try:
				parse_thresholds(self.get(fieldname) or "")
			except ValueError:
				frappe.throw(
					_(
						"{0} needs four ascending whole numbers separated by commas, like 30, 90, 180, 365."
					).format(_(self.meta.get_label(fieldname)))
				)
		if self.lapsed_days and self.at_risk_days and self.lapsed_days <= self.at_risk_days:
			frappe.throw(_("A customer must be at risk before being lapsed: lapsed days must be more."))
		self.validate_preference_sources()
		self.validate_lead_days()
		self.validate_loyalty()
		self.keep_history_progress()
		self.default_region = (self.default_region or "IN").strip().upper()

	def on_update(self):
		before = self.get_doc_before_save()
		from jewel_clienteling.services.planner_rhythm import start_catching_up

		start_catching_up(before, self)
		if before and (before.default_region or "IN").strip().upper() != self.default_region:
			# numbers written without +country now mean another country's: their keys are made again
			mobile_keys.refill_after_region_change()

	def keep_history_progress(self):
		"""Learning from past sales writes its own progress; a form saved meanwhile keeps it as stored."""
		from jewel_clienteling.services.history import FIELDS

		for fieldname in FIELDS:
			self.set(fieldname, frappe.db.get_single_value(self.doctype, fieldname, cache=False))

	def validate_lead_days(self):
		rows = [(self.meta.get_label("occasion_lead_days"), self.occasion_lead_days)]
		rows += [
			(_("Row {0}").format(row.idx), row.lead_days) for row in self.get("occasion_lead_windows") or []
		]
		for label, text in rows:
			try:
				parse_days(text, ())
			except ValueError:
				frappe.throw(
					_("{0}: write days ahead as whole numbers separated by commas, like 42, 7, 0.").format(
						_(label)
					)
				)

	def validate_preference_sources(self):
		item_meta = frappe.get_meta("Item")
		for row in self.preference_sources:
			row.source_name = (row.source_name or "").strip()
			if row.source_type == "Item Field" and not item_meta.has_field(row.source_name):
				frappe.throw(
					_("Row {0}: Item has no field called {1}.").format(row.idx, frappe.bold(row.source_name))
				)
			if row.source_type == "Item Attribute" and not frappe.db.exists(
				"Item Attribute", row.source_name
			):
				frappe.msgprint(
					_(
						"Row {0}: there is no Item Attribute {1} yet; {2} will be learnt once it exists."
					).format(row.idx, frappe.bold(row.source_name), _(row.dimension)),
					indicator="orange",
					alert=True,
				)

	def validate_loyalty(self):
		if not self.loyalty_enabled:
			self.loyalty_enabled_on = None
		elif (
			not self.loyalty_enabled_on
			or not self.get_doc_before_save()
			or not cint(self.get_doc_before_save().loyalty_enabled)
		):
			self.loyalty_enabled_on = now_datetime()
		if self.earn_basis == "Making Charge" and self.loyalty_enabled:
			self.making_charge_field = (self.making_charge_field or "").strip()
			for doctype in ("Sales Invoice Item", "POS Invoice Item"):
				if not frappe.get_meta(doctype).has_field(self.making_charge_field):
					frappe.throw(
						_("{0} has no field called {1} to read the making charge from.").format(
							_(doctype), frappe.bold(self.making_charge_field or _("(empty)"))
						)
					)
		item_meta = frappe.get_meta("Item")
		for row in self.earning_rules:
			row.value = (row.value or "").strip()
			row.item_field = (row.item_field or "").strip()
			if row.applies_to == "Item Field" and not item_meta.has_field(row.item_field):
				frappe.throw(
					_("Rates by Item, row {0}: Item has no field called {1}.").format(
						row.idx, frappe.bold(row.item_field or _("(empty)"))
					)
				)
		seen = set()
		for row in self.tiers:
			row.tier = (row.tier or "").strip()
			if row.tier.casefold() in seen:
				frappe.throw(_("Tier {0} is listed twice.").format(frappe.bold(row.tier)))
			seen.add(row.tier.casefold())
