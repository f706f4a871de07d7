# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import cint

from jewel_clienteling.services import leads, walk_ins
from jewel_clienteling.services.customer_lookup import find_customer


class WalkinVisit(Document):
	def validate(self):
		walk_ins.check(self)
		if self.is_new():
			if self.keeps_as_lead():
				return
			self.keep_as_lead = 0
			walk_ins.match_customer(self)

	def keeps_as_lead(self) -> bool:
		"""Kept as a lead when asked and she is not a customer: one with her mobile is hers to visit."""
		if not cint(self.keep_as_lead) or self.customer:
			return False
		return not find_customer(self.mobile, self.visitor_name).customer

	def after_insert(self):
		# what the visit means (consent, preferences, follow-up), for whoever inserted it: desk or POS
		if cint(self.keep_as_lead):
			self.flags.walk_in_result = leads.record_visit(self)
		else:
			self.flags.walk_in_result = walk_ins.record(self)
