"""A store that planned before the stay-in-touch notes caught up this way: valued customers already
silent too long are caught up from the next planning day, a few a day per associate
(services/planner_rhythm.py); the catching up ends by itself when nobody is left."""

import frappe
from frappe.utils import cint

SETTINGS = "Clienteling Settings"


def execute():
	stored = frappe.db.get_singles_dict(SETTINGS)
	last_planned = stored.get("last_planned_on")
	if (
		last_planned
		and cint(stored.get("stay_in_touch_days")) > 0
		and not stored.get("stay_in_touch_backlog_since")
	):
		frappe.db.set_single_value(SETTINGS, "stay_in_touch_backlog_since", last_planned)
