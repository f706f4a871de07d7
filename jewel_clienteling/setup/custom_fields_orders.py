"""Fields this app adds to ERPNext's Quotation (the estimate) and Sales Order (the custom order):
imported into the one CUSTOM_FIELDS dict of setup/custom_fields.py, installed and removed with the
others. The same fields on both, so ERPNext's "Make Sales Order" carries them over; the stage is the
order's alone. Details stay editable after submit: a design is refined while the piece is made."""

from jewel_clienteling.domain.custom_orders import METALS, PURITIES, STAGES


def _field(fieldname, fieldtype, label, insert_after, **extra):
	return {
		"fieldname": fieldname,
		"fieldtype": fieldtype,
		"label": label,
		"insert_after": insert_after,
		"allow_on_submit": 1,
		"depends_on": "eval:doc.jc_custom_order",
		**extra,
	}


ORDER_FIELDS = [
	{
		"fieldname": "jc_custom_order_section",
		"fieldtype": "Section Break",
		"label": "Custom Order",
		"insert_after": "items",
		"collapsible": 1,
		"collapsible_depends_on": "eval:doc.jc_custom_order",
	},
	{
		"fieldname": "jc_custom_order",
		"fieldtype": "Check",
		"label": "Made to Order",
		"insert_after": "jc_custom_order_section",
		"in_standard_filter": 1,
		"search_index": 1,
		"description": "A piece made for the customer: design, size, metal and a promised date",
	},
	_field("jc_metal", "Select", "Metal", "jc_custom_order", options="\n" + "\n".join(METALS)),
	_field("jc_purity", "Select", "Purity", "jc_metal", options="\n" + "\n".join(PURITIES)),
	_field("jc_size", "Data", "Size", "jc_purity", description="Ring size, bangle size or chain length"),
	_field("jc_budget", "Currency", "Customer Budget", "jc_size", options="currency", non_negative=1),
	_field(
		"jc_promised_date",
		"Date",
		"Promised Date",
		"jc_budget",
		search_index=1,
		description="The day the customer was told the piece will be ready",
	),
	_field("jc_order_column", "Column Break", "", "jc_promised_date"),
	_field("jc_store", "Link", "Store", "jc_order_column", options="POS Profile", in_standard_filter=1),
	_field("jc_associate", "Link", "Associate", "jc_store", options="User", in_standard_filter=1),
	_field("jc_sketch", "Attach Image", "Sketch", "jc_associate"),
	_field("jc_design_notes", "Small Text", "Design Notes", "jc_sketch"),
	_field("jc_photos", "Table", "Photos and References", "jc_design_notes", options="Custom Order Photo"),
]

STAGE_FIELDS = [
	{
		"fieldname": "jc_order_stage",
		"fieldtype": "Select",
		"label": "Custom Order Stage",
		"options": "\n" + "\n".join(STAGES),
		"insert_after": "jc_custom_order",
		"allow_on_submit": 1,
		"no_copy": 1,
		"in_list_view": 1,
		"in_standard_filter": 1,
		"depends_on": "eval:doc.jc_custom_order",
		"description": "Each of design approved, in making and ready tells the customer once",
	},
]
