"""A store that ran the app before catching up existed: customers whose lapse came before the app's
first planning day were never asked back. They become the backlog, asked a few a day per associate
(services/planner_backlog.py), with the default allowance unless the store set one."""

import frappe

SETTINGS = "Clienteling Settings"


def execute():
	if "lapsed_backlog_per_associate" not in frappe.db.get_singles_dict(SETTINGS):
		frappe.db.set_single_value(SETTINGS, "lapsed_backlog_per_associate", 10)
	stored = frappe.db.get_singles_dict(SETTINGS)
	last_planned = stored.get("last_planned_on")
	if last_planned and not stored.get("lapsed_backlog_before"):
		frappe.db.set_single_value(SETTINGS, "lapsed_backlog_before", last_planned)
