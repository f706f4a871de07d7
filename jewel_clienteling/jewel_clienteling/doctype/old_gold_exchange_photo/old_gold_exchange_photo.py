# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OldGoldExchangePhoto(Document):
	pass
