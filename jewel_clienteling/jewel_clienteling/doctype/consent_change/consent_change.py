# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ConsentChange(Document):
	def validate(self):
		if not self.customer and not self.subject:
			frappe.throw(_("A consent change needs the customer it is about."), frappe.MandatoryError)
