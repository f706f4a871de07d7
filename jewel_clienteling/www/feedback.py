"""Her one-tap feedback: no login, opened by the signed token in her message. The page shows only
its question; a score (and an optional comment) is taken once. A token that opens nothing shows the
same polite page as an expired one and reveals nothing."""

import frappe
from frappe import _

from jewel_clienteling.domain.feedback import MANAGER_CALLS, SCORES
from jewel_clienteling.services import feedback

no_cache = 1
sitemap = 0


def get_context(context):
	token = frappe.form_dict.get("t")
	request = getattr(frappe.local, "request", None)
	if request is not None and request.method == "POST":
		found = feedback.answer(token, frappe.form_dict.get("score"), frappe.form_dict.get("comment"))
	else:
		found = feedback.open_request(token)
	context.no_cache = 1
	context.no_breadcrumbs = 1
	context.title = _("How did we do?")
	context.state = found["state"]
	context.token = token if found["state"] == feedback.ASK else ""
	context.first_name = found.get("first_name") or ""
	context.low = found.get("follow_up") == MANAGER_CALLS
	context.review_url = found.get("review_url") or ""
	context.scores = SCORES
	context.csrf_token = frappe.sessions.get_csrf_token() if frappe.session.user != "Guest" else ""
	return context
