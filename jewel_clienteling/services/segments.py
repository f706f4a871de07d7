"""A Client Segment's rules as one query over Customer: each rule a condition on her profile fields
or a sub-query over her preferences, occasions or sales; she is in the segment when she matches
them all. Disabled customers and the store's walk-in customer are never in a segment."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, IfNull, Sum
from frappe.utils import cint, flt, getdate, nowdate

from jewel_clienteling.domain import old_gold as old_gold_rules
from jewel_clienteling.domain import segments as seg
from jewel_clienteling.services import old_gold, store_access
from jewel_clienteling.services.facts import SALE_DOCTYPES, sales_from

SEGMENT = "Client Segment"
PREVIEW_ROWS = 20


def _sentence(code: str) -> str:
	"""The sentence for an error code in the user's language, translated when it is asked for: {0} the
	criterion, {1} what was given, {2} what is allowed, {3} the qualifier or the limit."""
	return {
		"unknown_criterion": _("{1} is not something a segment can ask about. Choose one of: {2}."),
		"operator_not_allowed": _('{0} takes the operators {2}, not "{1}".'),
		"value_missing": _("{0} needs a value."),
		"value_not_number": _('{0} needs a number, not "{1}".'),
		"value_negative": _("{0} cannot be negative ({1})."),
		"value_not_whole": _("{0} needs a whole number, not {1}."),
		"value_not_choice": _('"{1}" is not a {0}: choose from {2}.'),
		"value_not_yes_no": _('{0} is Yes or No, not "{1}".'),
		"qualifier_missing": _("{0} needs the {3} it is about, in Of."),
		"qualifier_one": _("{0} takes one {3} in Of."),
		"qualifier_not_choice": _('"{1}" in Of is not one of {2}.'),
		"days_missing": _("{0} needs a number of days."),
		"days_not_whole": _('The days of {0} must be a whole number from 1, not "{1}".'),
		"days_too_many": _("The days of {0} may be at most {3}."),
		"min_score_invalid": _('The minimum score of {0} must be a number from 0, not "{1}".'),
	}[code]


def message(error: seg.InvalidRule) -> str:
	"""The manager's sentence for a rule that makes no sense, translated."""
	details = error.details
	return _sentence(error.code).format(
		_(details.get("criterion") or ""),
		details.get("given") if details.get("given") is not None else "",
		", ".join(_(name) for name in details.get("allowed", ())),
		_(details.get("qualifier")) if details.get("qualifier") else details.get("most", ""),
	)


def rules_of(rows) -> list[seg.Rule]:
	"""The segment's rule rows parsed; the first that makes no sense is refused with its row number."""
	parsed = []
	for idx, row in enumerate(rows or [], start=1):
		if isinstance(row, dict):
			row = frappe._dict(row)
		try:
			parsed.append(
				seg.parse_rule(row.criterion, row.operator, row.value, row.qualifier, row.days, row.min_score)
			)
		except seg.InvalidRule as error:
			frappe.throw(
				_("Rule {0}: {1}").format(row.idx or idx, message(error)),
				frappe.ValidationError,
				title=_("This rule makes no sense"),
			)
	return parsed


def segment_rules(segment) -> list[seg.Rule]:
	"""The rules of a Client Segment, by name or document."""
	doc = frappe.get_doc(SEGMENT, segment) if isinstance(segment, str) else segment
	return rules_of(doc.get("rules"))


def where_rules(query, customer, rules: list[seg.Rule], today=None):
	"""`query` over Customer (as `customer`) narrowed to those matching every rule."""
	today = getdate(today or nowdate())
	for rule in rules:
		query = query.where(condition(customer, rule, today))
	return query


def customers(rules: list[seg.Rule], today=None, stores: list[str] | None = None):
	"""(customer, query) over the enabled customers matching every rule, the walk-in left out; only
	those of `stores` (and the shared ones) when given."""
	customer = DocType("Customer")
	query = frappe.qb.from_(customer).where(customer.disabled == 0)
	if stores is not None:
		query = query.where(store_access.customer_criterion(customer, stores))
	walk_in = frappe.db.get_single_value("Clienteling Settings", "walk_in_customer")
	if walk_in:
		query = query.where(customer.name != walk_in)
	return customer, where_rules(query, customer, rules, today)


def count(segment, today=None) -> int:
	_customer, query = customers(segment_rules(segment), today)
	return cint(query.select(Count("*")).run()[0][0])


def members(segment, after: str = "", limit: int | None = None, today=None) -> list[str]:
	"""Her customers in the segment, by name, after `after`."""
	customer, query = customers(segment_rules(segment), today)
	query = query.select(customer.name)
	if after:
		query = query.where(customer.name > after)
	query = query.orderby(customer.name)
	if limit:
		query = query.limit(limit)
	return [row[0] for row in query.run()]


# --- one condition per criterion ---------------------------------------------------------------


def condition(customer, rule: seg.Rule, today):
	return _CONDITIONS[rule.criterion](customer, rule, today)


def _names(column, rule: seg.Rule, names=None):
	names = list(names or rule.names)
	if rule.operator == seg.IS:
		return column.isin(names)
	return column.isnull() | column.notin(names)


def _compare(column, operator: str, number):
	value = IfNull(column, 0)
	if operator == seg.AT_LEAST:
		return value >= number
	if operator == seg.AT_MOST:
		return value <= number
	return value == number


def _with_descendants(tree: str, names) -> list[str]:
	found = []
	for name in names:
		found.append(name)
		if frappe.db.exists(tree, name):
			found += frappe.db.get_descendants(tree, name) or []
	return list(dict.fromkeys(found))


def _profile_field(fieldname: str, number=flt):
	def build(customer, rule, today):
		return _compare(customer[fieldname], rule.operator, number(rule.number))

	return build


def _flag(fieldname: str):
	def build(customer, rule, today):
		return IfNull(customer[fieldname], 0) == (1 if rule.flag else 0)

	return build


def _names_field(fieldname: str):
	def build(customer, rule, today):
		return _names(customer[fieldname], rule)

	return build


def _days_since_last_purchase(customer, rule, today):
	since = seg.days_before(today, cint(rule.number))
	if rule.operator == seg.AT_LEAST:
		return customer.jc_last_purchase_date <= since
	return customer.jc_last_purchase_date >= since


def _customer_group(customer, rule, today):
	return _names(customer.customer_group, rule, _with_descendants("Customer Group", rule.names))


def _preference(customer, rule, today):
	preference = DocType("Preference")
	held = (
		frappe.qb.from_(preference)
		.select(preference.customer)
		.where(
			preference.customer.isnotnull()
			& (preference.dimension == rule.qualifiers[0])
			& preference.value.isin(list(rule.names))
		)
	)
	if rule.min_score is not None:
		held = held.where(preference.score >= rule.min_score)
	return customer.name.isin(held) if rule.operator == seg.IS else customer.name.notin(held)


def _occasion(customer, rule, today):
	occasion = DocType("Occasion")
	held = frappe.qb.from_(occasion).select(occasion.customer).where(occasion.customer.isnotnull())
	if rule.qualifiers:
		held = held.where(occasion.occasion_type.isin(list(rule.qualifiers)))
	if rule.operator in (seg.THIS_MONTH, seg.NEXT_MONTH):
		_year, month = seg.month_after(today, 0 if rule.operator == seg.THIS_MONTH else 1)
		held = held.where(occasion.month == str(month))
	elif rule.operator == seg.WITHIN_DAYS:
		held = held.where(
			(occasion.next_occurrence >= today)
			& (occasion.next_occurrence <= seg.days_after(today, rule.days))
		)
	elif rule.operator == seg.STILL_TO_COME:
		# the same as seg.still_to_come, for every occasion at once
		this_month = (occasion.month == str(today.month)) & (occasion.day >= today.day)
		later = seg.months_later_in_year(today.month)
		if later:
			this_month = this_month | occasion.month.isin([str(month) for month in later])
		held = held.where((occasion.year > today.year) | ((occasion.year == today.year) & this_month))
	return customer.name.isin(held)


def _sales(doctype: str, today, days: int | None):
	"""(invoice, query) over her submitted sales of `doctype`, in the last `days` days if given."""
	invoice, query = sales_from(doctype)
	query = query.where((invoice.docstatus == 1) & invoice.customer.isnotnull())
	if days:
		query = query.where(invoice.posting_date >= seg.days_before(today, days))
	return invoice, query


def _bought_from(customer, rule, today):
	groups = _with_descendants("Item Group", rule.qualifiers)
	bought = []
	for doctype in SALE_DOCTYPES:
		invoice, query = _sales(doctype, today, rule.days)
		line = DocType(f"{doctype} Item")
		bought.append(
			query.join(line)
			.on((line.parent == invoice.name) & (line.parenttype == doctype))
			.select(invoice.customer)
			.where((invoice.is_return == 0) & line.item_group.isin(groups))
		)
	if rule.operator == seg.NEVER:
		return customer.name.notin(bought[0]) & customer.name.notin(bought[1])
	return customer.name.isin(bought[0]) | customer.name.isin(bought[1])


def _spent(customer, rule, today):
	"""Net of returns over the window, her POS and Sales Invoices together. Spending at most X is
	not having spent more (so she who bought nothing matches)."""
	parts = []
	for doctype in SALE_DOCTYPES:
		invoice, query = _sales(doctype, today, rule.days)
		parts.append(query.select(invoice.customer.as_("customer"), invoice.base_grand_total.as_("amount")))
	sales = parts[0].union_all(parts[1]).as_("sales")
	amount = flt(rule.number)
	total = Sum(sales.amount)
	spenders = frappe.qb.from_(sales).select(sales.customer).groupby(sales.customer)
	if rule.operator == seg.AT_LEAST:
		return customer.name.isin(spenders.having(total >= amount))
	return customer.name.notin(spenders.having(total > amount))


def _old_gold(customer, rule, today):
	"""Exchanged old gold before (a submitted Old Gold Exchange), or kept a sale of a gold piece made
	GOLD_AGE_YEARS or more years ago; gold as the Metal preference source reads the item."""
	held = [customer.name.isin(old_gold.exchanged())]
	cutoff = old_gold_rules.gold_bought_before(today)
	for doctype in SALE_DOCTYPES:
		invoice, query = _sales(doctype, today, None)
		line = DocType(f"{doctype} Item")
		held.append(
			customer.name.isin(
				query.join(line)
				.on((line.parent == invoice.name) & (line.parenttype == doctype))
				.select(invoice.customer)
				.where(
					(invoice.is_return == 0)
					& (invoice.posting_date <= cutoff)
					& line.item_code.isin(old_gold.gold_items(doctype, cutoff) or [""])
				)
			)
		)
	matched = held[0] | held[1] | held[2]
	return matched if rule.flag else matched.negate()


_CONDITIONS = {
	seg.LIFECYCLE_STAGE: _names_field("jc_lifecycle_stage"),
	seg.LOYALTY_TIER: _names_field("jc_loyalty_tier"),
	seg.LIFETIME_VALUE: _profile_field("jc_lifetime_value"),
	seg.PURCHASES: _profile_field("jc_purchases", cint),
	seg.DAYS_SINCE_LAST_PURCHASE: _days_since_last_purchase,
	seg.SPENT: _spent,
	seg.BOUGHT_FROM: _bought_from,
	seg.PREFERENCE: _preference,
	seg.OCCASION: _occasion,
	seg.WHATSAPP_OPT_IN: _flag("jc_whatsapp_opt_in"),
	seg.SMS_OPT_IN: _flag("jc_sms_opt_in"),
	seg.EMAIL_OPT_IN: _flag("jc_email_opt_in"),
	seg.DO_NOT_CONTACT: _flag("jc_do_not_contact"),
	seg.HOME_STORE: _names_field("jc_home_store"),
	seg.CUSTOMER_GROUP: _customer_group,
	seg.OLD_GOLD: _old_gold,
}


# --- preview and campaign ----------------------------------------------------------------------


def preview(rules: list[seg.Rule]) -> dict:
	"""How many match among the customers the user may see (an associate limited to her store counts
	her store's), and the first of them, with what a manager looks at."""
	customer, query = customers(rules, stores=store_access.allowed_stores())
	total = cint(query.select(Count("*")).run()[0][0])
	first = [row[0] for row in query.select(customer.name).orderby(customer.name).limit(PREVIEW_ROWS).run()]
	rows = (
		frappe.get_list(
			"Customer",
			filters={"name": ("in", first)},
			fields=[
				"name",
				"customer_name",
				"jc_lifecycle_stage as lifecycle_stage",
				"jc_lifetime_value as lifetime_value",
				"jc_last_purchase_date as last_purchase_date",
			],
			order_by="name asc",
		)
		if first
		else []
	)
	return {"count": total, "rows": rows, "shown": len(rows)}


def make_campaign(segment: str) -> str:
	"""A Draft Client Campaign to the segment; the manager picks its message and starts it."""
	doc = frappe.get_doc(
		{
			"doctype": "Client Campaign",
			"campaign_name": _("{0} ({1})").format(segment, frappe.utils.formatdate(nowdate())),
			"segment": segment,
			"send_on": nowdate(),
		}
	).insert()
	return doc.name
