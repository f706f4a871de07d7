# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.domain.outreach import parse_days
from jewel_clienteling.domain.profile import parse_thresholds

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
			frappe.throw(_("A customer must be at risk before she is lapsed: lapsed days must be more."))
		self.validate_preference_sources()
		self.validate_lead_days()
		self.default_region = (self.default_region or "IN").strip().upper()

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
