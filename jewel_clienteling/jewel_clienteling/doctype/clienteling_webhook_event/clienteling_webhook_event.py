# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ClientelingWebhookEvent(Document):
	"""Written by the webhook (its name is the event's key, so a redelivery is stored once) and by the
	drain jobs; read-only in the desk."""


def on_doctype_update():
	# a drain job's share of what is not processed yet, oldest first; the purge of processed events
	frappe.db.add_index("Clienteling Webhook Event", ["status", "slot", "creation"])
