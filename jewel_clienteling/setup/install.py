"""install-app, migrate and uninstall-app for jewel_clienteling."""

import re

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

from jewel_clienteling.domain.loyalty import DEFAULT_TIER_THRESHOLDS
from jewel_clienteling.domain.preferences import DEFAULT_SOURCES
from jewel_clienteling.services import history, impact_months, mobile_keys, planner_occasions, review
from jewel_clienteling.setup import data_import_access, defaults
from jewel_clienteling.setup.custom_fields import CUSTOM_FIELDS, field_names
from jewel_clienteling.setup.custom_fields_moments import PROPERTY_SETTERS
from jewel_clienteling.setup.ownership import give_back_foreign_doctypes

MANAGER_ROLE = "Clienteling Manager"
QUIET_HOURS = ("21:00:00", "10:00:00")
_OUR_FIELD = re.compile(r"^jc_[a-z0-9_]+$")


def before_install():
	refresh_module_map()
	make_role()


def refresh_module_map():
	"""Frappe syncs an app's doctypes from the map of modules it read from Redis when the process
	started. A site used before this app was added to the bench holds a map without it, so
	install-app would sync none of our doctypes and fail half-way: read the map again from apps.txt."""
	if not frappe.local.app_modules or "jewel_clienteling" not in frappe.local.app_modules:
		frappe.cache.delete_value(["app_modules", "installed_app_modules"])
		frappe.setup_module_map()


def after_install():
	make_role()
	data_import_access.grant(MANAGER_ROLE)
	make_custom_fields()
	set_default_settings()
	defaults.add_missing()
	# a store with a past: her numbers get their keys now (install-app marks the patches done unrun)
	mobile_keys.fill(commit=True)
	impact_months.add_indexes()
	planner_occasions.add_indexes()
	review.make_weekly_emails()
	# the store's past sales are learnt in the background once install-app has committed
	history.start_after_install()


def after_migrate():
	make_role()
	data_import_access.grant(MANAGER_ROLE)
	make_custom_fields()
	fill_new_setting_defaults()
	settings = frappe.get_single("Clienteling Settings")
	if add_loyalty_defaults(settings):
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)
	defaults.add_missing()
	impact_months.add_indexes()
	planner_occasions.add_indexes()
	review.make_weekly_emails()


def before_uninstall():
	give_back_foreign_doctypes()  # uninstall deletes our module's doctypes: keep a neighbour's out of it
	remove_custom_fields()
	remove_property_setters()
	# the weekly review's emails name a report that goes with the app
	frappe.db.delete("Auto Email Report", {"report": review.REPORT})
	if frappe.db.exists("Kanban Board", defaults.REPAIR_BOARD):
		frappe.delete_doc("Kanban Board", defaults.REPAIR_BOARD, ignore_permissions=True, force=True)
	data_import_access.revoke(MANAGER_ROLE)  # before the role goes: Frappe leaves a role's rules behind
	if frappe.db.exists("Role", MANAGER_ROLE):
		frappe.delete_doc("Role", MANAGER_ROLE, ignore_permissions=True, force=True)


def make_role():
	if not frappe.db.exists("Role", MANAGER_ROLE):
		frappe.get_doc(
			{"doctype": "Role", "role_name": MANAGER_ROLE, "desk_access": 1, "is_custom": 0}
		).insert(ignore_permissions=True)


def make_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True, update=True)
	for doctype, fieldname, prop, value, prop_type in PROPERTY_SETTERS:
		where = {"doc_type": doctype, "field_name": fieldname, "property": prop, "value": value}
		if not frappe.db.exists("Property Setter", where):
			make_property_setter(
				doctype, fieldname, prop, value, prop_type, validate_fields_for_doctype=False
			)


def remove_property_setters():
	for doctype, fieldname, prop, _value, _type in PROPERTY_SETTERS:
		for name in frappe.get_all(
			"Property Setter",
			filters={"doc_type": doctype, "field_name": fieldname, "property": prop},
			pluck="name",
		):
			frappe.delete_doc("Property Setter", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def set_default_settings():
	settings = frappe.get_single("Clienteling Settings")
	if not settings.preference_sources:
		for source in DEFAULT_SOURCES:
			settings.append(
				"preference_sources",
				{
					"dimension": source.dimension,
					"source_type": source.source_type,
					"source_name": source.source_name,
				},
			)
	add_loyalty_defaults(settings)
	# Frappe fills every Time field of a new single with the current time; quiet hours need real values
	settings.quiet_hours_start = QUIET_HOURS[0]
	settings.quiet_hours_end = QUIET_HOURS[1]
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)


def add_loyalty_defaults(settings) -> bool:
	"""The first time: the usual tiers, and coins and bullion earning nothing."""
	if settings.tiers:
		return False
	for tier, min_spend in DEFAULT_TIER_THRESHOLDS:
		settings.append("tiers", {"tier": tier, "min_spend": min_spend})
	if not settings.earning_rules:
		for group in ("Gold Coins", "Bullion"):
			settings.append(
				"earning_rules", {"applies_to": "Item Group", "value": group, "points_per_100": 0}
			)
	return True


def fill_new_setting_defaults():
	"""A field added to Clienteling Settings by an upgrade starts at its default, not empty."""
	settings = "Clienteling Settings"
	singles = frappe.qb.DocType("Singles")
	stored = {
		row[0]
		for row in frappe.qb.from_(singles).select(singles.field).where(singles.doctype == settings).run()
	}
	for field in frappe.get_meta(settings).fields:
		if field.default is not None and field.fieldname not in stored and not field.is_virtual:
			frappe.db.set_single_value(settings, field.fieldname, field.default)


def remove_custom_fields():
	"""Delete our Custom Field records and drop their columns, so ERPNext's tables are as before.

	A table's columns go in one ALTER that also rebuilds it (FORCE): MariaDB drops a column
	"instantly" by hiding it, and hidden columns pile up with every install and uninstall until the
	table's rows are too wide to change at all."""
	by_doctype: dict[str, list[str]] = {}
	for doctype, fieldname in field_names():
		assert _OUR_FIELD.match(fieldname), fieldname  # identifiers below come only from our own list
		name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": fieldname})
		if name:
			frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		if frappe.db.has_column(doctype, fieldname):
			by_doctype.setdefault(doctype, []).append(fieldname)
	for doctype, columns in by_doctype.items():
		drops = ", ".join(f"DROP COLUMN IF EXISTS `{column}`" for column in columns)
		# DDL, which frappe.qb cannot write; the names come from our own field list (checked above)
		# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
		frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` {drops}, FORCE")
	for doctype in {doctype for doctype, _fieldname in field_names()}:
		frappe.clear_cache(doctype=doctype)
