# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document

from jewel_clienteling.services import walk_ins


class WalkinVisit(Document):
	def validate(self):
		walk_ins.check(self)
		if self.is_new():
			walk_ins.match_customer(self)

	def after_insert(self):
		# what the visit means (consent, preferences, follow-up), for whoever inserted it: desk or POS
		self.flags.walk_in_result = walk_ins.record(self)
