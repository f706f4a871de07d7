"""A jeweller's sheet brought in the way the desk does it: the CSV attached as a File, a Data Import
made for it, and Frappe's own import run (at once, as Data Import runs while tests run). The import
commits each row, so these helpers make and remove what they use in committed transactions."""

import csv
import io
import json
from pathlib import Path

import frappe
from frappe.core.doctype.data_import.data_import import start_import

from jewel_clienteling.tests import fixtures as fx

SAMPLES = Path(frappe.get_app_path("jewel_clienteling", "templates", "import"))
RECORDS = ("Occasion", "Preference", "Customer Note", "Consent Change")


def commit() -> None:
	frappe.db.commit()  # nosemgrep: Data Import commits each row; what it reads must be committed


def csv_text(header: list[str], rows: list[list[str]]) -> str:
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(header)
	writer.writerows(rows)
	return out.getvalue()


def run_import(
	test, doctype: str, content: str, held_back: bool = False
) -> tuple[str, dict[int, frappe._dict]]:
	"""Import `content` (a CSV sheet) into `doctype`; the Data Import's status and its log by the
	sheet's row number (2 is the first row under the header), each with its messages' text. Unless
	`held_back`, the sheet must pass Data Import's own checks (then the status is its warnings)."""
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"jc-sheet-{frappe.generate_hash(length=8)}.csv",
			"content": content,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": doctype,
			"import_type": "Insert New Records",
			"import_file": file.file_url,
		}
	).insert()
	commit()
	test.addCleanup(remove_import, data_import.name, file.name)
	start_import(data_import.name)
	status, warnings = frappe.db.get_value("Data Import", data_import.name, ["status", "template_warnings"])
	if held_back:
		return warnings, {}
	test.assertFalse(warnings, "the sheet should have passed Data Import's own checks")
	log = {}
	for row in frappe.get_all(
		"Data Import Log",
		filters={"data_import": data_import.name},
		fields=["success", "docname", "messages", "row_indexes"],
		order_by="log_index",
	):
		(row_number,) = json.loads(row.row_indexes)
		messages = json.loads(row.messages or "[]")
		if isinstance(messages, str):  # a row that landed logs the text "[]"
			messages = json.loads(messages)
		row.text = " ".join(
			(frappe.parse_json(message) if isinstance(message, str) else message).get("message", "")
			for message in messages
		)
		log[row_number] = row
	return status, log


def remove_import(data_import: str, file: str) -> None:
	frappe.delete_doc("Data Import", data_import, force=True, ignore_permissions=True)
	frappe.delete_doc("File", file, force=True, ignore_permissions=True)
	commit()


def customer_with_mobile(test, mobile: str, **fields) -> str:
	"""A committed customer whose mobile is typed as `mobile`, removed with all her records after
	the test."""
	customer = fx.make_customer(mobile_no=mobile, **fields)
	commit()
	test.addCleanup(remove_customer, customer)
	return customer


def remove_customer(customer: str) -> None:
	for doctype in RECORDS:
		for name in frappe.get_all(doctype, filters={"customer": customer}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	contacts = frappe.get_all(
		"Dynamic Link",
		filters={"link_doctype": "Customer", "link_name": customer, "parenttype": "Contact"},
		pluck="parent",
	)
	frappe.db.set_value("Customer", customer, "customer_primary_contact", None)
	for contact in contacts:
		frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
	frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
	commit()


def records(doctype: str, customer: str) -> list[str]:
	return sorted(frappe.get_all(doctype, filters={"customer": customer}, pluck="name"))
