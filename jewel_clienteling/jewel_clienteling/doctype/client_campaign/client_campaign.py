# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.domain.outreach import CAMPAIGN as CAMPAIGN_REASON


class ClientCampaign(Document):
	@property
	def audience_count(self) -> int:
		from jewel_clienteling.services.campaigns import count_audience

		return count_audience(self)

	def validate(self):
		if not self.is_new() and self.has_value_changed("status"):
			frappe.throw(_("Start or stop the campaign with its buttons."))
		for field, doctype in (
			("outreach_template", "Outreach Template"),
			("whatsapp_template", "Clienteling WhatsApp Template"),
		):
			name = self.get(field)
			if name and frappe.db.get_value(doctype, name, "reason") != CAMPAIGN_REASON:
				frappe.throw(
					_("{0} {1} is not for campaigns: set its reason to Campaign.").format(_(doctype), name)
				)
		if self.status == "Running" and self.has_value_changed("send_on"):
			frappe.throw(_("Stop the campaign before changing when it is sent."))
		if self.status == "Running" and self.has_value_changed("segment"):
			frappe.throw(_("Stop the campaign before changing its segment."))
		if self.segment:
			from jewel_clienteling.services.segments import segment_rules

			segment_rules(self.segment)  # a segment whose rules make no sense is refused here
