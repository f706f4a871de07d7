"""A campaign's buttons: start it, stop it, and how far it has got."""

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import campaigns
from jewel_clienteling.services.roles import require_manager

CAMPAIGN = campaigns.CAMPAIGN


@frappe.whitelist(methods=["POST"])
@arguments_required
def start(name: str) -> dict:
	"""Plan its messages in the background; progress appears on the form as it goes."""
	frappe.has_permission(CAMPAIGN, "write", name, throw=True)
	require_manager(_("Only a Clienteling Manager can start a campaign."))
	campaigns.start(name)
	return campaigns.progress(name)


@frappe.whitelist(methods=["POST"])
@arguments_required
def stop(name: str) -> dict:
	"""Stop it now: nothing more is planned and what has not gone out is withdrawn."""
	frappe.has_permission(CAMPAIGN, "write", name, throw=True)
	require_manager(_("Only a Clienteling Manager can stop a campaign."))
	withdrawn = campaigns.stop(name)
	return {**campaigns.progress(name), "withdrawn": withdrawn}


@frappe.whitelist(methods=["GET"])
@arguments_required
def progress(name: str) -> dict:
	frappe.has_permission(CAMPAIGN, "read", name, throw=True)
	return campaigns.progress(name)
