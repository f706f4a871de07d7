"""Store limits on the inbox: an associate limited to her stores (services/store_access.py) reads only
their conversations, and only the WhatsApp messages of their customers and their leads. A
conversation or lead with no store yet is shared by all, as a customer with no home store is."""

import frappe

from jewel_clienteling.services import store_access
from jewel_clienteling.services.store_access import allowed_stores, sees_home_store


def _in(stores: list[str]) -> str:
	# Frappe takes these hooks' answers only as SQL text: values through the driver's own escaping
	return ", ".join(frappe.db.escape(store) for store in stores)


def conversation_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for Clienteling Conversation."""
	stores = allowed_stores(user)
	if stores is None:
		return ""
	table = "`tabClienteling Conversation`"
	return f"(ifnull({table}.`store`, '') = '' or {table}.`store` in ({_in(stores)}))"


def conversation_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	stores = allowed_stores(user)
	return None if sees_home_store(doc.get("store"), stores) else False


def message_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for Clienteling WhatsApp Message: her customer's store, as for every
	record about a customer, and her lead's store."""
	stores = allowed_stores(user)
	if stores is None:
		return ""
	table = "`tabClienteling WhatsApp Message`"
	about_customer = store_access.query_conditions(user, "Clienteling WhatsApp Message")
	# the lead's rule is the Lead list's own (its values escaped by the driver); the rest is fixed text
	about_lead = (
		f"({table}.`lead` is null or {table}.`lead` in (select `tabLead`.`name` from `tabLead` "  # noqa: S608
		f"where {store_access.lead_conditions(user)}))"
	)
	return f"({about_customer} and {about_lead})"


def message_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	if store_access.has_permission(doc, ptype, user) is False:
		return False
	stores = allowed_stores(user)
	if stores is None or not doc.get("lead"):
		return None
	return None if sees_home_store(frappe.db.get_value("Lead", doc.lead, "jc_store"), stores) else False
