app_name = "jewel_clienteling"
app_title = "Jewel Clienteling"
app_publisher = "jewel_clienteling contributors"
app_description = (
	"Clienteling for jewellery stores: a memory of every customer, and the habit of reaching out"
)
app_email = "maintainers@jewel-clienteling.invalid"
app_license = "MIT"

required_apps = ["frappe/erpnext"]

# Install, migrate, uninstall
before_install = "jewel_clienteling.setup.install.before_install"
after_install = "jewel_clienteling.setup.install.after_install"
after_migrate = "jewel_clienteling.setup.install.after_migrate"
before_uninstall = "jewel_clienteling.setup.install.before_uninstall"
# frappe_whatsapp leaving the site: sending goes back to this app's own WhatsApp settings
before_app_uninstall = "jewel_clienteling.services.shared_number.forget_account"

# Tests: complete ERPNext's setup wizard on a fresh site and make our fixtures
before_tests = "jewel_clienteling.tests.fixtures.before_tests"
# ERPNext's company exists from here on: what the old gold exchange books into is made then
setup_wizard_success = "jewel_clienteling.setup.old_gold.after_setup_wizard"

doctype_js = {
	"Customer": [
		"public/js/snapshot.js",
		"public/js/moments.js",
		"public/js/customer.js",
		"public/js/conversation.js",
	],
	"Clienteling Conversation": "public/js/conversation.js",
	"Customer Note": "jewel_clienteling/doctype/customer_note/customer_note.js",
	"Sales Invoice": ["public/js/snapshot.js", "public/js/moments.js", "public/js/invoice.js"],
	"POS Invoice": ["public/js/snapshot.js", "public/js/moments.js", "public/js/invoice.js"],
	"Lead": ["public/js/lead.js", "public/js/conversation.js"],
}
# a lead's age and an overdue next step in ERPNext's Lead list
doctype_list_js = {"Lead": "public/js/lead_list.js"}

# Her snapshot beside the cart on ERPNext's point of sale (loaded with the page, no build step)
page_js = {
	"point-of-sale": [
		"public/js/snapshot.js",
		"public/js/moments.js",
		"public/js/rhythm.js",
		"public/js/pos_panel.js",
	],
}

# The Customer form's connections: her occasions, preferences, notes, repairs, points and outreach
override_doctype_dashboards = {"Customer": "jewel_clienteling.overrides.customer.dashboard"}

# Whether the POS panel is on, and which customer is the counter's walk-in
extend_bootinfo = "jewel_clienteling.boot.boot_session"

# Frappe's deletion and download requests for an associate's own account (a customer has no User:
# her requests go through api/privacy.py instead). An associate's name or email in these is replaced.
user_data_fields = [
	{"doctype": "Customer Note", "filter_by": "owner", "partial": 1},
	{"doctype": "Client Outreach", "filter_by": "assigned_to", "partial": 1},
	{"doctype": "Loyalty Ledger", "filter_by": "posted_by", "partial": 1},
	{"doctype": "Repair Ticket", "filter_by": "owner", "partial": 1},
	{"doctype": "Clienteling Privacy Log", "filter_by": "done_by", "partial": 1},
]

# QR codes on the repair intake receipt
jinja = {"methods": ["jewel_clienteling.services.repairs.qr_code"]}

# Associates limited to their store (a User Permission on POS Profile) see only its customers' records
_STORE_RECORDS = (
	"Occasion",
	"Preference",
	"Customer Note",
	"Client Outreach",
	"Clienteling WhatsApp Message",
	"Consent Change",
	"Repair Ticket",
	"Loyalty Ledger",
	"Clienteling Privacy Log",
	"Walk-in Visit",
	"Catalogue Share",
	"Customer Feedback",
	"Old Gold Exchange",
)
permission_query_conditions = dict.fromkeys(
	_STORE_RECORDS, "jewel_clienteling.services.store_access.query_conditions"
)
has_permission = dict.fromkeys(_STORE_RECORDS, "jewel_clienteling.services.store_access.has_permission")
# the inbox: a conversation by its store, a WhatsApp message by its customer's and its lead's store
permission_query_conditions["Clienteling Conversation"] = (
	"jewel_clienteling.services.inbox_access.conversation_conditions"
)
has_permission["Clienteling Conversation"] = "jewel_clienteling.services.inbox_access.conversation_permission"
permission_query_conditions["Clienteling WhatsApp Message"] = (
	"jewel_clienteling.services.inbox_access.message_conditions"
)
has_permission["Clienteling WhatsApp Message"] = "jewel_clienteling.services.inbox_access.message_permission"
# the Clienteling Impact report's monthly counts: a user limited to her stores lists only theirs
permission_query_conditions["Clienteling Impact Month"] = "jewel_clienteling.services.impact.month_conditions"
has_permission["Clienteling Impact Month"] = "jewel_clienteling.services.impact.month_permission"

# an enquiry (ERPNext's Lead) is its store's: an associate limited to a store sees only its leads
permission_query_conditions["Lead"] = "jewel_clienteling.services.store_access.lead_conditions"
has_permission["Lead"] = "jewel_clienteling.services.store_access.lead_permission"

# A booking made at the counter knows her, the store and the associate (ERPNext's own class serves the
# website's booking form unchanged)
override_doctype_class = {
	"Appointment": "jewel_clienteling.overrides.appointment.ClientelingAppointment",
	# a store's managers import the app's sheets: only what their roles may import, from files they may read
	"Data Import": "jewel_clienteling.overrides.data_import.ClientelingDataImport",
}

doc_events = {
	"POS Invoice": {
		"before_validate": "jewel_clienteling.overrides.invoice.before_validate",
		"validate": "jewel_clienteling.overrides.invoice.validate",
		"on_submit": "jewel_clienteling.overrides.invoice.on_submit",
		"on_cancel": "jewel_clienteling.overrides.invoice.on_cancel",
	},
	"Sales Invoice": {
		"before_validate": "jewel_clienteling.overrides.invoice.before_validate",
		"validate": "jewel_clienteling.overrides.invoice.validate",
		"on_submit": "jewel_clienteling.overrides.invoice.on_submit",
		"on_cancel": "jewel_clienteling.overrides.invoice.on_cancel",
	},
	"Appointment": {"on_update": "jewel_clienteling.overrides.appointment.on_update"},
	"Quotation": {
		"validate": "jewel_clienteling.overrides.custom_order.validate",
		"on_submit": "jewel_clienteling.services.leads.estimate_sent",
	},
	"Sales Order": {
		"validate": "jewel_clienteling.overrides.custom_order.validate",
		"before_update_after_submit": "jewel_clienteling.overrides.custom_order.before_update_after_submit",
		"on_submit": "jewel_clienteling.overrides.custom_order.on_submit",
		"on_update_after_submit": "jewel_clienteling.overrides.custom_order.on_submit",
		"on_cancel": "jewel_clienteling.overrides.custom_order.on_cancel",
	},
	"Lead": {
		"validate": "jewel_clienteling.services.leads.validate",
		"on_update": "jewel_clienteling.services.leads.on_update",
	},
	"Customer": {
		"validate": "jewel_clienteling.overrides.customer.validate",
		"on_update": "jewel_clienteling.services.lead_conversion.customer_on_update",
		"after_rename": "jewel_clienteling.overrides.customer.after_rename",
	},
	"Contact": {
		"validate": "jewel_clienteling.overrides.contact.validate",
		"on_update": "jewel_clienteling.overrides.contact.on_update",
	},
	# frappe_whatsapp's doctype, when the store shares its number (services/shared_inbound.py); on a
	# site without frappe_whatsapp this key names no doctype, and Frappe never looks it up
	"WhatsApp Message": {"on_update": "jewel_clienteling.services.shared_inbound.on_message"},
}

scheduler_events = {
	"cron": {
		"*/10 * * * *": [
			"jewel_clienteling.tasks.sweep_missed_sales",
			"jewel_clienteling.tasks.keep_impact",
			"jewel_clienteling.tasks.resume_learning_history",
			"jewel_clienteling.tasks.sweep_shared_number",
			"jewel_clienteling.tasks.escalate_unanswered",
		],
		"* * * * *": [
			"jewel_clienteling.tasks.send_outreach",
			"jewel_clienteling.tasks.sweep_webhook_events",
		],
		"*/15 * * * *": ["jewel_clienteling.tasks.sweep_appointments"],
	},
	"hourly": ["jewel_clienteling.tasks.outreach_falls_due"],
	"daily": ["jewel_clienteling.tasks.expire_stale_outreach"],
	"daily_long": ["jewel_clienteling.tasks.daily", "jewel_clienteling.tasks.recount_impact"],
}
