"""The Clienteling workspace's number cards and charts, for store managers. Frappe's widgets call
these with POST (frappe.xcall) although they only read, so they answer both."""

import frappe
from frappe import _

from jewel_clienteling.services import dashboard, impact, inbox_desk
from jewel_clienteling.services.roles import require_any

MANAGERS = ("Clienteling Manager", "Sales Manager", "System Manager")


def _card(value, fieldtype: str, route: list[str], route_options: dict | None = None) -> dict:
	# a figure with nothing to count yet shows 0: Frappe's number card cannot draw an empty value
	return {
		"value": 0 if value is None else value,
		"fieldtype": fieldtype,
		"route": route,
		"route_options": route_options or {},
	}


@frappe.whitelist(methods=["GET", "POST"])
def occasions_next_30_days(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(dashboard.occasions_ahead(30), "Int", ["List", "Occasion", "Calendar"])


@frappe.whitelist(methods=["GET", "POST"])
def outreach_due_today(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(dashboard.outreach_due_today(), "Int", ["clienteling-today"])


@frappe.whitelist(methods=["GET", "POST"])
def repeat_purchase_rate(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(dashboard.repeat_rate(), "Percent", ["List", "Customer"], {"jc_purchases": [">=", 2]})


@frappe.whitelist(methods=["GET", "POST"])
def lapsed_customers(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(dashboard.lapsed_customers(), "Int", ["List", "Customer"], {"jc_lifecycle_stage": "Lapsed"})


@frappe.whitelist(methods=["GET", "POST"])
def open_repairs(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(dashboard.open_repairs(), "Int", ["List", "Repair Ticket", "Kanban", _("Repairs")])


@frappe.whitelist(methods=["GET", "POST"])
def points_liability(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(dashboard.points_liability(), "Currency", ["query-report", "Points Liability"])


@frappe.whitelist(methods=["GET", "POST"])
def outreach_funnel(chart_name: str | None = None, filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return dashboard.outreach_funnel()


@frappe.whitelist(methods=["GET", "POST"])
def attributed_revenue(chart_name: str | None = None, filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return dashboard.attributed_revenue()


@frappe.whitelist(methods=["GET", "POST"])
def repeat_rate_by_month(chart_name: str | None = None, filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return dashboard.repeat_rate_by_month()


# What remembering earns (the Clienteling Impact report's figures over the last 12 months). Read-only,
# so on a site with a read replica (read_from_replica) they are answered by the replica.
IMPACT_REPORT = ["query-report", "Clienteling Impact"]


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def come_back_rate(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(impact.recent_figure("come_back_rate", matured=True), "Percent", IMPACT_REPORT)


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def repeat_over_first_spend(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(impact.recent_figure("repeat_over_first"), "Float", IMPACT_REPORT)


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def timed_over_broadcast_replies(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(impact.recent_figure("timed_over_broadcast"), "Float", IMPACT_REPORT)


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def referred_spend(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(impact.recent_figure("referred_revenue"), "Currency", IMPACT_REPORT)


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def message_results_by_channel(chart_name: str | None = None, filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return impact.results_by_channel()


@frappe.whitelist(methods=["GET", "POST"])
def unread_conversations(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(
		inbox_desk.count("unread"), "Int", ["List", "Clienteling Conversation"], {"unread": [">", 0]}
	)


@frappe.whitelist(methods=["GET", "POST"])
def unanswered_conversations(filters: str | None = None) -> dict:
	require_any(MANAGERS, _("The clienteling figures are for store managers."))
	return _card(
		inbox_desk.count("unanswered"),
		"Int",
		["List", "Clienteling Conversation"],
		{"unanswered_since": ["is", "set"]},
	)
