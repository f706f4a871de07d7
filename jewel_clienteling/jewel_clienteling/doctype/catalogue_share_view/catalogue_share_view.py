# Copyright (c) 2027, jewel_clienteling contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CatalogueShareView(Document):
	pass
