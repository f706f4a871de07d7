# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ClientelingWhatsAppMessage(Document):
	pass


def on_doctype_update():
	# a conversation's messages, newest first
	frappe.db.add_index("Clienteling WhatsApp Message", ["conversation", "received_on"])
