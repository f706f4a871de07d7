"""The WhatsApp inbox at the desk: the conversations of the user's stores, one conversation on a
Lead's or Customer's form, and her answer from there.

Reading goes through Frappe's permissions (frappe.get_list, has_permission): an associate limited
to a store sees only that store's conversations (services/inbox_access.py). An answer is free text
while her 24-hour window is open (domain/inbox.reply_kind, on domain/incoming.window_open, the rule
the outreach sender follows) and an approved template after it; it is sent to Meta at once, kept on
the conversation as an outbound message, and ends the unanswered spell (services/inbox.answered).
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_datetime, now_datetime

from jewel_clienteling.domain import inbox as rules
from jewel_clienteling.domain import incoming, messaging
from jewel_clienteling.domain import rendering as text_rules
from jewel_clienteling.domain.leads import STAGE_CONTACTED, STAGE_NEW
from jewel_clienteling.services import inbox, whatsapp
from jewel_clienteling.services.roles import MANAGER_ROLES, require_any

CONVERSATION, MESSAGE = inbox.CONVERSATION, inbox.MESSAGE
TEMPLATE = "Clienteling WhatsApp Template"
STAFF = ("Sales User", *MANAGER_ROLES)
LIST_FIELDS = [
	"name",
	"title",
	"lead",
	"customer",
	"store",
	"assigned_to",
	"last_message_at",
	"last_text",
	"unread",
	"unanswered_since",
]
VIEWS = ("all", "mine", "unread", "unanswered")
SINCE_EVER = "2000-01-01 00:00:00"
# each view's order, on the index its filter reads: the unanswered waiting longest first
ORDER = {"unread": "unread_since desc", "unanswered": "unanswered_since asc"}


def refusal(reason: str) -> str:
	"""Why an answer from the desk was not sent, in the user's language."""
	return {
		"empty": _("Write a message or choose an approved template."),
		"both": _("Send either a message or a template, not both."),
		"window_closed": _(
			"More than 24 hours have passed since their last message: WhatsApp allows only an approved "
			"template now. Choose a template."
		),
	}[reason]


def _staff_only() -> None:
	require_any(STAFF, _("The WhatsApp inbox is for the store's staff."))


def _filters(view: str) -> dict:
	return {
		"mine": {"assigned_to": frappe.session.user},
		# a range on their own indexes ("is set" would be `!= ''`, which reads every row)
		"unread": {"unread_since": [">", SINCE_EVER]},
		"unanswered": {"unanswered_since": [">", SINCE_EVER]},
	}.get(view, {})


def count(view: str) -> int:
	"""How many of the user's stores' conversations are in this view (one query, through permissions)."""
	rows = frappe.get_list(CONVERSATION, filters=_filters(view), fields=["count(name) as n"])
	return int(rows[0].n) if rows else 0


def conversations(view: str = "all", start: int = 0, limit: int = rules.INBOX_PAGE) -> list[dict]:
	"""The inbox: the user's stores' conversations, newest first, or the unanswered ones waiting longest
	first (one query, through permissions)."""
	_staff_only()
	return frappe.get_list(
		CONVERSATION,
		fields=LIST_FIELDS,
		filters=_filters(view),
		order_by=ORDER.get(view, "last_message_at desc"),
		start=max(int(start or 0), 0),
		page_length=min(max(int(limit or rules.INBOX_PAGE), 1), 100),
	)


def conversation_of(doctype: str, name: str):
	"""The conversation shown on a Lead's or Customer's form (her latest number's), read whole in one
	query; None when she has none."""
	field = {"Lead": "lead", "Customer": "customer", CONVERSATION: "name"}.get(doctype)
	if not field:
		frappe.throw(_("Conversations are shown on a Lead or a Customer."))
	found = frappe.get_all(
		CONVERSATION, filters={field: name}, fields=["*"], order_by="last_message_at desc", limit=1
	)
	return frappe.get_doc({"doctype": CONVERSATION, **found[0]}) if found else None


def _check_readable(doc) -> None:
	if not frappe.has_permission(CONVERSATION, "read", doc):
		frappe.throw(_("This conversation belongs to another store."), frappe.PermissionError)


def _readable(name: str):
	doc = frappe.get_doc(CONVERSATION, name)
	_check_readable(doc)
	return doc


def read(doctype: str, name: str, before: str | None = None) -> dict:
	"""One conversation: its state, its window and a page of messages, newest first."""
	_staff_only()
	doc = conversation_of(doctype, name)
	if not doc:
		return {"conversation": None, "messages": [], "templates": []}
	_check_readable(doc)
	message = DocType(MESSAGE)
	query = (
		frappe.qb.from_(message)
		.select(
			message.name,
			message.direction,
			message.received_on,
			message.kind,
			message.text,
			message.sent_by,
			message.profile_name,
		)
		.where(message.conversation == doc.name)
		.orderby(message.received_on, order=frappe.qb.desc)
		.limit(rules.CONVERSATION_PAGE + 1)
	)
	if before:
		query = query.where(message.received_on < get_datetime(before))
	rows = query.run(as_dict=True)
	last_inbound = get_datetime(doc.last_inbound_at) if doc.last_inbound_at else None
	return {
		"conversation": {field: doc.get(field) for field in (*LIST_FIELDS, "phone", "last_inbound_at")},
		"window_open": incoming.window_open(last_inbound, now_datetime()),
		"window_closes_at": rules.window_closes_at(last_inbound),
		"messages": rows[: rules.CONVERSATION_PAGE],
		"more": len(rows) > rules.CONVERSATION_PAGE,
		"templates": frappe.get_all(
			TEMPLATE, filters={"enabled": 1}, fields=["name", "template_name", "language"], order_by="name"
		),
	}


def mark_read(name: str) -> None:
	_staff_only()
	doc = _readable(name)
	if doc.unread:
		frappe.db.set_value(
			CONVERSATION, doc.name, {"unread": 0, "unread_since": None}, update_modified=False
		)


def reply(name: str, text: str | None = None, template: str | None = None) -> dict:
	"""Send her an answer from the desk now; refused with the reason when the window rule forbids it."""
	_staff_only()
	doc = _readable(name)
	last_inbound = get_datetime(doc.last_inbound_at) if doc.last_inbound_at else None
	try:
		kind = rules.reply_kind(last_inbound, now_datetime(), text, template)
	except rules.ReplyRefused as refused:
		frappe.throw(refusal(refused.reason), title=_("Not sent"))
	if not whatsapp.is_enabled():
		frappe.throw(_("WhatsApp is not set up: a manager fills in Clienteling WhatsApp Settings."))
	try:
		if kind == rules.FREE_TEXT:
			payload, shown = messaging.build_text_payload(doc.phone, text.strip()), text.strip()
		else:
			payload, shown = _template_payload(doc, template)
	except messaging.MessagingError as error:
		frappe.throw(_("This message cannot be sent: {0}").format(error))
	result = whatsapp.send_now(payload)
	if not result.ok:
		if result.outcome.needs_template:
			frappe.throw(refusal("window_closed"), title=_("Not sent"))
		frappe.throw(
			_("WhatsApp did not take the message: {0}").format(
				result.error_title or result.error_message or result.error_code or result.http_status
			)
		)
	return _keep(doc, result.message_id, kind, shown)


def _template_payload(doc, template: str | None) -> tuple[dict, str]:
	row = frappe.db.get_value(
		TEMPLATE, {"name": template, "enabled": 1}, ["name", "template_name", "language"], as_dict=True
	)
	if not row:
		frappe.throw(_("Choose an approved WhatsApp template."))
	user = frappe.session.user
	variables = {
		"customer_name": doc.title,
		"first_name": (doc.title or "").split(" ")[0],
		"associate_name": frappe.utils.get_fullname(user),
		"store_name": doc.store,
	}
	values = []
	for source in whatsapp.template_parameters(row.name):
		try:
			values.append(text_rules.parameter_text(source, variables))
		except text_rules.RenderFailed:
			frappe.throw(_("Template {0} needs details a conversation does not have.").format(row.name))
	payload = messaging.build_template_payload(doc.phone, row.template_name, row.language, values)
	return payload, _("Template: {0}").format(row.template_name)


def _keep(doc, message_id: str, kind: str, shown: str) -> dict:
	"""The answer on her conversation; the unanswered spell over; a new lead now Contacted."""
	moment = now_datetime()
	message = frappe.get_doc(
		{
			"doctype": MESSAGE,
			"message_id": message_id or f"desk-{frappe.generate_hash(length=20)}",
			"customer": doc.customer,
			"lead": None if doc.customer else doc.lead,
			"conversation": doc.name,
			"phone": doc.phone,
			"received_on": moment,
			"kind": kind,
			"text": shown,
			"direction": rules.OUTBOUND,
			"sent_by": frappe.session.user,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		CONVERSATION,
		doc.name,
		{"last_message_at": moment, "last_text": rules.preview(shown)},
		update_modified=False,
	)
	inbox.answered(doc.name)
	if doc.lead and frappe.db.get_value("Lead", doc.lead, "jc_stage") == STAGE_NEW:
		frappe.db.set_value("Lead", doc.lead, "jc_stage", STAGE_CONTACTED)
	return {"message": message.name, "message_id": message.message_id, "sent_on": moment}
