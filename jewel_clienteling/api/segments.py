"""A segment's live count and first customers, its saved figures, and a campaign made from it."""

import json

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import lead_audience, segment_counts, segments

SEGMENT = segments.SEGMENT


@frappe.whitelist(methods=["GET"])
@arguments_required
def preview(segment: str, rules: str | None = None) -> dict:
	"""How many customers the segment holds and the first of them. `rules` (JSON rows) previews the
	form's rules before they are saved; without it, the saved segment's."""
	frappe.has_permission(SEGMENT, "read", throw=True)
	frappe.has_permission("Customer", "read", throw=True)
	if rules:
		try:
			rows = json.loads(rules)
		except ValueError:
			rows = None
		if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
			frappe.throw(_("The rules to preview must be a list of rows."))
		return _with_leads(segments.rules_of(rows))
	doc = frappe.get_doc(SEGMENT, segment)
	doc.check_permission("read")
	return _with_leads(segments.segment_rules(doc))


def _with_leads(rules: list) -> dict:
	"""The customers the rules hold, and the open leads (for a user who may read leads)."""
	found = segments.preview(rules)
	if frappe.has_permission("Lead", "read"):
		found.update(lead_audience.preview(rules))
	return found


@frappe.whitelist(methods=["GET"])
@arguments_required
def saved_counts(segments: str) -> dict:
	"""The saved figures of the named segments (a JSON list of names) as the user may read them: her
	stores' customers and open leads when she is limited to some, every store's otherwise."""
	frappe.has_permission(SEGMENT, "read", throw=True)
	try:
		names = json.loads(segments)
	except ValueError:
		names = None
	if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
		frappe.throw(_("The segments must be a list of names."))
	return segment_counts.saved_figures(names[:500])


@frappe.whitelist(methods=["POST"])
@arguments_required
def make_campaign(segment: str) -> str:
	"""A Draft Client Campaign to the segment's customers; returns its name."""
	frappe.has_permission("Client Campaign", "create", throw=True)
	frappe.has_permission(SEGMENT, "read", segment, throw=True)
	return segments.make_campaign(segment)
