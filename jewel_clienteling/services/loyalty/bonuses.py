"""Points given for something other than a sale: a referral bonus on a friend's first purchase, a
review bonus for an invoice, and opening balances brought over from ERPNext's Loyalty Program. Each
is keyed (domain/loyalty/keys.py), so a double click, two tabs or two imports at once give it once.
"""

from collections import defaultdict
from datetime import date

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import facts
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.loyalty import ledger
from jewel_clienteling.services.loyalty.ledger import customer_movements, lock_customer, voucher_key

REVIEWED_DOCTYPES = ("Sales Invoice", "POS Invoice")


def _expiry_days(settings) -> int:
	return cint(settings.points_expiry_days) or loyalty_rules.DEFAULT_EXPIRY_DAYS


def post_referral_bonus(doc, settings) -> None:
	"""The referrer's bonus on her friend's first sale (inside post_invoice, her friend locked). Two
	first sales at two counters pay it once: the referrer's rows are read locked and the key holds."""
	points = cint(settings.referral_bonus_points)
	referrer = frappe.db.get_value("Customer", doc.customer, "jc_referred_by")
	if points <= 0 or not referrer or referrer == doc.customer or _has_other_sale(doc):
		return
	if clienteling_settings.walk_in_customer(settings) == referrer:
		return
	lock_customer(referrer)
	key = loyalty_rules.referral_due(customer_movements(referrer, locked=True), doc.customer)
	if not key:
		return  # a bonus for her first sale stands already
	move = loyalty_rules.earn(
		ledger.new_name(),
		points,
		getdate(doc.posting_date),
		voucher_key(doc.doctype, doc.name),
		_expiry_days(settings),
		kind=loyalty_rules.BONUS,
		key=key,
	)
	ledger.write(
		referrer,
		move,
		loyalty_rules.SOURCE_REFERRAL,
		doc,
		reason=_("Referred {0}, whose first purchase this is").format(doc.customer_name or doc.customer),
	)
	ledger.refresh_balance(referrer)


def _has_other_sale(doc) -> bool:
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		query = query.select(invoice.name).where(
			(invoice.customer == doc.customer) & (invoice.docstatus == 1) & (invoice.is_return == 0)
		)
		if doctype == doc.doctype:
			query = query.where(invoice.name != doc.name)
		if query.limit(1).run():
			return True
	return False


def award_review_bonus(customer: str, invoice_type: str, invoice: str) -> tuple[str, bool]:
	"""She reviewed her purchase: the review bonus, once per invoice. Returns the bonus row and whether
	this call gave it (False: it was given already, by an earlier click or one at the same instant)."""
	if invoice_type not in REVIEWED_DOCTYPES:
		frappe.throw(_("A review bonus is given for a Sales Invoice or a POS Invoice."))
	settings = clienteling_settings.get_settings()
	points = cint(settings.review_bonus_points)
	if not clienteling_settings.loyalty_enabled(settings) or points <= 0:
		frappe.throw(_("There is no review bonus in Clienteling Settings."))
	sale = frappe.db.get_value(invoice_type, invoice, ["customer", "docstatus"], as_dict=True)
	if not sale or sale.customer != customer or sale.docstatus != 1:
		frappe.throw(_("{0} is not a submitted sale of this customer.").format(invoice))
	lock_customer(customer)
	voucher = voucher_key(invoice_type, invoice)
	move = loyalty_rules.earn(
		ledger.new_name(),
		points,
		getdate(nowdate()),
		voucher,
		_expiry_days(settings),
		kind=loyalty_rules.BONUS,
		key=loyalty_rules.keys.review(voucher),
	)
	name, written = ledger.write(
		customer,
		move,
		loyalty_rules.SOURCE_REVIEW,
		frappe._dict(doctype=invoice_type, name=invoice),
		reason=_("Reviewed {0}").format(invoice),
	)
	if written:
		ledger.refresh_balance(customer)
	return name, written


def import_erpnext_balances(today: date | None = None) -> dict:
	"""Bring every customer's unexpired ERPNext Loyalty Point Entry points in as opening Adjust rows,
	one per lapse date, once: a customer who has an opening balance already is left alone, and two
	imports at once write each row once."""
	today = getdate(today or nowdate())
	entry = DocType("Loyalty Point Entry")
	table = DocType(ledger.LEDGER)
	imported = {
		row[0]
		for row in frappe.qb.from_(table)
		.select(table.customer)
		.distinct()
		.where(table.source == loyalty_rules.SOURCE_OPENING)
		.run()
	}
	by_customer: dict[str, list[tuple]] = defaultdict(list)
	for customer, expiry, points in (
		frappe.qb.from_(entry)
		.select(entry.customer, entry.expiry_date, Sum(entry.loyalty_points))
		.where((entry.expiry_date >= today) | entry.expiry_date.isnull())
		.groupby(entry.customer, entry.expiry_date)
		.run()
	):
		if customer not in imported and cint(points) > 0:
			by_customer[customer].append((getdate(expiry) if expiry else None, cint(points)))
	default_lapse = clienteling_settings.earning_rules().expiry_days
	written_rows = 0
	customers = set()
	for customer in sorted(by_customer):  # one order for every importer: locks taken in turn
		lock_customer(customer)
		for expiry, points in by_customer[customer]:
			lapse = expiry or getdate(add_days(today, default_lapse))
			move = loyalty_rules.Movement(
				ledger.new_name(),
				loyalty_rules.ADJUST,
				points,
				today,
				lapse,
				key=loyalty_rules.keys.opening(customer, expiry),
			)
			_name, written = ledger.write(
				customer,
				move,
				loyalty_rules.SOURCE_OPENING,
				reason=_("Brought over from ERPNext's Loyalty Program"),
			)
			if written:
				written_rows += 1
				customers.add(customer)
		ledger.refresh_balance(customer, today)
	return {"customers": len(customers), "rows": written_rows}
