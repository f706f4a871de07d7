"""The catalogue an associate shared with her: no login, opened by the signed token in its link.
A token that opens nothing shows the same polite page as an expired one and reveals nothing."""

import frappe
from frappe import _

from jewel_clienteling.services import catalogue

no_cache = 1
sitemap = 0


def get_context(context):
	user_agent = frappe.get_request_header("User-Agent") if getattr(frappe.local, "request", None) else None
	found = catalogue.open_share(frappe.form_dict.get("t"), user_agent)
	context.no_cache = 1
	context.no_breadcrumbs = 1
	context.title = _("Pieces chosen for you")
	context.opened = bool(found)
	context.first_name = found["customer_name"] if found else ""
	context.pieces = found["pieces"] if found else []
	return context
