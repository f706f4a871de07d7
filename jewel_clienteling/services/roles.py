"""Who counts as a manager of clienteling: the app's own role, or a System Manager."""

import frappe

MANAGER_ROLES = ("Clienteling Manager", "System Manager")


def is_manager(user: str | None = None) -> bool:
	return bool(set(MANAGER_ROLES) & set(frappe.get_roles(user)))


def whose_queue(filters: dict, owner_field: str, associate: str | None = None) -> list | None:
	"""A work queue's rule, one home for every queue: an associate sees what is theirs and what
	nobody owns yet; a manager sees everyone's, or one associate's when named. Narrows `filters` and
	returns the or-filters for frappe.get_list."""
	if is_manager():
		if associate:
			filters[owner_field] = associate
		return None
	return [[owner_field, "=", frappe.session.user], [owner_field, "is", "not set"]]


def require_manager(message: str) -> None:
	"""Refuse with a 403 and `message` (already translated) unless the user is a manager."""
	if not is_manager():
		frappe.throw(message, frappe.PermissionError)


def require_any(roles: tuple[str, ...], message: str) -> None:
	"""Refuse with a 403 and `message` (already translated) unless the user holds one of `roles`.
	(frappe.only_for lets everyone through while tests run, so it cannot be tested.)"""
	if not set(roles) & set(frappe.get_roles()):
		frappe.throw(message, frappe.PermissionError)
