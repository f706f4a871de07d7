"""Which app owns a doctype on this site. An older copy of this app took frappe_whatsapp's "WhatsApp
Message" and "WhatsApp Settings" over (same names); uninstall-app deletes every doctype of our module,
tables included, so nothing another app defines may stay in it."""

import os

import frappe
from frappe.modules import scrub

from jewel_clienteling.setup.neighbours import APP, MODULE


def other_owner(doctype: str) -> str | None:
	"""The module of another installed app whose files define this doctype, if one does."""
	for app in frappe.get_installed_apps():
		if app == APP:
			continue
		for module in frappe.get_module_list(app):
			path = os.path.join(frappe.get_app_path(app, scrub(module)), "doctype", scrub(doctype))
			if os.path.exists(os.path.join(path, scrub(doctype) + ".json")):
				return module
	return None


def give_back(doctype: str, owner: str) -> None:
	"""Our module no longer claims it: its owner's definition is imported again, data untouched."""
	frappe.db.set_value("DocType", doctype, "module", owner, update_modified=False)
	frappe.reload_doc(scrub(owner), "doctype", scrub(doctype), force=True)


def give_back_foreign_doctypes() -> list[str]:
	"""Before uninstall: every doctype in our module that another installed app defines goes back to it."""
	given = []
	for doctype in frappe.get_all("DocType", filters={"module": MODULE}, pluck="name"):
		owner = other_owner(doctype)
		if owner:
			give_back(doctype, owner)
			given.append(doctype)
	return given
