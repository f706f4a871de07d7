"""The Clienteling Impact report's counts, a month at a time: one Clienteling Impact Month row for each
month, store, associate and kind of visit (from Clienteling Visit), and for each month, home store,
associate, reason and channel of outreach (from Client Outreach, with Frappe's email queue and read
tracking for emails). The report adds these rows up, so its answer does not grow with the years of
invoices and messages behind it; the GROUP BY queries over the visits and messages run here, for
the months that changed (services/impact_upkeep.py decides which, and when)."""

from datetime import date

import frappe
from frappe.query_builder import Case, DocType, Interval
from frappe.query_builder.functions import Count, IfNull, Max, Min, Sum
from frappe.utils import add_days, getdate, now_datetime
from pypika.terms import ExistsCriterion

from jewel_clienteling.domain import impact as rules
from jewel_clienteling.domain.outreach_lifecycle import REACHED
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services import visits

MONTH = "Clienteling Impact Month"
OUTREACH = "Client Outreach"
VISITS, MESSAGES = "Visits", "Outreach"
EMAIL_HANDED_OVER = ("Sent", "Opened", "Read", "Clicked")  # Communication.delivery_status
# Client Outreach by sent time, holding every column a month's count reads
OUTREACH_INDEX = "jc_impact_outreach"
OUTREACH_INDEX_COLUMNS = (
	*("sent_on", "status", "reason", "channel", "assigned_to", "customer"),
	*("delivered_on", "read_on", "replied_on", "attributed_amount"),
)
TEXT = ("store", "associate", "reason", "channel")  # the other columns are numbers (0, not null)
COLUMNS = (
	*("name", "creation", "modified", "modified_by", "owner", "month", "source", "store", "associate"),
	*("first_visit", "referred", "visits", "amount", "came_back"),
	*("reason", "channel", "sent", "delivered", "read", "replied", "converted", "revenue"),
)


def add_indexes() -> None:
	"""after_install and after_migrate (Frappe's add_index does nothing when the index is there)."""
	frappe.db.add_index(OUTREACH, list(OUTREACH_INDEX_COLUMNS), index_name=OUTREACH_INDEX)


def _replace(month: date, source: str, rows: list[dict]) -> None:
	table = DocType(MONTH)
	frappe.qb.from_(table).delete().where((table.month == month) & (table.source == source)).run()
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(MONTH, COLUMNS, [_row(month, source, row, now, user) for row in rows])


def _row(month: date, source: str, row: dict, now, user) -> tuple:
	return (
		frappe.generate_hash(length=12),
		*(now, now, user, user, month, source),
		*(row.get(column) if column in TEXT else row.get(column) or 0 for column in COLUMNS[7:]),
	)


def count_visits(month: date) -> None:
	"""A month's visits by store, associate, first or repeat and referred or not, with how many of
	them were followed by another visit within 12 months."""
	visit = DocType(visits.VISIT)
	came_back = visit.next_visit <= visit.visit_date + Interval(months=rules.COME_BACK_MONTHS)
	query = (
		frappe.qb.from_(visit)
		.select(
			visit.store,
			visit.associate,
			visit.first_visit,
			visit.referred,
			Count("*").as_("visits"),
			Sum(visit.amount).as_("amount"),
			Sum(Case().when(came_back, 1).else_(0)).as_("came_back"),
		)
		.where((visit.visit_date >= month) & (visit.visit_date <= rules.month_end(month)))
		.groupby(visit.store, visit.associate, visit.first_visit, visit.referred)
	)
	walk_in = clienteling_settings.walk_in_customer()
	if walk_in:
		query = query.where(visit.customer != walk_in)
	_replace(month, VISITS, query.run(as_dict=True))


def _same(column, value):
	return column.isnull() if value is None else column == value


def add_visit_change(change) -> None:
	"""Add a change of some customers' visits (services/visits.rebuild) to the months' counts, in
	the caller's transaction: each month row they touch moves by the difference."""
	table = DocType(MONTH)
	now, user = now_datetime(), frappe.session.user
	deltas = rules.month_deltas(change, clienteling_settings.walk_in_customer())
	for (month, store, associate, first, referred), (count, amount, back) in sorted(deltas.items()):
		match = (
			(table.month == month)
			& (table.source == VISITS)
			& _same(table.store, store or None)
			& _same(table.associate, associate or None)
			& (table.first_visit == int(first))
			& (table.referred == int(referred))
		)
		found = frappe.qb.from_(table).select(table.name).where(match).limit(1).run()
		if found:
			(
				frappe.qb.update(table)
				.set(table.visits, table.visits + count)
				.set(table.amount, table.amount + amount)
				.set(table.came_back, table.came_back + back)
				.set(table.modified, now)
				.where(table.name == found[0][0])
				.run()
			)
			continue
		row = {
			"store": store or None,
			"associate": associate or None,
			"first_visit": int(first),
			"referred": int(referred),
			"visits": count,
			"amount": amount,
			"came_back": back,
		}
		frappe.db.bulk_insert(MONTH, COLUMNS, [_row(month, VISITS, row, now, user)])


def _about_email(outreach, condition):
	"""Whether Frappe recorded `condition` on this outreach's email Communication, as SQL."""
	communication = DocType("Communication")
	return ExistsCriterion(
		frappe.qb.from_(communication)
		.select(1)
		.where(
			(communication.reference_doctype == OUTREACH)
			& (communication.reference_name == outreach.name)
			& condition(communication)
		)
	)


def _email_sent(outreach):
	"""Whether Frappe's email queue handed this outreach's email to the mail server, as SQL."""
	queue = DocType("Email Queue")
	return ExistsCriterion(
		frappe.qb.from_(queue)
		.select(1)
		.where(
			(queue.reference_name == outreach.name)
			& (queue.reference_doctype == OUTREACH)
			& (queue.status == "Sent")
		)
	)


def _reports(outreach, step: str):
	"""Whether the outreach's channel reports `step` (domain/impact.REPORTED_STEPS), as SQL."""
	return outreach.channel.isin([c for c, steps in rules.REPORTED_STEPS.items() if step in steps] or [""])


def _count_if(condition):
	return Sum(Case().when(condition, 1).else_(0))


def count_outreach(month: date) -> None:
	"""A month's messages that went out, by their customer's home store, associate, reason and
	channel, with how many were delivered, read, answered and credited with a sale."""
	outreach = DocType(OUTREACH)
	customer = DocType("Customer")
	email = outreach.channel == "Email"
	replied = outreach.replied_on.isnotnull() | (outreach.status == "Replied")
	email_replied = email & _about_email(outreach, lambda c: c.sent_or_received == "Received")
	email_read = email & _about_email(outreach, lambda c: c.read_by_recipient == 1)
	email_delivered = email & (
		_email_sent(outreach) | _about_email(outreach, lambda c: c.delivery_status.isin(EMAIL_HANDED_OVER))
	)
	# a later step implies the earlier ones, on the channels that report those steps at all (a reply
	# to an SMS says nothing of how many other SMS were delivered)
	read = outreach.read_on.isnotnull() | (_reports(outreach, "read") & replied) | email_read | email_replied
	delivered = outreach.delivered_on.isnotnull() | (_reports(outreach, "delivered") & read) | email_delivered
	store = IfNull(customer.jc_home_store, "")
	rows = (
		frappe.qb.from_(outreach)
		.left_join(customer)
		.on(customer.name == outreach.customer)
		.select(
			store.as_("store"),
			outreach.assigned_to.as_("associate"),
			outreach.reason,
			outreach.channel,
			Count("*").as_("sent"),
			_count_if(delivered).as_("delivered"),
			_count_if(read).as_("read"),
			_count_if(replied | email_replied).as_("replied"),
			_count_if(outreach.attributed_amount > 0).as_("converted"),
			Sum(outreach.attributed_amount).as_("revenue"),
		)
		.where(
			(outreach.sent_on >= month)
			& (outreach.sent_on < add_days(rules.month_end(month), 1))
			& outreach.status.isin(REACHED)
		)
		.groupby(store, outreach.assigned_to, outreach.reason, outreach.channel)
		.run(as_dict=True)
	)
	for row in rows:
		row.store = row.store or None
	_replace(month, MESSAGES, rows)


def every_month() -> tuple[list[date], list[date]]:
	"""The months that have visits, and those that have messages, each from the first to the last."""
	found = []
	for doctype, column in ((visits.VISIT, "visit_date"), (OUTREACH, "sent_on")):
		table = DocType(doctype)
		first, last = frappe.qb.from_(table).select(Min(table[column]), Max(table[column])).run()[0]
		found.append(rules.months_between(getdate(first), getdate(last)) if first else [])
	return found[0], found[1]


def recount(visit_months, outreach_months) -> None:
	for month in sorted(visit_months):
		count_visits(month)
	for month in sorted(outreach_months):
		count_outreach(month)
