"""The manager's weekly review (report Weekly Clienteling Review): the counts behind each associate's
row, read set-based (a query per measure, grouped by associate), and the weekly email of it to each
store's managers through Frappe's own Auto Email Report.

Follow-ups are Client Outreach due in the period, by its assigned associate: done on time when it
reached her by its due date, overdue when still waiting after it, skipped with the reasons given.
Leads are ERPNext Leads by `lead_owner`: open ones by stage and age (days since made) as of today,
those whose next step's date has passed, and those closed (Won or Lost) in the period (by when the
lead last changed). Revenue is what the outreach due in the period brought (its attributed sales,
services/attribution.py) and what the customers her leads became bought in the period."""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Avg, Count, Date, IfNull, Sum
from frappe.utils import add_days, getdate, nowdate
from pypika.terms import CustomFunction

from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import review as rules
from jewel_clienteling.domain.leads import CLOSED_STAGES
from jewel_clienteling.services import inbox

DAYS_BETWEEN = CustomFunction("DATEDIFF", ["later", "earlier"])  # MariaDB's: whole days
REPORT = "Weekly Clienteling Review"
EMAIL = "Auto Email Report"


def period(filters) -> tuple:
	"""(from, to) of the review: the filters', else the seven days to today."""
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -6))
	if from_date > to_date:
		frappe.throw(_("The period ends before it starts."))
	return from_date, to_date


def review(filters) -> list[dict]:
	frappe.has_permission("Client Outreach", "report", throw=True)
	start, end = period(filters)
	store = filters.get("store") or None
	associate = filters.get("associate") or None
	found = rules.rows(
		outreach=_outreach(start, end, store),
		skipped_reasons=_skip_reasons(start, end, store),
		open_leads=_open_leads(store),
		lead_ages=_lead_ages(store),
		overdue_leads=_overdue_leads(store),
		closed_leads=_closed_leads(start, end, store),
		new_leads=_new_leads(start, end, store),
		lead_revenue=_lead_revenue(start, end, store),
		stores=_stores(),
	)
	return [row for row in found if not associate or row["associate"] == associate]


def _owner(column):
	return IfNull(column, rules.NOBODY)


def _outreach_query(start, end, store):
	outreach, customer = DocType("Client Outreach"), DocType("Customer")
	query = frappe.qb.from_(outreach).where((outreach.due_date >= start) & (outreach.due_date <= end))
	if store:
		query = (
			query.join(customer).on(customer.name == outreach.customer).where(customer.jc_home_store == store)
		)
	return query, outreach


def _outreach(start, end, store) -> dict[str, dict]:
	query, outreach = _outreach_query(start, end, store)
	reached = outreach.status.isin(lifecycle.REACHED)
	on_time = reached & (Date(outreach.sent_on) <= outreach.due_date)
	late = outreach.status.isin(lifecycle.OPEN) & (outreach.due_date < getdate(nowdate()))
	rows = (
		query.select(
			_owner(outreach.assigned_to).as_("person"),
			Count("*").as_("due"),
			Sum(Case().when(on_time, 1).else_(0)).as_("on_time"),
			Sum(Case().when(late, 1).else_(0)).as_("overdue"),
			Sum(Case().when(outreach.status == lifecycle.SKIPPED, 1).else_(0)).as_("skipped"),
			Sum(IfNull(outreach.attributed_amount, 0)).as_("revenue"),
		)
		.groupby(_owner(outreach.assigned_to))
		.run(as_dict=True)
	)
	return {
		row.person: {key: row[key] or 0 for key in ("due", "on_time", "overdue", "skipped", "revenue")}
		for row in rows
	}


def _skip_reasons(start, end, store) -> dict[str, list]:
	query, outreach = _outreach_query(start, end, store)
	found: dict[str, list] = {}
	for person, reason, n in (
		query.select(_owner(outreach.assigned_to), outreach.skip_reason, Count("*"))
		.where(outreach.status == lifecycle.SKIPPED)
		.groupby(_owner(outreach.assigned_to), outreach.skip_reason)
		.run()
	):
		found.setdefault(person, []).append((reason, n))
	return found


def _leads(store, condition):
	lead = DocType("Lead")
	query = frappe.qb.from_(lead).where(condition(lead))
	return (query.where(lead.jc_store == store) if store else query), lead


def _open(lead):
	return IfNull(lead.jc_stage, "").notin(sorted(CLOSED_STAGES))


def _open_leads(store) -> dict[str, dict[str, int]]:
	query, lead = _leads(store, _open)
	found: dict[str, dict] = {}
	for person, stage, n in (
		query.select(_owner(lead.lead_owner), IfNull(lead.jc_stage, "New"), Count("*"))
		.groupby(_owner(lead.lead_owner), IfNull(lead.jc_stage, "New"))
		.run()
	):
		found.setdefault(person, {})[stage] = n
	return found


def _lead_ages(store) -> dict[str, float]:
	query, lead = _leads(store, _open)
	today = getdate(nowdate())
	return dict(
		query.select(_owner(lead.lead_owner), Avg(DAYS_BETWEEN(today, Date(lead.creation))))
		.groupby(_owner(lead.lead_owner))
		.run()
	)


def _overdue_leads(store) -> dict[str, int]:
	today = getdate(nowdate())
	query, lead = _leads(store, lambda lead: _open(lead) & (lead.jc_next_action_on < today))
	return dict(query.select(_owner(lead.lead_owner), Count("*")).groupby(_owner(lead.lead_owner)).run())


def _closed_leads(start, end, store) -> dict[str, dict[str, int]]:
	query, lead = _leads(
		store,
		lambda lead: (
			lead.jc_stage.isin(sorted(CLOSED_STAGES))
			& (Date(lead.modified) >= start)
			& (Date(lead.modified) <= end)
		),
	)
	found: dict[str, dict] = {}
	for person, stage, n in (
		query.select(_owner(lead.lead_owner), lead.jc_stage, Count("*"))
		.groupby(_owner(lead.lead_owner), lead.jc_stage)
		.run()
	):
		found.setdefault(person, {})[stage] = n
	return found


def _new_leads(start, end, store) -> dict[str, int]:
	query, lead = _leads(store, lambda lead: (Date(lead.creation) >= start) & (Date(lead.creation) <= end))
	return dict(query.select(_owner(lead.lead_owner), Count("*")).groupby(_owner(lead.lead_owner)).run())


def _lead_revenue(start, end, store) -> dict[str, float]:
	"""What the customers her leads became bought in the period (a consolidated POS invoice is not a
	sale of its own: its POS invoices are counted)."""
	found: dict[str, float] = {}
	for doctype in ("Sales Invoice", "POS Invoice"):
		invoice, customer, lead = DocType(doctype), DocType("Customer"), DocType("Lead")
		query = (
			frappe.qb.from_(invoice)
			.join(customer)
			.on(customer.name == invoice.customer)
			.join(lead)
			.on(lead.name == customer.lead_name)
			.select(_owner(lead.lead_owner), Sum(invoice.base_grand_total))
			.where((invoice.docstatus == 1) & (invoice.posting_date >= start) & (invoice.posting_date <= end))
			.groupby(_owner(lead.lead_owner))
		)
		if doctype == "Sales Invoice":
			query = query.where(invoice.is_consolidated == 0)
		if store:
			query = query.where(lead.jc_store == store)
		for person, amount in query.run():
			found[person] = found.get(person, 0.0) + float(amount or 0)
	return found


def _stores() -> dict[str, str]:
	permission = DocType("User Permission")
	found: dict[str, list] = {}
	for user, store in (
		frappe.qb.from_(permission)
		.select(permission.user, permission.for_value)
		.where(permission.allow == inbox.STORE)
		.run()
	):
		found.setdefault(user, []).append(store)
	return {user: ", ".join(sorted(stores)) for user, stores in found.items()}


# --- the weekly email ---------------------------------------------------------------------------


def make_weekly_emails() -> list[str]:
	"""On install and migrate: for each store with managers (User Permission on the store and a
	managing role) and no weekly review email yet, Frappe's own Auto Email Report of this review to
	them, Mondays, enabled. One the store already has is never changed or dropped (it may have new
	recipients, or be switched off on purpose); a store with no manager gets none until it has one."""
	if not frappe.db.exists("Report", REPORT):
		return []
	made = []
	for store in frappe.get_all(inbox.STORE, filters={"disabled": 0}, pluck="name"):
		if _has_email(store):
			continue
		emails = [
			email
			for email in (frappe.db.get_value("User", user, "email") for user in inbox.store_people(store)[1])
			if email
		]
		if emails:
			made.append(_make_email(store, emails))
	return made


def _has_email(store: str) -> bool:
	return any(
		frappe.parse_json(filters or "{}").get("store") == store
		for filters in frappe.get_all(EMAIL, filters={"report": REPORT}, pluck="filters")
	)


def _make_email(store: str, emails: list[str]) -> str:
	doc = frappe.get_doc(
		{
			"doctype": EMAIL,
			"report": REPORT,
			"user": "Administrator",
			"enabled": 1,
			"email_to": "\n".join(sorted(emails)),
			"format": "HTML",
			"frequency": "Weekly",
			"day_of_week": "Monday",
			"filters": frappe.as_json({"store": store}),
			"description": _("The week's clienteling review of {0}").format(store),
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name
