"""Every field this app adds to ERPNext's doctypes, in one place. Installed on after_install and
after_migrate, removed (fields and columns) on uninstall."""

from jewel_clienteling.setup.custom_fields_feedback import STORE_FIELDS
from jewel_clienteling.setup.custom_fields_leads import CONSENT_VIA, LEAD_FIELDS
from jewel_clienteling.setup.custom_fields_moments import APPOINTMENT_FIELDS
from jewel_clienteling.setup.custom_fields_orders import ORDER_FIELDS, STAGE_FIELDS
from jewel_clienteling.setup.custom_fields_rhythm import RHYTHM_FIELDS

RELATIONS = "\nSelf\nSpouse\nDaughter\nSon\nMother\nFather\nSister\nBrother\nDaughter-in-law\nSon-in-law\nGrandchild\nFriend\nOther"
LIFECYCLE = "\nNew\nActive\nRepeat\nLoyal\nAt risk\nLapsed"
PURCHASE_OCCASIONS = "\nSelf\nAnniversary gift\nBirthday gift\nWedding\nEngagement\nFestival\nOther"
# a number's key (E.164) beside the number it is made from, on the Customer and on Contact Phone rows:
# finding her by mobile is an indexed equality read (services/mobile_keys keeps it, customer_lookup reads it)
MOBILE_KEY = "jc_mobile_e164"


def _ro(fieldname, fieldtype, label, insert_after, **extra):
	return {
		"fieldname": fieldname,
		"fieldtype": fieldtype,
		"label": label,
		"insert_after": insert_after,
		"read_only": 1,
		"no_copy": 1,
		"print_hide": 1,
		**extra,
	}


def _consent(channel: str, previous: str, quick_entry: int = 0) -> list[dict]:
	key = channel.lower()
	return [
		{
			"fieldname": f"jc_{key}_opt_in",
			"fieldtype": "Check",
			"label": f"{channel} Opt-in",
			"insert_after": previous,
			"description": f"The customer agreed to receive offers and greetings by {channel}",
			# asked when a new customer is made at the counter
			"allow_in_quick_entry": quick_entry,
		},
		_ro(f"jc_{key}_opt_in_on", "Datetime", f"{channel} Opt-in On", f"jc_{key}_opt_in"),
		{
			"fieldname": f"jc_{key}_opt_in_via",
			"fieldtype": "Select",
			"label": f"{channel} Opt-in Via",
			"options": CONSENT_VIA,
			"insert_after": f"jc_{key}_opt_in_on",
			"depends_on": f"jc_{key}_opt_in",
		},
	]


CUSTOMER_FIELDS = [
	{
		"fieldname": "jc_clienteling_tab",
		"fieldtype": "Tab Break",
		"label": "Clienteling",
		"insert_after": "portal_users",
	},
	{
		"fieldname": "jc_snapshot_html",
		"fieldtype": "HTML",
		"label": "Customer Snapshot",
		"insert_after": "jc_clienteling_tab",
	},
	{
		"fieldname": "jc_profile_section",
		"fieldtype": "Section Break",
		"label": "Profile",
		"insert_after": "jc_snapshot_html",
	},
	_ro("jc_first_purchase_date", "Date", "First Purchase", "jc_profile_section"),
	_ro("jc_last_purchase_date", "Date", "Last Purchase", "jc_first_purchase_date", search_index=1),
	_ro("jc_visits", "Int", "Visits", "jc_last_purchase_date"),
	_ro("jc_purchases", "Int", "Purchases", "jc_visits"),
	{"fieldname": "jc_profile_column", "fieldtype": "Column Break", "insert_after": "jc_purchases"},
	_ro("jc_lifetime_value", "Currency", "Lifetime Value", "jc_profile_column", search_index=1),
	_ro("jc_average_ticket", "Currency", "Average Ticket", "jc_lifetime_value"),
	_ro(
		"jc_lifecycle_stage",
		"Select",
		"Lifecycle Stage",
		"jc_average_ticket",
		options=LIFECYCLE,
		in_standard_filter=1,
	),
	_ro("jc_rfm_segment", "Data", "RFM Segment", "jc_lifecycle_stage", in_standard_filter=1),
	_ro(
		"jc_rfm_score",
		"Data",
		"RFM Score",
		"jc_rfm_segment",
		description="Recency, frequency and monetary scores, 1 to 5 each",
	),
	_ro("jc_profile_refreshed_on", "Datetime", "Profile Refreshed On", "jc_rfm_score"),
	_ro(
		"jc_profile_due_on", "Date", "Profile Changes On", "jc_profile_refreshed_on", hidden=1, search_index=1
	),
	{
		"fieldname": "jc_relationship_section",
		"fieldtype": "Section Break",
		"label": "Relationship",
		"insert_after": "jc_profile_due_on",
	},
	{
		"fieldname": "jc_preferred_associate",
		"fieldtype": "Link",
		"options": "User",
		"label": "Preferred Associate",
		"insert_after": "jc_relationship_section",
	},
	_ro(
		"jc_last_served_by",
		"Link",
		"Last Served By",
		"jc_preferred_associate",
		options="User",
		description="Who sold the customer's last purchase; the customer's outreach goes to them when there is no preferred associate",
	),
	{
		"fieldname": "jc_home_store",
		"fieldtype": "Link",
		"options": "POS Profile",
		"label": "Home Store",
		"insert_after": "jc_last_served_by",
		"no_copy": 1,
		"in_standard_filter": 1,
		"description": "The counter the customer first bought at. Associates limited to a store see its customers",
	},
	{
		"fieldname": "jc_relationship_column",
		"fieldtype": "Column Break",
		"insert_after": "jc_home_store",
	},
	{
		"fieldname": "jc_referred_by",
		"fieldtype": "Link",
		"options": "Customer",
		"label": "Referred By",
		"insert_after": "jc_relationship_column",
		"no_copy": 1,
		"allow_in_quick_entry": 1,
		"description": "The customer who referred this customer to us",
	},
	{
		"fieldname": "jc_consent_section",
		"fieldtype": "Section Break",
		"label": "Consent to Contact",
		"insert_after": "jc_referred_by",
	},
	{
		"fieldname": "jc_do_not_contact",
		"fieldtype": "Check",
		"label": "Do Not Contact",
		"insert_after": "jc_consent_section",
		"description": "No marketing or greeting of any kind, on any channel",
	},
	{
		"fieldname": "jc_preferred_channel",
		"fieldtype": "Select",
		"label": "Preferred Channel",
		"options": "\nWhatsApp\nSMS\nEmail",
		"insert_after": "jc_do_not_contact",
	},
	*RHYTHM_FIELDS,
	*_consent("WhatsApp", "jc_rhythm_set_on", quick_entry=1),
	{
		"fieldname": "jc_consent_column_1",
		"fieldtype": "Column Break",
		"insert_after": "jc_whatsapp_opt_in_via",
	},
	*_consent("SMS", "jc_consent_column_1"),
	{"fieldname": "jc_consent_column_2", "fieldtype": "Column Break", "insert_after": "jc_sms_opt_in_via"},
	*_consent("Email", "jc_consent_column_2"),
	_ro(
		"jc_erased_on",
		"Datetime",
		"Clienteling Data Erased On",
		"jc_email_opt_in_via",
		description="At the customer's request: the app forgot what it knew and will not contact the customer or rebuild the profile",
		depends_on="jc_erased_on",
	),
	_ro(
		"jc_whatsapp_last_inbound",
		"Datetime",
		"Last WhatsApp From Customer",
		"jc_erased_on",
		description="Free-text replies are allowed for 24 hours after this",
	),
	{
		"fieldname": "jc_loyalty_section",
		"fieldtype": "Section Break",
		"label": "Loyalty",
		"insert_after": "jc_whatsapp_last_inbound",
	},
	_ro(
		"jc_loyalty_points",
		"Int",
		"Points",
		"jc_loyalty_section",
		description="What the customer can spend today; kept equal to the Loyalty Ledger",
	),
	_ro("jc_loyalty_tier", "Data", "Tier", "jc_loyalty_points", in_standard_filter=1),
	{"fieldname": "jc_loyalty_column", "fieldtype": "Column Break", "insert_after": "jc_loyalty_tier"},
	_ro("jc_points_next_expiry", "Date", "Next Points Lapse On", "jc_loyalty_column", search_index=1),
	_ro("jc_points_expiring", "Int", "Points Lapsing Then", "jc_points_next_expiry"),
	_ro(MOBILE_KEY, "Data", "Mobile (E.164)", "mobile_no", hidden=1, search_index=1),
]

CONTACT_PHONE_FIELDS = [
	_ro(MOBILE_KEY, "Data", "Number (E.164)", "phone", hidden=1, search_index=1),
]

INVOICE_FIELDS = [
	{
		"fieldname": "jc_occasion_section",
		"fieldtype": "Section Break",
		"label": "Occasion of Purchase",
		"insert_after": "items",
		"collapsible": 1,
	},
	{
		"fieldname": "jc_purchase_occasion",
		"fieldtype": "Select",
		"label": "Purchase Occasion",
		"options": PURCHASE_OCCASIONS,
		"insert_after": "jc_occasion_section",
		"print_hide": 1,
	},
	{
		"fieldname": "jc_recipient_name",
		"fieldtype": "Data",
		"label": "Recipient",
		"insert_after": "jc_purchase_occasion",
		"print_hide": 1,
		"depends_on": "eval:doc.jc_purchase_occasion && doc.jc_purchase_occasion != 'Self'",
	},
	{"fieldname": "jc_occasion_column", "fieldtype": "Column Break", "insert_after": "jc_recipient_name"},
	{
		"fieldname": "jc_recipient_relation",
		"fieldtype": "Select",
		"label": "Recipient's Relation to Customer",
		"options": RELATIONS,
		"insert_after": "jc_occasion_column",
		"print_hide": 1,
		"depends_on": "eval:doc.jc_purchase_occasion && doc.jc_purchase_occasion != 'Self'",
	},
	{
		"fieldname": "jc_occasion_date",
		"fieldtype": "Date",
		"label": "Occasion Date",
		"insert_after": "jc_recipient_relation",
		"print_hide": 1,
		"depends_on": "jc_purchase_occasion",
		"description": "The day of the anniversary, birthday or wedding: it will be remembered every year",
	},
	{
		"fieldname": "jc_loyalty_section",
		"fieldtype": "Section Break",
		"label": "Loyalty Points",
		"insert_after": "jc_occasion_date",
		"collapsible": 1,
	},
	{
		"fieldname": "jc_redeem_points",
		"fieldtype": "Int",
		"label": "Redeem Points",
		"insert_after": "jc_loyalty_section",
		"no_copy": 1,
		"print_hide": 1,
		"non_negative": 1,
		"description": "Taken from the customer's balance when the invoice is submitted, as the additional discount",
	},
	{"fieldname": "jc_loyalty_column", "fieldtype": "Column Break", "insert_after": "jc_redeem_points"},
	_ro("jc_points_value", "Currency", "Points Discount", "jc_loyalty_column", options="currency"),
	_ro("jc_points_earned", "Int", "Points Earned", "jc_points_value"),
	_ro("jc_loyalty_posted", "Check", "Points Posted", "jc_points_earned", hidden=1),
	# the docstatus her profile last learnt from: the sweep looks for sales where it differs
	_ro("jc_profile_seen", "Int", "Profile Learnt", "jc_loyalty_posted", hidden=1),
]

ITEM_FIELDS = [
	{
		"fieldname": "jc_size",
		"fieldtype": "Data",
		"label": "Size",
		"insert_after": "item_name",
		"description": "Ring size, bangle size or chain length, as sold",
	},
	{
		"fieldname": "jc_making_charge",
		"fieldtype": "Currency",
		"label": "Making Charge",
		"options": "currency",
		"insert_after": "jc_size",
		"print_hide": 1,
		"non_negative": 1,
		"description": "The part of the amount that is making, not metal: loyalty points can be earned on it",
	},
]

CUSTOM_FIELDS = {
	"Appointment": APPOINTMENT_FIELDS,
	"Lead": LEAD_FIELDS,
	"POS Profile": STORE_FIELDS,
	("Quotation", "Sales Order"): ORDER_FIELDS,
	"Sales Order": STAGE_FIELDS,
	"Customer": CUSTOMER_FIELDS,
	("Sales Invoice", "POS Invoice"): INVOICE_FIELDS,
	("Sales Invoice Item", "POS Invoice Item"): ITEM_FIELDS,
	"Contact Phone": CONTACT_PHONE_FIELDS,
}


def field_names() -> list[tuple[str, str]]:
	"""(doctype, fieldname) of every field above."""
	pairs = []
	for doctypes, fields in CUSTOM_FIELDS.items():
		for doctype in (doctypes,) if isinstance(doctypes, str) else doctypes:
			pairs.extend((doctype, field["fieldname"]) for field in fields)
	return pairs
