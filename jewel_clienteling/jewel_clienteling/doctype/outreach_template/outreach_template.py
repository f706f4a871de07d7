# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document

from jewel_clienteling.services.rendering import check_template


class OutreachTemplate(Document):
	def validate(self):
		self.step = (self.step or "").strip()
		check_template(self.message or "")
