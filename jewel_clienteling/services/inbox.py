"""The WhatsApp inbox, on the receiving side: every message she writes lands on one conversation per
WhatsApp number (Clienteling Conversation), with an owner who is told at once.

A message from a number no customer has makes or updates her Lead (found by its E.164 key): stage
New, source WhatsApp, the number's store (else the settings' default store), and an owner taken in
turn among that store's associates. The turn is a Redis counter per store, incremented atomically,
so two drain jobs taking two strangers at once give them to two associates. A message that starts
an unanswered spell makes one ToDo for the conversation's owner and a Notification Log; later
messages of the same spell add nothing more (one open ToDo per conversation). A spell nobody
answers for the settings' hours becomes a ToDo for the store's manager (`escalate`, every ten
minutes). Runs inside the webhook's drain jobs (services/webhook.py), as Administrator.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, get_datetime, now_datetime, nowdate

from jewel_clienteling.domain import inbox as rules
from jewel_clienteling.domain.leads import STAGE_NEW
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.roles import MANAGER_ROLES

CONVERSATION = "Clienteling Conversation"
MESSAGE = "Clienteling WhatsApp Message"
LEAD_SOURCE = "WhatsApp"
STORE = "POS Profile"
ASSOCIATE_ROLE = "Sales User"
ESCALATE_PAGE = 500


# --- the store's people ------------------------------------------------------------------------


def store_people(store: str | None) -> tuple[list[str], list[str]]:
	"""(associates, managers) of a store: enabled users limited to it by a User Permission; its
	managers hold a managing role, its associates Sales User and none."""
	if not store:
		return [], []
	permission, user = DocType("User Permission"), DocType("User")
	users = [
		row[0]
		for row in frappe.qb.from_(permission)
		.join(user)
		.on(user.name == permission.user)
		.select(permission.user)
		.distinct()
		.where((permission.allow == STORE) & (permission.for_value == store) & (user.enabled == 1))
		.run()
	]
	roles: dict[str, set] = {}
	for row in frappe.get_all(
		"Has Role", filters={"parenttype": "User", "parent": ["in", users or [""]]}, fields=["parent", "role"]
	):
		roles.setdefault(row.parent, set()).add(row.role)
	managers = sorted(u for u in users if roles.get(u, set()) & set(MANAGER_ROLES))
	associates = sorted(u for u in users if u not in managers and ASSOCIATE_ROLE in roles.get(u, set()))
	return associates, managers


def store_managers(store: str | None) -> list[str]:
	"""Who answers for a store: its managers, else the settings' store manager, else every enabled
	Clienteling Manager (someone always sees what she wrote)."""
	managers = store_people(store)[1]
	if managers:
		return managers
	fallback = clienteling_settings.get_settings().store_manager
	if fallback:
		return [fallback]
	role, user = DocType("Has Role"), DocType("User")
	return (
		frappe.qb.from_(role)
		.join(user)
		.on(user.name == role.parent)
		.select(user.name)
		.distinct()
		.where((role.parenttype == "User") & (role.role == MANAGER_ROLES[0]) & (user.enabled == 1))
		.orderby(user.name)
		.run(pluck=True)
	)


def next_associate(store: str | None) -> str | None:
	"""The associate whose turn it is at this store (its managers when it has no associate)."""
	associates, managers = store_people(store)
	people = associates or managers
	if not people:
		return store_managers(store)[0] if store_managers(store) else None
	key = frappe.cache.make_key(f"jc:inbox:turn:{store}")
	# INCR is atomic across workers; make_key gives the site's own key
	# nosemgrep: frappe-semgrep-rules.rules.frappe-cache-breaks-multitenancy
	turn = cint(frappe.cache.incr(key)) - 1
	return rules.in_turn(people, turn)


def inbox_store() -> str | None:
	"""The store new enquiries belong to: the WhatsApp number's, else the settings' default."""
	number_store = frappe.db.get_single_value("Clienteling WhatsApp Settings", "store")
	return number_store or clienteling_settings.get_settings().get("default_store") or None


# --- taking in a message ------------------------------------------------------------------------


def conversation_for(phone: str, customer: str | None, outreach_owner: str | None, profile_name: str):
	"""Her conversation, locked for this transaction, made when she writes first; for a number no
	customer has, with her lead made or updated. Returns the conversation doc."""
	name = frappe.db.get_value(CONVERSATION, phone, "name", for_update=True)
	conversation = frappe.get_doc(CONVERSATION, name) if name else frappe.new_doc(CONVERSATION)
	conversation.phone = phone
	if customer:
		conversation.customer = customer
		home, customer_name, preferred = frappe.db.get_value(
			"Customer", customer, ["jc_home_store", "customer_name", "jc_preferred_associate"]
		)
		conversation.title = customer_name
		conversation.store = home or conversation.store or inbox_store()
		owner = outreach_owner or conversation.assigned_to or preferred
		conversation.assigned_to = owner or next_associate(conversation.store)
	else:
		lead = _lead_for(phone, profile_name, conversation)
		conversation.lead = lead.name
		conversation.title = lead.lead_name
		conversation.store = lead.jc_store
		conversation.assigned_to = lead.lead_owner or conversation.assigned_to
	return conversation


def _lead_for(phone: str, profile_name: str, conversation):
	"""Her latest lead with this number, or a new one: stage New, source WhatsApp, in turn."""
	found = frappe.get_all(
		"Lead", filters={"jc_mobile_e164": phone}, fields=["name"], order_by="creation desc", limit=1
	)
	if found:
		return frappe.get_doc("Lead", found[0].name)
	store = conversation.store or inbox_store()
	_ensure_source()
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": (profile_name or "").strip() or phone,
			"mobile_no": phone,
			"whatsapp_no": phone,
			"source": LEAD_SOURCE,
			"jc_stage": STAGE_NEW,
			"jc_store": store,
			"jc_mobile_e164": phone,
			"lead_owner": conversation.assigned_to or next_associate(store),
		}
	)
	lead.insert(ignore_permissions=True)
	return lead


def _ensure_source() -> None:
	if not frappe.db.exists("Lead Source", LEAD_SOURCE):
		frappe.get_doc({"doctype": "Lead Source", "source_name": LEAD_SOURCE}).insert(ignore_permissions=True)


def received(conversation, message: str, received_on, text: str | None, kind: str | None) -> None:
	"""Her message `message` is on the conversation: move its state and tell its owner when it starts
	an unanswered spell. Saves the conversation."""
	received_on = get_datetime(received_on)
	later = not conversation.last_inbound_at or get_datetime(conversation.last_inbound_at) <= received_on
	if later:  # a late redelivery never moves the conversation back
		conversation.last_inbound_at = received_on
		conversation.last_text = rules.preview(text, kind)
	if not conversation.last_message_at or get_datetime(conversation.last_message_at) < received_on:
		conversation.last_message_at = received_on
	conversation.unread = cint(conversation.unread) + 1
	conversation.unread_since = conversation.unread_since or received_on
	starts_spell = not conversation.unanswered_since
	if starts_spell:
		conversation.unanswered_since = received_on
	conversation.save(ignore_permissions=True)
	frappe.db.set_value(MESSAGE, message, "conversation", conversation.name, update_modified=False)
	if conversation.lead and later:
		frappe.db.set_value(
			"Lead", conversation.lead, "jc_last_message_at", received_on, update_modified=False
		)
	if starts_spell and conversation.assigned_to:
		alert(conversation, conversation.assigned_to, _("WhatsApp from {0}").format(conversation.title))


def alert(conversation, user: str, subject: str) -> bool:
	"""One open ToDo for `user` on this conversation (none added when one is open) and a Notification
	Log; False when she already had an open one."""
	if frappe.db.exists(
		"ToDo",
		{
			"reference_type": CONVERSATION,
			"reference_name": conversation.name,
			"allocated_to": user,
			"status": "Open",
		},
	):
		return False
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"reference_type": CONVERSATION,
			"reference_name": conversation.name,
			"description": f"{subject}: {conversation.last_text or ''}",
			"date": nowdate(),
			"priority": "High",
			"assigned_by": "Administrator",
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"document_type": CONVERSATION,
			"document_name": conversation.name,
			"subject": subject,
			"email_content": conversation.last_text,
			"from_user": "Administrator",
		}
	).insert(ignore_permissions=True)
	return True


def answered(conversation_name: str) -> None:
	"""Someone answered: the spell is over, its ToDos closed, nothing left to escalate."""
	frappe.db.set_value(
		CONVERSATION,
		conversation_name,
		{"unanswered_since": None, "escalated_on": None, "unread": 0, "unread_since": None},
		update_modified=False,
	)
	todo = DocType("ToDo")
	for name in (
		frappe.qb.from_(todo)
		.select(todo.name)
		.where(
			(todo.reference_type == CONVERSATION)
			& (todo.reference_name == conversation_name)
			& (todo.status == "Open")
		)
		.run(pluck=True)
	):
		frappe.db.set_value("ToDo", name, "status", "Closed")


# --- nothing goes unanswered ------------------------------------------------------------------


def escalate(now=None) -> int:
	"""Every ten minutes: each conversation unanswered for longer than the settings allow becomes a
	ToDo for its store's managers, once per unanswered spell. Returns how many went up."""
	now = get_datetime(now) if now else now_datetime()
	hours = cint(clienteling_settings.get_settings().get("escalate_after_hours"))
	conversation = DocType(CONVERSATION)
	rows = (
		frappe.qb.from_(conversation)
		.select(conversation.name)
		.where(
			(conversation.unanswered_since < rules.escalate_before(now, hours))
			& conversation.escalated_on.isnull()
		)
		.orderby(conversation.unanswered_since)
		.limit(ESCALATE_PAGE)
		.run(pluck=True)
	)
	for name in rows:
		doc = frappe.get_doc(CONVERSATION, name)
		for manager in store_managers(doc.store):
			alert(doc, manager, _("Unanswered for hours: WhatsApp from {0}").format(doc.title))
		frappe.db.set_value(CONVERSATION, name, "escalated_on", now, update_modified=False)
	return len(rows)


def forget(phones: list[str], lead: str | None = None) -> int:
	"""Her conversations go with her (privacy erasure): by any of her numbers, or by her lead."""
	names = frappe.get_all(CONVERSATION, filters={"phone": ["in", phones or [""]]}, pluck="name")
	if lead:
		names += frappe.get_all(CONVERSATION, filters={"lead": lead}, pluck="name")
	names = sorted(set(names))
	if names:
		frappe.db.delete("ToDo", {"reference_type": CONVERSATION, "reference_name": ("in", names)})
		frappe.db.delete("Notification Log", {"document_type": CONVERSATION, "document_name": ("in", names)})
		frappe.db.delete(CONVERSATION, {"name": ("in", names)})
	return len(names)
