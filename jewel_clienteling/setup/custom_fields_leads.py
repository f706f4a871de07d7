"""Fields this app adds to ERPNext's Lead (an enquiry before the sale): imported into the one
CUSTOM_FIELDS dict of setup/custom_fields.py, installed and removed with the others. The source is
ERPNext's own Lead `source`; the owner is its own `lead_owner`; the customer she became is
ERPNext's own link back, Customer.lead_name (which also marks the Lead Converted)."""

from jewel_clienteling.domain.leads import BUDGET_BANDS, STAGE_NEW, STAGES

# how her consent was given, on the Customer and on the Lead (custom_fields.py imports it from here)
CONSENT_VIA = "\nIn store\nWhatsApp\nSMS\nEmail\nWebsite\nPhone call\nPaper form"


def _field(fieldname, fieldtype, label, insert_after, **extra):
	return {
		"fieldname": fieldname,
		"fieldtype": fieldtype,
		"label": label,
		"insert_after": insert_after,
	} | extra


LEAD_FIELDS = [
	_field("jc_enquiry_section", "Section Break", "Enquiry", "lead_owner", collapsible=0),
	_field(
		"jc_stage",
		"Select",
		"Stage",
		"jc_enquiry_section",
		options="\n".join(STAGES),
		default=STAGE_NEW,
		in_list_view=1,
		in_standard_filter=1,
		search_index=1,
	),
	_field(
		"jc_lost_reason", "Small Text", "Why It Was Lost", "jc_stage", depends_on="eval:doc.jc_stage=='Lost'"
	),
	_field(
		"jc_store",
		"Link",
		"Store",
		"jc_lost_reason",
		options="POS Profile",
		in_standard_filter=1,
		search_index=1,
	),
	_field("jc_next_action", "Data", "Next Step", "jc_store"),
	_field("jc_next_action_on", "Date", "Next Step On", "jc_next_action", in_list_view=1, search_index=1),
	_field("jc_enquiry_column", "Column Break", "", "jc_next_action_on"),
	_field("jc_looking_for", "Small Text", "Looking For", "jc_enquiry_column"),
	_field("jc_category", "Link", "Category", "jc_looking_for", options="Item Group"),
	_field("jc_budget_band", "Select", "Budget", "jc_category", options="\n" + "\n".join(BUDGET_BANDS)),
	_field("jc_occasion_type", "Data", "Occasion", "jc_budget_band"),
	_field("jc_occasion_date", "Date", "Occasion Date", "jc_occasion_type"),
	_field(
		"jc_mobile_e164",
		"Data",
		"Mobile (E.164)",
		"jc_occasion_date",
		read_only=1,
		hidden=1,
		search_index=1,
		no_copy=1,
		description="The mobile number in one form (+91…), kept by the app so a message finds this lead",
	),
	_field("jc_last_message_at", "Datetime", "Last Message", "jc_mobile_e164", read_only=1, no_copy=1),
	# days since the enquiry came in, worked out when the lead is read (the list shows it from creation)
	_field(
		"jc_age_days",
		"Int",
		"Age (Days)",
		"jc_next_action_on",
		is_virtual=1,
		read_only=1,
		options="frappe.utils.date_diff(frappe.utils.nowdate(), doc.creation) if doc.creation else 0",
	),
	_field(
		"jc_whatsapp_opt_in",
		"Check",
		"WhatsApp Opt-in",
		"jc_last_message_at",
		description="The lead agreed to receive offers and greetings by WhatsApp",
	),
	_field("jc_whatsapp_opt_in_on", "Datetime", "WhatsApp Opt-in On", "jc_whatsapp_opt_in", read_only=1),
	_field(
		"jc_whatsapp_opt_in_via",
		"Select",
		"WhatsApp Opt-in Via",
		"jc_whatsapp_opt_in_on",
		options=CONSENT_VIA,
		depends_on="jc_whatsapp_opt_in",
	),
	_field("jc_referred_by", "Link", "Referred By", "jc_whatsapp_opt_in_via", options="Customer"),
]
