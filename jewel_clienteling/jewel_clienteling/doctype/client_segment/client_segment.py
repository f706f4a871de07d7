# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ClientSegment(Document):
	def validate(self):
		from jewel_clienteling.services import segments

		segments.rules_of(self.rules)
		segments.recount(self)
