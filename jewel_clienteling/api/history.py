"""Learning from past sales, started from Clienteling Settings by a manager."""

import frappe
from frappe import _

from jewel_clienteling.services import history
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.roles import require_manager


@frappe.whitelist(methods=["POST"])
def learn_history(restart: bool = False) -> dict:
	"""Queue learning every customer's profile from her past sales (or go on with an unfinished run;
	`restart` starts again from the first customer)."""
	require_manager(_("Only a clienteling manager can start learning from past sales."))
	if not clienteling_settings.is_enabled():
		frappe.throw(_("Turn on Learn from Sales first: nothing is learnt while it is off."))
	return _public(history.start(restart=bool(restart)))


@frappe.whitelist(methods=["GET"])
def progress() -> dict:
	"""Where learning from past sales stands: status, customers done of total, rate, expected end."""
	require_manager(_("Only a clienteling manager can see learning from past sales."))
	return _public(history.state())


def _public(state: dict) -> dict:
	return {key: value for key, value in state.items() if key != "cursor"}
