"""Associates limited to their store see only that store's customers' clienteling records.

A store is a POS Profile; an associate is limited by a User Permission on it (the usual ERPNext
setup for a counter). Her Customer list then follows Frappe's own user permissions on the
Customer's Home Store; the app's records about customers (occasions, preferences, notes, outreach…)
follow here, by their customer's home store. Managers see every store. A customer with no home
store yet (she has not bought at a counter) is shared by all, as Frappe shares a record whose link
is empty."""

import frappe
from frappe import _
from frappe.permissions import get_user_permissions
from frappe.query_builder import DocType
from frappe.query_builder.functions import IfNull

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


def home_store_for_new(user: str | None = None, chosen: str | None = None) -> str | None:
	"""The home store of a customer she makes at the counter or the desk: the store she chose when it
	is one of hers, else her default store, else the first of hers. None when she is not limited (the
	first counter the customer buys at sets it, as before)."""
	stores = allowed_stores(user)
	if stores is None:
		return None
	if chosen in stores:
		return chosen
	permitted = get_user_permissions(user or frappe.session.user).get(STORE) or []
	default = sorted(row.get("doc") for row in permitted if row.get("is_default"))
	return default[0] if default else stores[0]


def sees_home_store(home_store: str | None, stores: list[str] | None) -> bool:
	"""Whether a customer with this home store is one of hers: every customer when she is not limited,
	and a customer with no home store yet is shared by all."""
	return stores is None or not home_store or home_store in stores


def may_see_customer(customer: str, user: str | None = None) -> bool:
	return sees_home_store(frappe.db.get_value("Customer", customer, "jc_home_store"), allowed_stores(user))


def check_referrer(referrer: str | None) -> None:
	"""Who referred her must be a customer the user may see: another store's is neither named nor
	credited."""
	if referrer and not may_see_customer(referrer):
		frappe.throw(
			_("Choose who referred this customer among your store's customers."),
			frappe.PermissionError,
			title=_("Referred By"),
		)


def customer_criterion(customer_table, stores: list[str]):
	"""The rule of `sees_home_store` as a query condition on a Customer table."""
	home = IfNull(customer_table.jc_home_store, "")
	return (home == "") | home.isin(stores)


def visible_customers(stores: list[str]):
	"""A sub-query of the names of the customers of these stores (and the shared ones)."""
	customer = DocType("Customer")
	return frappe.qb.from_(customer).select(customer.name).where(customer_criterion(customer, stores))


def only_her_customers(query, customer_table, user: str | None = None):
	"""`query` over Customer narrowed to the customers she sees; unchanged when she is not limited."""
	stores = allowed_stores(user)
	return query if stores is None else query.where(customer_criterion(customer_table, stores))


def only_her_records(query, customer_column, user: str | None = None):
	"""`query` over records about a customer narrowed, as query_conditions does for lists, to those of
	the customers she sees (and those about nobody); unchanged when she is not limited."""
	stores = allowed_stores(user)
	if stores is None:
		return query
	return query.where(customer_column.isnull() | customer_column.isin(visible_customers(stores)))


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
	nobody = f"{table}.`customer` is null"
	if frappe.get_meta(doctype).has_field("lead"):
		# a record about a lead who is no customer yet (a walk-in kept as a lead, her consent) follows
		# the lead's store
		nobody += (
			f" and ({table}.`lead` is null or {table}.`lead` in (select `tabLead`.`name` from `tabLead` "  # noqa: S608
			f"where ifnull(`tabLead`.`jc_store`, '') = '' or `tabLead`.`jc_store` in ({values})))"
		)
	return (
		f"(({nobody}) or {table}.`customer` in (select `tabCustomer`.`name` from "  # noqa: S608
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
		lead = doc.get("lead") if stores is not None else None
		if lead and not sees_home_store(frappe.db.get_value("Lead", lead, "jc_store"), stores):
			return False
		return None
	home = frappe.db.get_value("Customer", customer, "jc_home_store")
	return None if sees_home_store(home, stores) else False


# --- enquiries (ERPNext's Lead): a lead is her store's (jc_store); one with no store yet is shared ------


def check_store(store: str | None) -> None:
	"""A lead or record she files must be for one of her stores."""
	stores = allowed_stores()
	if store and stores is not None and store not in stores:
		frappe.throw(_("Choose one of your stores."), frappe.PermissionError, title=_("Store"))


def lead_criterion(lead_table, stores: list[str]):
	"""The rule of `sees_home_store` as a query condition on a Lead table, by the lead's store."""
	store = IfNull(lead_table.jc_store, "")
	return (store == "") | store.isin(stores)


def lead_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for Lead: a store-limited user lists her stores' leads (and those of
	no store yet). Users who are not limited (managers, ERPNext's Sales Users without a store) list
	what ERPNext lets them, unchanged."""
	stores = allowed_stores(user)
	if stores is None:
		return ""
	values = ", ".join(frappe.db.escape(store) for store in stores)
	return f"(ifnull(`tabLead`.`jc_store`, '') = '' or `tabLead`.`jc_store` in ({values}))"


def lead_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""has_permission for Lead: refuses another store's lead; otherwise the roles decide (None)."""
	stores = allowed_stores(user)
	if stores is None:
		return None
	return None if sees_home_store(doc.get("jc_store"), stores) else False
