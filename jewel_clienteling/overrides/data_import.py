"""Frappe's Data Import, opened to a store's managers (setup/data_import_access.py) for what they may
import, and nothing more.

Frappe gives Data Import to System Managers only and trusts them with it: its server never asks
whether the user may import the chosen doctype (only its form's list does), and it reads the sheet
from whatever `import_file` names, a File record or a path on the server. For anyone else this class
checks both before a sheet is read, saved or imported: the doctype must be one the user's roles may
import (Frappe's own `can_import`), and the sheet a File the user may read. A System Manager's
imports run exactly as Frappe's."""

import frappe
from frappe import _
from frappe.core.doctype.data_import.data_import import DataImport
from frappe.permissions import can_import

SYSTEM_MANAGER = "System Manager"


class ClientelingDataImport(DataImport):
	def validate(self):
		check_allowed(self)
		return super().validate()

	@frappe.whitelist(methods=["POST"])
	def get_preview_from_template(
		self, import_file: str | None = None, google_sheets_url: str | None = None
	) -> dict | None:
		self.check_permission("read")  # as Frappe's own entry point does
		check_allowed(self, import_file)
		return super().get_preview_from_template(import_file, google_sheets_url)

	def start_import(self):
		check_allowed(self)
		return super().start_import()


def check_allowed(doc, import_file: str | None = None) -> None:
	if SYSTEM_MANAGER in frappe.get_roles():
		return
	doctype = doc.reference_doctype
	if doctype and not can_import(doctype):
		frappe.throw(
			_("You may not import {0}: your roles do not allow importing it. Ask a System Manager.").format(
				_(doctype)
			),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	for sheet in {import_file, doc.import_file} - {None, ""}:
		if not _readable_file(sheet):
			frappe.throw(
				_("Attach the sheet to this import; {0} is not a file you may read.").format(sheet),
				frappe.PermissionError,
				title=_("Not permitted"),
			)


def _readable_file(file_url: str) -> bool:
	return any(
		frappe.get_doc("File", name).has_permission("read")
		for name in frappe.get_all("File", filters={"file_url": file_url}, pluck="name")
	)
