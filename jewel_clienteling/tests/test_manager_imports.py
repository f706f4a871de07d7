"""A store's manager, who is not a System Manager, brings the app's sheets in through Frappe's Data
Import the way its form does, and nothing else: not another doctype, not another person's import,
not a file she may not read. Uninstall takes back only the permission rules the app added."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.user import UserPermissions

from jewel_clienteling.setup import data_import_access as access
from jewel_clienteling.setup.install import MANAGER_ROLE
from jewel_clienteling.tests import sheets
from jewel_clienteling.tests.test_imports import OCCASION_COLUMNS
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import (
	ASSOCIATE_USER,
	CLIENTELING_MANAGER_USER,
	SYSTEM_MANAGER_USER,
	as_request,
	make_role_users,
)

MANAGER = CLIENTELING_MANAGER_USER  # Clienteling Manager and Sales User, nothing more
METHODS = "frappe.core.doctype.data_import.data_import."
INSERT_DOC = "frappe.client.insert"


def new_import(doctype: str, import_file: str | None = None) -> dict:
	return {
		"doctype": "Data Import",
		"reference_doctype": doctype,
		"import_type": "Insert New Records",
		"import_file": import_file,
	}


def private_file(content: str) -> frappe._dict:
	name = f"jc-sheet-{frappe.generate_hash(length=8)}.csv"
	doc = {"doctype": "File", "file_name": name, "content": content, "is_private": 1}
	return frappe.get_doc(doc).insert()


class TestManagerImports(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_role_users()
		sheets.commit()  # Data Import commits each row it imports, and with it what came before

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_clienteling_manager_imports_occasions_through_data_import_as_its_form_does(self):
		customer = sheets.customer_with_mobile(self, unique_mobile())
		sheet = sheets.csv_text(
			OCCASION_COLUMNS,
			[
				[customer, "", "", "Birthday", "", "Self", "14-02", "Likes rose gold"],
				[customer, "", "", "Anniversary", "", "Self", "23/11/2009", ""],
			],
		)
		frappe.set_user(MANAGER)
		sheet_file = private_file(sheet)
		data_import = frappe.get_doc(new_import("Occasion", sheet_file.file_url)).insert()
		frappe.set_user("Administrator")
		sheets.commit()
		self.addCleanup(sheets.remove_import, data_import.name, sheet_file.name)

		# the form's Start Import button: the job runs here and now while tests run
		error = as_request(
			MANAGER, "POST", METHODS + "form_start_import", keep=True, data_import=data_import.name
		)

		self.assertIsNone(error, getattr(error, "messages", error))
		self.assertEqual(frappe.db.get_value("Data Import", data_import.name, "status"), "Success")
		landed = frappe.get_all(
			"Occasion",
			filters={"customer": customer},
			fields=["occasion_type", "day", "month", "year", "owner"],
			order_by="occasion_type",
		)
		self.assertEqual(
			[(o.occasion_type, o.day, o.month, o.year, o.owner) for o in landed],
			[("Anniversary", 23, "11", 2009, MANAGER), ("Birthday", 14, "2", 0, MANAGER)],
		)

	def test_she_may_not_import_what_her_roles_may_not_and_a_system_manager_still_may(self):
		# the form's Document Type list, as her desk loads it
		frappe.set_user(MANAGER)
		listed = UserPermissions(MANAGER)
		listed.build_permissions()
		frappe.set_user("Administrator")
		self.assertLessEqual(set(sheets.RECORDS), set(listed.can_import))
		self.assertFalse({"Customer", "Sales Invoice", "User"} & set(listed.can_import))
		for doctype in ("Customer", "Sales Invoice", "User"):
			with self.subTest(doctype=doctype):
				error = as_request(MANAGER, "POST", INSERT_DOC, doc=frappe.as_json(new_import(doctype)))
				self.assertIsInstance(error, frappe.PermissionError)
				self.assertIn(
					f"You may not import {doctype}: your roles do not allow importing it.",
					" ".join(error.messages),
				)
				# Frappe's own tool for a System Manager is as it was
				self.assertIsNone(
					as_request(
						SYSTEM_MANAGER_USER, "POST", INSERT_DOC, doc=frappe.as_json(new_import(doctype))
					)
				)
		for doctype in sheets.RECORDS:
			with self.subTest(doctype=doctype):
				self.assertIsNone(
					as_request(MANAGER, "POST", INSERT_DOC, doc=frappe.as_json(new_import(doctype)))
				)
		# an associate has no Data Import at all
		error = as_request(ASSOCIATE_USER, "POST", INSERT_DOC, doc=frappe.as_json(new_import("Occasion")))
		self.assertIsInstance(error, frappe.PermissionError)

	def test_she_cannot_start_an_import_of_customers_shared_with_her_nor_see_others_imports(self):
		customers = frappe.get_doc(new_import("Customer")).insert()  # a System Manager's
		self.assertFalse(frappe.has_permission("Data Import", "read", doc=customers, user=MANAGER))
		frappe.share.add_docshare(
			"Data Import", customers.name, MANAGER, write=1, flags={"ignore_share_permission": 1}
		)
		self.assertTrue(frappe.has_permission("Data Import", "write", doc=customers, user=MANAGER))

		error = as_request(MANAGER, "POST", METHODS + "form_start_import", data_import=customers.name)

		self.assertIsInstance(error, frappe.PermissionError)
		self.assertIn("You may not import Customer", " ".join(error.messages))

	def test_she_reads_no_file_through_an_import_but_her_own(self):
		secret = private_file("Customer,Mobile\nsomeone's,9876543210\n")  # a System Manager's
		frappe.set_user(MANAGER)
		mine = frappe.get_doc(new_import("Occasion")).insert()
		frappe.set_user("Administrator")
		for sheet in (secret.file_url, frappe.get_site_path("site_config.json")):
			with self.subTest(sheet=sheet):
				preview = as_request(
					MANAGER,
					"POST",
					METHODS + "get_preview_from_template",
					data_import=mine.name,
					import_file=sheet,
				)
				self.assertIsInstance(preview, frappe.PermissionError)
				self.assertIn(f"{sheet} is not a file you may read", " ".join(preview.messages))
				mine.import_file = sheet
				saved = as_request(MANAGER, "POST", "frappe.client.save", doc=frappe.as_json(mine))
				self.assertIsInstance(saved, frappe.PermissionError)


class TestUninstallTakesBackOurRule(FrappeTestCase):
	"""Each case starts from Data Import as Frappe ships it (no Custom DocPerm) and is undone after."""

	def setUp(self):
		frappe.db.savepoint("jc_data_import_rules")
		self.addCleanup(self.undo)
		frappe.db.delete("Custom DocPerm", {"parent": access.DATA_IMPORT})
		frappe.db.set_global(access.COPIED_BY_US, None)

	def undo(self):
		frappe.db.rollback(save_point="jc_data_import_rules")
		frappe.clear_cache()  # the defaults and permissions cached while the case ran

	def rules(self) -> list[tuple]:
		rows = frappe.get_all(
			"Custom DocPerm",
			filters={"parent": access.DATA_IMPORT},
			fields=["role", "if_owner", "`read`", "`export`"],
		)
		return sorted((r.role, r.if_owner, r.read, r.export) for r in rows)

	def test_a_copy_we_made_and_nobody_changed_goes_with_our_rule(self):
		access.grant(MANAGER_ROLE)
		access.grant(MANAGER_ROLE)  # every migrate: still one rule
		self.assertEqual(self.rules(), [(MANAGER_ROLE, 1, 1, 0), ("System Manager", 0, 1, 1)])

		access.revoke(MANAGER_ROLE)

		self.assertEqual(self.rules(), [], "Data Import is again as Frappe ships it")
		self.assertFalse(frappe.db.get_global(access.COPIED_BY_US))

	def test_a_copy_changed_since_stays_as_it_is(self):
		access.grant(MANAGER_ROLE)
		rule = {"parent": access.DATA_IMPORT, "role": "System Manager"}
		frappe.db.set_value("Custom DocPerm", frappe.db.get_value("Custom DocPerm", rule), "export", 0)

		access.revoke(MANAGER_ROLE)

		self.assertEqual(self.rules(), [("System Manager", 0, 1, 0)])

	def test_someone_elses_copy_and_rules_stay(self):
		frappe.permissions.add_permission(access.DATA_IMPORT, "Sales Manager")  # another app's, or a person's
		access.grant(MANAGER_ROLE)
		self.assertIn((MANAGER_ROLE, 1, 1, 0), self.rules())

		access.revoke(MANAGER_ROLE)

		self.assertEqual(self.rules(), [("Sales Manager", 0, 1, 1), ("System Manager", 0, 1, 1)])
