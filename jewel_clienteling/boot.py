"""What the desk's JavaScript needs to know about the app at start, sent once with the boot."""

import frappe
from frappe.utils import cint

from jewel_clienteling.services.settings import get_settings


def boot_session(bootinfo) -> None:
	if frappe.session.user == "Guest":
		return
	settings = get_settings()
	bootinfo.jewel_clienteling = {
		"pos_panel": cint(settings.enabled) and cint(settings.pos_panel),
		"walk_in_customer": settings.walk_in_customer,
	}
