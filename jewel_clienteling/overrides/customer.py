"""Customer.validate: stamp when consent was given, and forget it when withdrawn; a customer made
by an associate limited to her store is her store's, and names no other store's customer as her
referrer; her mobile's key is kept (services/mobile_keys); a new rhythm withdraws what now crowds
her. Customer after_rename: her records' keys follow her new ID. Her clienteling records among the
form's connections."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from jewel_clienteling.services import duplicates, mobile_keys, rhythm, store_access

CHANNELS = ("whatsapp", "sms", "email")


def validate(doc, method=None):
	if doc.get("jc_referred_by") and doc.jc_referred_by == doc.name:
		frappe.throw(_("A customer cannot refer themselves."), title=_("Referred By"))
	if doc.is_new() and not doc.get("jc_home_store"):
		doc.jc_home_store = store_access.home_store_for_new()
	if doc.has_value_changed("jc_referred_by"):
		store_access.check_referrer(doc.get("jc_referred_by"))
	for channel in CHANNELS:
		opted_in = doc.get(f"jc_{channel}_opt_in")
		if opted_in and not doc.get(f"jc_{channel}_opt_in_on"):
			doc.set(f"jc_{channel}_opt_in_on", now_datetime())
			if not doc.get(f"jc_{channel}_opt_in_via"):
				doc.set(f"jc_{channel}_opt_in_via", "In store")
		elif not opted_in:
			doc.set(f"jc_{channel}_opt_in_on", None)
			doc.set(f"jc_{channel}_opt_in_via", None)
	if not doc.is_new() and any(
		doc.has_value_changed(field)
		for field in ("jc_contact_rhythm", "jc_preferred_time", "jc_preferred_channel")
	):
		doc.jc_rhythm_set_on = now_datetime()  # chosen on her form: a reply she sent before never undoes it
		if doc.has_value_changed("jc_contact_rhythm"):
			rhythm.hold_what_crowds_her(doc.name, doc.jc_contact_rhythm)
	mobile_keys.set_on_customer(doc)


def after_rename(doc, method=None, old: str | None = None, new: str | None = None, merge: bool = False):
	"""ERPNext renamed her, or merged another record into her: her records' keys follow her ID."""
	duplicates.rekey(new or doc.name)


def dashboard(data: dict) -> dict:
	"""Her clienteling records among the Customer form's connections."""
	data["transactions"].append(
		{
			"label": _("Clienteling"),
			"items": ["Occasion", "Preference", "Customer Note", "Walk-in Visit", "Client Outreach"],
		}
	)
	data["transactions"].append(
		{
			"label": _("Repairs, Old Gold and Points"),
			"items": ["Repair Ticket", "Old Gold Exchange", "Loyalty Ledger"],
		}
	)
	return data
