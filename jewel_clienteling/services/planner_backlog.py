"""Catching up on customers who were already lapsed when the app arrived.

The planner asks a customer back once, on the day her last purchase becomes `lapsed_days` old. A
store that installs the app with years of invoices has thousands whose day came before the app did:
asking them all on the first morning would bury every associate. Instead each associate gets at most
`lapsed_backlog_per_associate` of them a day, the most valuable first, and the rest follow day by day
until none is left. The same once-per-lapse key as the daily win-back keeps each ask to one, so a
rerun, a parallel run or a later regular win-back never repeats it.

`lapsed_backlog_before` (on Clienteling Settings) is the day the catching up starts from: lapses
before it are the backlog; from it on the daily planner covers them. It is set on the planner's first
run, and cleared once nothing is left to catch up and the store's past has been learnt.
"""

from collections.abc import Iterator
from datetime import date, timedelta

import frappe
from frappe.query_builder import DocType, Order
from frappe.query_builder.functions import Cast_, Coalesce, Count
from frappe.utils import cint, getdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_cadence
from jewel_clienteling.services import history
from jewel_clienteling.services import settings as clienteling_settings

SETTINGS = "Clienteling Settings"
BEFORE = "lapsed_backlog_before"
# the day the catching up on valued customers already silent too long started (planner_rhythm.py)
SILENT_SINCE = "stay_in_touch_backlog_since"
PAGE = 2000
# The most a day reads of the backlog: the most valuable fill the day's allowances long before it; an
# associate whose customers all lie deeper waits until those above them have been asked
SCAN = 20000


def start_if_first_run(first: date, ever_planned: bool, settings) -> None:
	"""On the planner's very first run, everything lapsed before its first day is the backlog, and
	so is every valued customer already silent too long (services/planner_rhythm.py)."""
	if ever_planned:
		return
	if cint(settings.lapsed_enabled) and not clienteling_settings.stored_date(BEFORE):
		frappe.db.set_single_value(SETTINGS, BEFORE, first)
	if cint(settings.get("stay_in_touch_days")) > 0 and not clienteling_settings.stored_date(SILENT_SINCE):
		frappe.db.set_single_value(SETTINGS, SILENT_SINCE, first)


def candidates(today: date, settings, lifecycle) -> Iterator[list[outreach_rules.Candidate]]:
	"""Today's share of the backlog: per associate, what is left of the day's allowance, the most
	valuable customers first. Ends the catching up when nothing is left."""
	before = getdate(settings.get(BEFORE)) if settings.get(BEFORE) else None
	per_associate = cint(settings.lapsed_backlog_per_associate)
	if not before or per_associate <= 0:
		return
	manager = settings.store_manager or None
	left = allowance_left(today, per_associate)
	page, seen = [], 0
	for row in _not_yet_asked(before - timedelta(days=lifecycle.lapsed_days)):
		seen += 1
		if seen > SCAN:
			break
		associate = outreach_rules.assignee(row.jc_preferred_associate, row.jc_last_served_by, manager) or ""
		if left.get(associate, per_associate) <= 0:
			continue
		left[associate] = left.get(associate, per_associate) - 1
		last_purchase = getdate(row.jc_last_purchase_date)
		page.append(
			outreach_rules.Candidate(
				customer=row.name,
				reason=outreach_rules.LAPSED,
				reference_doctype="Customer",
				reference_name=row.name,
				cycle=outreach_cadence.lapse_cycle(last_purchase),
				due_date=today,
				step=outreach_rules.LAPSED,
				context={"last_purchase_date": last_purchase},
			)
		)
	if seen:
		if page:
			yield page
	elif not past_still_to_learn():
		frappe.db.set_single_value(SETTINGS, BEFORE, None)  # nobody is left, and nobody is to come


def past_still_to_learn() -> bool:
	"""The store's past sales are still being learnt: more may join a backlog yet."""
	return history.state().status in (history.QUEUED, history.RUNNING, history.PAUSED)


def _not_yet_asked(bought_before: date) -> Iterator[frappe._dict]:
	"""Customers whose last purchase is before `bought_before` and who were never asked back for it,
	the most valuable first: pages read down the lifetime value's index, so a day's share costs what
	it reads, not the size of the backlog."""
	customer = DocType("Customer")
	outreach = DocType("Client Outreach")
	query = (
		frappe.qb.from_(customer)
		.left_join(outreach)
		.on(
			(outreach.customer == customer.name)
			& (outreach.reason == outreach_rules.LAPSED)
			& (outreach.cycle == Cast_(customer.jc_last_purchase_date, "varchar"))
		)
		.select(
			customer.name,
			customer.jc_lifetime_value,
			customer.jc_last_purchase_date,
			customer.jc_preferred_associate,
			customer.jc_last_served_by,
		)
		.where(
			(customer.jc_last_purchase_date < bought_before)
			& (customer.disabled == 0)
			& outreach.name.isnull()
		)
	)
	for rows in most_valuable_first(query, customer):
		yield from rows


def most_valuable_first(query, customer) -> Iterator[list[frappe._dict]]:
	"""Pages of a query over Customer (selecting its name and lifetime value), read down the lifetime
	value's index, which carries the name: both descending, a backward index scan with no sort."""
	query = (
		query.orderby(customer.jc_lifetime_value, order=Order.desc)
		.orderby(customer.name, order=Order.desc)
		.limit(PAGE)
	)
	after = None
	while True:
		page_query = query
		if after is not None:
			value, name = after
			page_query = query.where(
				(customer.jc_lifetime_value < value)
				| ((customer.jc_lifetime_value == value) & (customer.name < name))
			)
		rows = page_query.run(as_dict=True)
		if rows:
			yield rows
		if len(rows) < PAGE:
			return
		after = (rows[-1].jc_lifetime_value, rows[-1].name)


def allowance_left(today: date, per_associate: int, reason: str = outreach_rules.LAPSED) -> dict[str, int]:
	"""What each associate still has of today's allowance for this reason: every message of it already
	due today counts, the regular ones and those skipped for want of consent included, so a rerun of
	the day adds nothing."""
	outreach = DocType("Client Outreach")
	rows = (
		frappe.qb.from_(outreach)
		.select(Coalesce(outreach.assigned_to, ""), Count("*"))
		.where((outreach.reason == reason) & (outreach.due_date == today))
		.groupby(Coalesce(outreach.assigned_to, ""))
		.run()
	)
	return {associate: per_associate - cint(count) for associate, count in rows}
