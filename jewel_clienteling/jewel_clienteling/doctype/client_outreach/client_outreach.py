# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.domain.outreach import PURPOSE, dedupe_key

OPEN_STATUSES = ("Planned", "Due")


class ClientOutreach(Document):
	def validate(self):
		self.purpose = PURPOSE.get(self.reason, "Marketing")
		if not self.dedupe_key:
			# an outreach an associate adds by hand is its own cycle
			self.cycle = self.cycle or self.name
			self.dedupe_key = dedupe_key(
				self.customer,
				self.reason,
				self.reference_doctype or "",
				self.reference_name or "",
				self.cycle,
			)
		if self.status == "Skipped" and not (self.skip_reason or "").strip():
			frappe.throw(_("Say why this outreach is skipped."))


def on_doctype_update():
	# the Today queue: an associate's open outreach by due date
	frappe.db.add_index("Client Outreach", ["assigned_to", "status", "due_date"])
	# the frequency cap and the customer's history
	frappe.db.add_index("Client Outreach", ["customer", "due_date"])
	# attribution: what reached her and when
	frappe.db.add_index("Client Outreach", ["customer", "sent_on"])
