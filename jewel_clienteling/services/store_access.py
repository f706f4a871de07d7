"""Associates limited to their store see only that store's customers' clienteling records.

A store is a POS Profile; an associate is limited by a User Permission on it (the usual ERPNext
setup for a counter). Her Customer list then follows Frappe's own user permissions on the
Customer's Home Store; the app's records about customers (occasions, preferences, notes, outreach…)
follow here, by their customer's home store. Managers see every store. A customer with no home
store yet (she has not bought at a counter) is shared by all, as Frappe shares a record whose link
is empty."""

import frappe
from frappe.permissions import get_user_permissions

from jewel_clienteling.services.roles import is_manager

STORE = "POS Profile"


def allowed_stores(user: str | None = None) -> list[str] | None:
	"""The stores she is limited to; None when she is not limited (a manager, or no store set)."""
	user = user or frappe.session.user
	if user == "Administrator" or is_manager(user):
		return None
	permitted = get_user_permissions(user).get(STORE)
	if not permitted:
		return None
	return sorted({row.get("doc") for row in permitted})


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for the app's records about a customer (see hooks.py). Values go
	through frappe.db.escape: Frappe takes this hook's answer as SQL text."""
	stores = allowed_stores(user)
	if stores is None or not doctype:
		return ""
	table = f"`tab{doctype}`"
	values = ", ".join(frappe.db.escape(store) for store in stores)
	# Frappe takes this hook's answer only as SQL text; pypika's literals do not escape backslashes,
	# so the values go through the driver's own escaping instead
	return (
		f"({table}.`customer` is null or {table}.`customer` in (select `tabCustomer`.`name` from "  # noqa: S608
		f"`tabCustomer` where ifnull(`tabCustomer`.`jc_home_store`, '') = '' or "
		f"`tabCustomer`.`jc_home_store` in ({values})))"
	)


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""has_permission for the app's records about a customer: refuses a record of another store's customer;
	otherwise leaves the decision to the roles (None)."""
	stores = allowed_stores(user)
	customer = doc.get("customer") if stores is not None else None
	if not customer:
		return None
	home = frappe.db.get_value("Customer", customer, "jc_home_store")
	return None if not home or home in stores else False
