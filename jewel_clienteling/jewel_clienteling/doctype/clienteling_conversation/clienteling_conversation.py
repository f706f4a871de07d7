# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ClientelingConversation(Document):
	pass


def on_doctype_update():
	# the inbox: a store's conversations, newest first; an associate's own, newest first
	frappe.db.add_index("Clienteling Conversation", ["store", "last_message_at"])
	frappe.db.add_index("Clienteling Conversation", ["assigned_to", "last_message_at"])
