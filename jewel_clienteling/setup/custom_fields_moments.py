"""Fields this app adds to ERPNext's Appointment (and, for custom orders, to Quotation and Sales
Order): imported into the one CUSTOM_FIELDS dict of setup/custom_fields.py, installed and removed
with the others."""

from jewel_clienteling.domain.appointments import PURPOSES

APPOINTMENT_FIELDS = [
	{
		"fieldname": "jc_clienteling_section",
		"fieldtype": "Section Break",
		"label": "Clienteling",
		"insert_after": "party",
	},
	{
		"fieldname": "jc_customer",
		"fieldtype": "Link",
		"options": "Customer",
		"label": "Customer",
		"insert_after": "jc_clienteling_section",
		"search_index": 1,
	},
	{
		"fieldname": "jc_lead",
		"fieldtype": "Link",
		"options": "Lead",
		"label": "Lead",
		"insert_after": "jc_customer",
		"depends_on": "eval:!doc.jc_customer",
	},
	{
		"fieldname": "jc_purpose",
		"fieldtype": "Select",
		"label": "Purpose",
		"options": "\n" + "\n".join(PURPOSES),
		"insert_after": "jc_lead",
		"in_list_view": 1,
		"in_standard_filter": 1,
	},
	{"fieldname": "jc_clienteling_column", "fieldtype": "Column Break", "insert_after": "jc_purpose"},
	{
		"fieldname": "jc_store",
		"fieldtype": "Link",
		"options": "POS Profile",
		"label": "Store",
		"insert_after": "jc_clienteling_column",
		"in_standard_filter": 1,
	},
	{
		"fieldname": "jc_associate",
		"fieldtype": "Link",
		"options": "User",
		"label": "Associate",
		"insert_after": "jc_store",
		"in_standard_filter": 1,
		"search_index": 1,
	},
	{
		"fieldname": "jc_pieces",
		"fieldtype": "Small Text",
		"label": "Pieces to Keep Ready",
		"insert_after": "jc_associate",
		"description": "One piece per line: item codes or words",
	},
	{
		"fieldname": "jc_no_show_on",
		"fieldtype": "Datetime",
		"label": "No-show Noted On",
		"insert_after": "jc_pieces",
		"read_only": 1,
		"no_copy": 1,
	},
]

# ERPNext asks an email of everyone who books on its website; a customer booked at the counter often
# has none. (doctype, field, property, value, property type), removed on uninstall like the fields.
PROPERTY_SETTERS = [("Appointment", "customer_email", "reqd", "0", "Check")]
