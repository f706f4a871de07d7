# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ClientelingPrivacyLog(Document):
	"""One export or erasure of a customer's clienteling data: who, when, what. Never changed."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("A privacy log cannot be changed."), frappe.PermissionError)

	def on_trash(self):
		frappe.throw(_("A privacy log cannot be deleted."), frappe.PermissionError)
