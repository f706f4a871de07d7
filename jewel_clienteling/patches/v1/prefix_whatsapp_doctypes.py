"""Our WhatsApp doctypes once had names frappe_whatsapp owns ("WhatsApp Message", "WhatsApp Settings").
Runs before the model sync, so the prefixed doctypes arrive holding this store's data:

- a site where this app owns the old doctype (its module is ours): renamed, table and data with it;
- a site where frappe_whatsapp owns it: not touched;
- a site where an older copy of this app took frappe_whatsapp's doctype over: the doctype is given
  back (its module and definition re-imported from frappe_whatsapp), our rows and settings are copied
  into the prefixed doctypes, and nothing in frappe_whatsapp's table is deleted."""

import frappe
from frappe.model import no_value_fields
from frappe.modules import scrub

from jewel_clienteling.setup.neighbours import MODULE, RENAMED
from jewel_clienteling.setup.ownership import give_back, other_owner

PASSWORDS = ("access_token", "app_secret", "verify_token")


def execute():
	for old, new in RENAMED:  # the child table before its parent
		if frappe.db.get_value("DocType", old, "module") != MODULE or frappe.db.exists("DocType", new):
			continue
		owner = other_owner(old)
		if owner:
			_hand_back(old, new, owner)
		else:
			frappe.rename_doc("DocType", old, new, force=True, show_alert=False, rebuild_search=False)
			_move_passwords(old, new)
	frappe.clear_cache()


def _hand_back(old: str, new: str, owner: str) -> None:
	frappe.reload_doc("jewel_clienteling", "doctype", scrub(new), force=True)
	meta = frappe.get_meta(new)
	ours = [df.fieldname for df in meta.fields if df.fieldtype not in no_value_fields]
	if meta.issingle:
		singles = frappe.qb.DocType("Singles")
		rows = (
			frappe.qb.from_(singles)
			.select(singles.field, singles.value)
			.where((singles.doctype == old) & singles.field.isin(ours))
			.run()
		)
		for field, value in rows:
			frappe.db.set_single_value(new, field, value)
		_move_passwords(old, new, copy=True)
	elif frappe.db.has_column(old, "received_on"):  # only our rows have it
		columns = [
			c
			for c in ["name", "creation", "modified", "owner", "modified_by", *ours]
			if frappe.db.has_column(old, c)
		]
		for row in frappe.get_all(old, filters={"received_on": ("is", "set")}, fields=columns):
			if not frappe.db.exists(new, row.name):
				frappe.get_doc({"doctype": new, **row}).db_insert()
	give_back(old, owner)


def _move_passwords(old: str, new: str, copy: bool = False) -> None:
	"""A single's Password fields are kept in __Auth under its doctype name."""
	auth = frappe.qb.Table("__Auth")
	if not copy:
		frappe.qb.update(auth).set(auth.doctype, new).set(auth.name, new).where(
			(auth.doctype == old) & (auth.name == old)
		).run()
		return
	rows = (
		frappe.qb.from_(auth)
		.select(auth.fieldname, auth.password, auth.encrypted)
		.where((auth.doctype == old) & (auth.name == old) & auth.fieldname.isin(PASSWORDS))
		.run()
	)
	for fieldname, password, encrypted in rows:
		frappe.qb.into(auth).columns("doctype", "name", "fieldname", "password", "encrypted").insert(
			new, new, fieldname, password, encrypted
		).run()
