"""What remembering earns, added up: the Clienteling Impact report and its workspace cards.

Two GROUP BY queries over Clienteling Impact Month (kept from the invoices and messages by
services/impact_months.py and impact_upkeep.py), one for visits and one for outreach, grouped by the report's column
(before and after the app, store, associate or month); domain/impact.py turns the counts into
figures. A user limited to her stores (services/store_access) sees only theirs: visits at them, and
outreach to the customers whose home store they are.
"""

from dataclasses import dataclass
from datetime import date

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import IfNull, Min, Sum
from frappe.utils import flt, getdate, nowdate
from pypika.terms import ValueWrapper

from jewel_clienteling.domain import impact as rules
from jewel_clienteling.services.impact_months import MESSAGES, MONTH, OUTREACH, VISITS
from jewel_clienteling.services.store_access import allowed_stores

MODULE = "Jewel Clienteling"


@dataclass(frozen=True)
class Scope:
	first: date  # the period, whole months
	last: date
	compare: str
	arrival: date | None
	stores: list[str] | None  # None: every store
	associate: str | None
	today: date


def arrival_date() -> date | None:
	"""The day the app arrived: its module's install, or its first message if that was earlier."""
	installed = frappe.db.get_value("Module Def", MODULE, "creation")
	outreach = DocType(OUTREACH)
	first_sent = frappe.qb.from_(outreach).select(Min(outreach.sent_on)).run()[0][0]
	return rules.arrival(
		getdate(installed) if installed else None, getdate(first_sent) if first_sent else None
	)


def scope_from(filters: dict, user: str | None = None) -> Scope:
	"""The filters made whole: the period in whole months (by default from a year before the app
	arrived until this month), the stores she may see, and the comparison."""
	filters = frappe._dict(filters or {})
	today = getdate(filters.today or nowdate())
	arrival = getdate(filters.arrival) if filters.arrival else arrival_date()
	start = (arrival or today).replace(day=1)
	first, last = rules.whole_months(
		getdate(filters.from_date) if filters.from_date else start.replace(year=start.year - 1),
		getdate(filters.to_date) if filters.to_date else today,
	)
	if first > last:
		frappe.throw(_("The period ends before it starts."))
	compare = filters.compare or rules.BEFORE_AND_AFTER
	if compare not in rules.COMPARE:
		frappe.throw(_("Compare by one of: {0}").format(", ".join(_(c) for c in rules.COMPARE)))
	return Scope(
		first=first,
		last=last,
		compare=compare,
		arrival=arrival,
		stores=stores_for(filters.store, user),
		associate=filters.associate or None,
		today=today,
	)


def stores_for(store: str | None, user: str | None = None) -> list[str] | None:
	"""The stores counted: the one chosen, else all; a user limited to her stores never more than
	hers (choosing another store is refused)."""
	permitted = allowed_stores(user)
	if store:
		if permitted is not None and store not in permitted:
			frappe.throw(_("You can see the figures of your own store only."), frappe.PermissionError)
		return [store]
	return permitted


def _query(scope: Scope, source: str):
	"""The month rows of `source` in scope, and the report column each falls in (as SQL)."""
	table = DocType(MONTH)
	if scope.compare == rules.STORE:
		column = IfNull(table.store, "")
	elif scope.compare == rules.ASSOCIATE:
		column = IfNull(table.associate, "")
	elif scope.compare == rules.MONTH:
		column = table.month
	elif scope.arrival is None:
		column = ValueWrapper(rules.AFTER)
	else:
		column = Case().when(table.month < scope.arrival.replace(day=1), rules.BEFORE).else_(rules.AFTER)
	query = (
		frappe.qb.from_(table)
		.where((table.source == source) & (table.month >= scope.first) & (table.month <= scope.last))
		.groupby(column)
	)
	if scope.stores is not None:
		query = query.where(table.store.isin(scope.stores or [""]))
	if scope.associate:
		query = query.where(table.associate == scope.associate)
	return table, column, query


def _key(value) -> str:
	return value.isoformat() if isinstance(value, date) else str(value)


def visit_counts(scope: Scope, counts: dict[str, rules.Counts]) -> None:
	"""First and repeat visits, their spend, referrals and come-back, into `counts` by column."""
	table, column, query = _query(scope, VISITS)
	matured = table.month <= rules.last_matured_month(scope.today)
	rows = (
		query.select(
			column.as_("col"),
			table.first_visit,
			table.referred,
			Sum(table.visits).as_("visits"),
			Sum(table.amount).as_("amount"),
			Sum(Case().when(matured, table.visits).else_(0)).as_("matured"),
			Sum(Case().when(matured, table.came_back).else_(0)).as_("came_back"),
		)
		.groupby(table.first_visit, table.referred)
		.run(as_dict=True)
	)
	for row in rows:
		found = counts.setdefault(_key(row.col), rules.Counts())
		visits, amount = int(row.visits or 0), flt(row.amount)
		if row.first_visit:
			found.first_visits += visits
			found.first_amount += amount
			found.first_time_buyers += visits
			found.matured_buyers += int(row.matured or 0)
			found.came_back += int(row.came_back or 0)
		else:
			found.repeat_visits += visits
			found.repeat_amount += amount
		if row.referred:
			found.referred_visits += visits
			found.referred_amount += amount
			found.referred_new_buyers += visits if row.first_visit else 0


def outreach_counts(scope: Scope, counts: dict[str, rules.Counts]) -> None:
	"""What went out in the period, by reason and channel, and what became of it, into `counts`."""
	table, column, query = _query(scope, MESSAGES)
	rows = (
		query.select(
			column.as_("col"),
			table.reason,
			table.channel,
			*(Sum(table[name]).as_(name) for name in ("sent", "delivered", "read", "replied", "converted")),
			Sum(table.revenue).as_("revenue"),
		)
		.groupby(table.reason, table.channel)
		.run(as_dict=True)
	)
	for row in rows:
		messages = rules.Messages(
			sent=int(row.sent or 0),
			delivered=int(row.delivered or 0),
			read=int(row.read or 0),
			replied=int(row.replied or 0),
			converted=int(row.converted or 0),
			revenue=flt(row.revenue),
		)
		counts.setdefault(_key(row.col), rules.Counts()).add_messages(row.reason, row.channel, messages)


def impact(scope: Scope) -> dict[str, rules.Counts]:
	"""Everything counted, by column key."""
	counts: dict[str, rules.Counts] = {}
	visit_counts(scope, counts)
	outreach_counts(scope, counts)
	return counts


def month_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for Clienteling Impact Month: a user limited to her stores lists
	only their rows. Values go through frappe.db.escape (Frappe takes this answer as SQL text)."""
	stores = allowed_stores(user)
	if stores is None:
		return ""
	values = ", ".join(frappe.db.escape(store) for store in stores) or "''"
	return f"`tab{MONTH}`.`store` in ({values})"


def month_permission(doc, ptype=None, user=None, debug=False) -> bool | None:
	stores = allowed_stores(user)
	return None if stores is None or doc.get("store") in stores else False


def recent(months: int = 12, matured: bool = False, user: str | None = None) -> Scope:
	"""The last `months` whole months, this one included; with `matured`, the last months whose
	first-time buyers have all had their 12 months (for the come-back rate)."""
	today = getdate(nowdate())
	last = rules.last_matured_month(today) if matured else today.replace(day=1)
	first = rules.months_between(last.replace(year=last.year - 2), last)[-months]
	return Scope(
		first=first,
		last=rules.month_end(last),
		compare=rules.BEFORE_AND_AFTER,
		arrival=None,
		stores=stores_for(None, user),
		associate=None,
		today=today,
	)


def recent_figure(key: str, matured: bool = False) -> float | int | None:
	"""One figure over the last 12 months (the workspace's cards), for the stores she may see."""
	return rules.figures(rules.total(impact(recent(matured=matured)).values()))[key]


def results_by_channel() -> dict:
	"""Delivered, read and replied by channel over the last 12 months (the workspace's chart)."""
	figures = rules.figures(rules.total(impact(recent()).values()))
	channels = [c for c in rules.REPORTED_STEPS if figures[f"{c.lower()}_sent"]]
	return {
		"labels": [_(channel) for channel in channels],
		"datasets": [
			{"name": name, "values": [figures[f"{c.lower()}_{step}_rate"] or 0 for c in channels]}
			for step, name in zip(rules.STEPS, (_("Delivered %"), _("Read %"), _("Replied %")), strict=True)
		],
	}
