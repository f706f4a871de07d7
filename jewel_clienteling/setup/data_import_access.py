"""A store's managers import the app's sheets through Frappe's Data Import, which Frappe gives to System
Managers only: one permission rule on Data Import for the Clienteling Manager role, added on install
and migrate and taken away on uninstall.

The rule is "if owner": a manager makes, starts and sees her own imports only (a sheet names customers,
and another store's manager has no business reading it). What she may import is still each doctype's
own import permission, which the role has on Occasion, Preference, Customer Note and Consent Change
(and which overrides/data_import.py makes Data Import check, as Frappe's form does but its server does
not).

Frappe keeps a doctype's permissions either as its standard rules (DocPerm) or, once anyone customises
them, as a full copy (Custom DocPerm) that replaces the standard ones. Adding our rule makes that copy
the first time. On uninstall our rule goes; the copy goes too only if this app made it (recorded when
it did) and it still says exactly what the standard rules say, so Data Import is again as Frappe ships
it and follows Frappe's own changes to it. A copy someone else made, or one changed since, stays: it
holds somebody's decision."""

import frappe
from frappe.core.doctype.doctype.doctype import clear_permissions_cache, validate_permissions_for_doctype
from frappe.permissions import copy_perms, rights

DATA_IMPORT = "Data Import"
GRANTED = ("read", "write", "create", "delete")
# set when this app made Data Import's Custom DocPerm copy, so uninstall knows the copy is ours
COPIED_BY_US = "jc_copied_data_import_perms"


def our_rule(role: str) -> dict:
	return {"parent": DATA_IMPORT, "role": role, "permlevel": 0, "if_owner": 1}


def grant(role: str) -> None:
	"""The manager role's rule on Data Import, once: a rule someone has since adjusted stays as it is."""
	if frappe.db.exists("Custom DocPerm", our_rule(role)):
		return
	if not frappe.db.exists("Custom DocPerm", {"parent": DATA_IMPORT}):
		copy_perms(DATA_IMPORT)
		frappe.db.set_global(COPIED_BY_US, "1")
	frappe.get_doc(
		{
			"doctype": "Custom DocPerm",
			"parenttype": "DocType",
			"parentfield": "permissions",
			**our_rule(role),
			**dict.fromkeys(rights, 0),
			**dict.fromkeys(GRANTED, 1),
		}
	).insert(ignore_permissions=True)
	validate_permissions_for_doctype(DATA_IMPORT)  # also clears Data Import's cached permissions


def revoke(role: str) -> None:
	"""Before uninstall: every Data Import rule of our role goes (the role goes with the app), and the
	copy of the standard rules if we made it and nothing else changed in it."""
	frappe.db.delete("Custom DocPerm", {"parent": DATA_IMPORT, "role": role})
	if frappe.db.get_global(COPIED_BY_US) and _rules("Custom DocPerm") == _rules("DocPerm"):
		frappe.db.delete("Custom DocPerm", {"parent": DATA_IMPORT})
	frappe.db.set_global(COPIED_BY_US, None)
	clear_permissions_cache(DATA_IMPORT)


def _rules(table: str) -> list[tuple]:
	rows = frappe.get_all(table, filters={"parent": DATA_IMPORT}, fields="*")
	flags = ("permlevel", "if_owner", *rights)
	return sorted((row.role, *(int(row.get(flag) or 0) for flag in flags)) for row in rows)
