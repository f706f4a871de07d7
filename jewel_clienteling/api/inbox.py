"""The WhatsApp inbox at the desk: the conversations of my stores, one conversation on a Lead's or
Customer's form, marking it read, and answering her (services/inbox_desk.py)."""

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import inbox_desk
from jewel_clienteling.services.roles import require_any


def _refused() -> str:
	return _("The WhatsApp inbox is for the store's staff.")


@frappe.whitelist(methods=["GET"])
def conversations(view: str = "all", start: int = 0, limit: int = 20) -> list[dict]:
	require_any(inbox_desk.STAFF, _refused())
	return inbox_desk.conversations(view, int(start or 0), int(limit or 20))


@frappe.whitelist(methods=["GET"])
@arguments_required
def conversation(doctype: str, name: str, before: str | None = None) -> dict:
	require_any(inbox_desk.STAFF, _refused())
	return inbox_desk.read(doctype, name, before)


@frappe.whitelist(methods=["POST"])
@arguments_required
def mark_read(conversation: str) -> None:
	require_any(inbox_desk.STAFF, _refused())
	inbox_desk.mark_read(conversation)


@frappe.whitelist(methods=["POST"])
@arguments_required
def reply(conversation: str, text: str | None = None, template: str | None = None) -> dict:
	require_any(inbox_desk.STAFF, _refused())
	return inbox_desk.reply(conversation, text, template)
