# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import get_url

from jewel_clienteling.services import shared_number


class ClientelingWhatsAppSettings(Document):
	@property
	def webhook_url(self) -> str:
		"""The callback URL to paste into Meta's webhook setup."""
		return get_url("/api/method/jewel_clienteling.api.whatsapp.inbound")

	def onload(self):
		# the shared-number section shows only where frappe_whatsapp is installed
		self.set_onload("whatsapp_account_doctype", shared_number.installed())

	def validate(self):
		self.phone_number_id = (self.phone_number_id or "").strip()
		if not shared_number.installed():
			self.use_whatsapp_account, self.whatsapp_account = 0, None
		if self.use_whatsapp_account and not self.whatsapp_account:
			frappe.throw(frappe._("Choose the WhatsApp Account to send through."))
		if self.enabled and not self.phone_number_id and not self.use_whatsapp_account:
			frappe.throw(frappe._("Give the Phone Number ID before switching sending on."))
