# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document

from jewel_clienteling.services import old_gold


class OldGoldExchange(Document):
	def validate(self):
		old_gold.validate(self)

	def on_submit(self):
		old_gold.book(self)

	def on_cancel(self):
		old_gold.unbook(self)
