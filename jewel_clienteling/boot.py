"""What the desk's JavaScript needs to know about the app at start, sent once with the boot."""

import frappe
from frappe.utils import cint

from jewel_clienteling.domain.rhythm import RHYTHMS, TIMES_OF_DAY
from jewel_clienteling.services.rhythm import CHANNELS
from jewel_clienteling.services.settings import get_settings


def boot_session(bootinfo) -> None:
	if frappe.session.user == "Guest":
		return
	settings = get_settings()
	bootinfo.jewel_clienteling = {
		"pos_panel": cint(settings.enabled) and cint(settings.pos_panel),
		"walk_in_customer": settings.walk_in_customer,
		# her rhythm's choices at the counter (domain/rhythm.py is their one home)
		"rhythms": ["", *RHYTHMS],
		"times_of_day": ["", *TIMES_OF_DAY],
		"channels": ["", *CHANNELS],
	}
