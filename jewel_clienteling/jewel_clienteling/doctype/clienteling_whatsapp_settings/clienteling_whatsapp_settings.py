# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import get_url


class ClientelingWhatsAppSettings(Document):
	@property
	def webhook_url(self) -> str:
		"""The callback URL to paste into Meta's webhook setup."""
		return get_url("/api/method/jewel_clienteling.api.whatsapp.inbound")

	def validate(self):
		self.phone_number_id = (self.phone_number_id or "").strip()
		if self.enabled and not self.phone_number_id:
			frappe.throw(frappe._("Give the Phone Number ID before switching sending on."))
