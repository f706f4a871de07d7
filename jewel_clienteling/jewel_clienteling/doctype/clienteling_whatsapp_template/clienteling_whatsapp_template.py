# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe import _
from frappe.model.document import Document

from jewel_clienteling.services.rendering import check_parameter


class ClientelingWhatsAppTemplate(Document):
	def validate(self):
		for row in self.get("parameters") or []:
			row.source = (row.source or "").strip()
			check_parameter(row.source, _("Parameter {0}").format(row.idx))
