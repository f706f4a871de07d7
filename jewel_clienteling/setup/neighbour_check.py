"""What scripts/neighbours compares before and after each install, migrate and uninstall: another
app's doctypes (owner module, fields, table columns, indexes) and its records (rows, singles,
passwords), as one JSON line of digests per doctype. Run connected to the site directly, so it works
while this app is not installed."""

import hashlib
import json
import os

import frappe
from frappe.modules import scrub


def _doctypes_of(app: str) -> list[str]:
	"""Doctype names from the app's files (not from the site: a takeover changes the site's rows)."""
	names = []
	for module in frappe.get_module_list(app):
		folder = os.path.join(frappe.get_app_path(app, scrub(module)), "doctype")
		for entry in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
			path = os.path.join(folder, entry, entry + ".json")
			if os.path.exists(path):
				with open(path) as f:
					names.append(json.load(f)["name"])
	return names


def _digest(value) -> str:
	return hashlib.sha256(frappe.as_json(value, indent=None).encode()).hexdigest()[:16]


def _state(doctype: str) -> dict:
	row = frappe.db.get_value("DocType", doctype, ["module", "issingle"], as_dict=True)
	if not row:
		return {"missing": True}
	fields = frappe.get_all(
		"DocField",
		filters={"parent": doctype, "parenttype": "DocType"},
		fields=["fieldname", "fieldtype", "options", "reqd", "unique"],
		order_by="idx",
	)
	state = {"module": row.module, "fields": _digest(fields)}
	if row.issingle:
		singles = frappe.qb.DocType("Singles")
		values = (
			frappe.qb.from_(singles)
			.select(singles.field, singles.value)
			.where(singles.doctype == doctype)
			.orderby(singles.field)
			.run()
		)
		state["values"] = _digest(values)
	elif frappe.db.table_exists(doctype):
		state["columns"] = _digest(sorted(frappe.db.get_table_columns(doctype)))
		stats = frappe.qb.Schema("information_schema").statistics
		indexes = (
			frappe.qb.from_(stats)
			.select(stats.index_name, stats.column_name, stats.non_unique)
			.where((stats.table_schema == frappe.conf.db_name) & (stats.table_name == "tab" + doctype))
			.orderby(stats.index_name, stats.column_name)
			.run()
		)
		state["indexes"] = _digest(indexes)
		state["rows"] = frappe.db.count(doctype)
		state["data"] = _digest(frappe.get_all(doctype, fields=["*"], order_by="name"))
	auth = frappe.qb.Table("__Auth")
	secrets = (
		frappe.qb.from_(auth)
		.select(auth.name, auth.fieldname, auth.password)
		.where(auth.doctype == doctype)
		.orderby(auth.name, auth.fieldname)
		.run()
	)
	if secrets:
		state["passwords"] = _digest(secrets)
	return state


def snapshot(app: str = "frappe_whatsapp") -> None:
	"""Prints one JSON line: doctype → its state."""
	print(json.dumps({doctype: _state(doctype) for doctype in _doctypes_of(app)}, sort_keys=True))


def seed_whatsapp() -> None:
	"""What a store running frappe_whatsapp has: an account, its settings, messages both ways."""
	if not frappe.db.exists("WhatsApp Account", "Store Number"):
		frappe.get_doc(
			{
				"doctype": "WhatsApp Account",
				"account_name": "Store Number",
				"status": "Active",
				"phone_id": "1010",
				"business_id": "2020",
				"token": "secret-store-token",
				"webhook_verify_token": "verify-me",
				"is_default_incoming": 1,
				"is_default_outgoing": 1,
			}
		).insert(ignore_permissions=True, ignore_mandatory=True)
	frappe.db.set_single_value(
		"WhatsApp Settings",
		{"default_incoming_account": "Store Number", "default_outgoing_account": "Store Number"},
	)
	for n, kind in enumerate(("Incoming", "Outgoing")):
		message_id = f"wamid.neighbour.{n}"
		if not frappe.db.exists("WhatsApp Message", {"message_id": message_id}):
			doc = frappe.get_doc(
				{
					"doctype": "WhatsApp Message",
					"type": kind,
					"from": "919800000001" if kind == "Incoming" else None,
					"to": "919800000001" if kind == "Outgoing" else None,
					"message": f"{kind} message kept by frappe_whatsapp",
					"message_id": message_id,
					"content_type": "text",
					"whatsapp_account": "Store Number",
				}
			)
			doc.flags.ignore_mandatory = True
			doc.db_insert()  # as its webhook stores them, without sending anything
	# scripts/neighbours runs this over a bare frappe.connect(), where nothing else commits
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def crm_probe() -> None:
	"""What Frappe CRM's is_whatsapp_installed / is_whatsapp_enabled see (crm/api/whatsapp.py): the
	"WhatsApp Settings" doctype, and the Active account its default_outgoing_account names. Prints the
	owner module of that doctype (None when absent) and whether CRM would call WhatsApp enabled."""
	module = frappe.db.get_value("DocType", "WhatsApp Settings", "module")
	enabled = False
	if module:
		outgoing = frappe.db.get_single_value("WhatsApp Settings", "default_outgoing_account")
		enabled = bool(outgoing) and frappe.db.get_value("WhatsApp Account", outgoing, "status") == "Active"
	print(json.dumps({"module": module, "enabled": enabled}))
