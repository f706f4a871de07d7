# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate


class CustomerNote(Document):
	def validate(self):
		self.note = (self.note or "").strip()
		if not self.note:
			frappe.throw(_("Write the note before saving it."))
		if self.note_type == "Life Event" and not self.event_type:
			frappe.throw(_("Say which life event this is."))
		if self.note_type != "Life Event":
			self.event_type = self.event_date = self.person_name = self.relation = None
		if self.event_date:
			self.event_date = getdate(self.event_date)  # a date that cannot be is refused in words
