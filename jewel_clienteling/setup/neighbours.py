"""Names this app shares a site with. Pure (no frappe): read by the rename patch, the uninstall
guard and the pure collision test."""

MODULE = "Jewel Clienteling"
APP = "jewel_clienteling"

# Our doctypes once had these names; frappe_whatsapp owns "WhatsApp Message" and "WhatsApp Settings",
# and Frappe CRM takes "WhatsApp Settings" existing to mean frappe_whatsapp is there.
# The child table comes before its parent, so the parent's Table field follows the rename.
RENAMED = (
	("WhatsApp Template Parameter", "Clienteling WhatsApp Template Parameter"),
	("WhatsApp Template", "Clienteling WhatsApp Template"),
	("WhatsApp Message", "Clienteling WhatsApp Message"),
	("WhatsApp Settings", "Clienteling WhatsApp Settings"),
)

# What Frappe CRM probes (crm/api/whatsapp.py: is_whatsapp_installed, is_whatsapp_enabled,
# get_whatsapp_messages); none may ever be defined by this app
CRM_PROBES = ("WhatsApp Settings", "WhatsApp Message", "WhatsApp Account", "WhatsApp Templates")
