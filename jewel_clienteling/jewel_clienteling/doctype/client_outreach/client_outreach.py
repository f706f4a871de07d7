# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain.outreach import MARKETING, PURPOSE, UTILITY, dedupe_key
from jewel_clienteling.domain.phones import normalise_phone

# What the senders trust (where to send, what it is about, how its sending went) is at permlevel 1:
# only the jobs (as Administrator) and a System Manager write it; on a row an associate adds or
# edits, Frappe puts back what was there.


class ClientOutreach(Document):
	def validate(self):
		purpose = PURPOSE.get(self.reason, MARKETING)
		if purpose == UTILITY and not (self.reference_doctype and self.reference_name):
			# a message about her own piece or points names it; one added by hand is marketing
			purpose = MARKETING
		self.purpose = purpose
		if self.is_new() and not self.phone and self.customer:
			# a message goes to her own number, as the planner writes it
			region = frappe.db.get_single_value("Clienteling Settings", "default_region") or "IN"
			self.phone = normalise_phone(frappe.db.get_value("Customer", self.customer, "mobile_no"), region)
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
		if self.due_date and (not self.expires_on or self.has_value_changed("due_date")):
			# an outreach added by hand lives as long as its reason allows
			self.expires_on = lifecycle.expires_on(self.reason, self.step or "", getdate(self.due_date))
		if self.status in (lifecycle.SKIPPED, lifecycle.EXPIRED) and not (self.skip_reason or "").strip():
			frappe.throw(_("Say why this outreach is skipped."))


def on_doctype_update():
	# the Today queue: an associate's open outreach by due date
	frappe.db.add_index("Client Outreach", ["assigned_to", "status", "due_date"])
	# the frequency cap and the customer's history
	frappe.db.add_index("Client Outreach", ["customer", "due_date"])
	# attribution: what reached her and when
	frappe.db.add_index("Client Outreach", ["customer", "sent_on"])
	# the day planned outreach falls due, and the daily withdrawal of what went stale
	frappe.db.add_index("Client Outreach", ["status", "due_date"])
	frappe.db.add_index("Client Outreach", ["status", "expires_on"])
