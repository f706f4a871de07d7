"""Her points on the real site: Loyalty Ledger rows, the balance kept on her Customer beside them,
and the invoice paths that move points. The rules are in domain/loyalty.py; here rows are read,
locked and written.

Every write for a customer first locks her Customer row, so two counters, the sweep and the expiry
job take turns: nobody spends points another is spending, and the balance written last is right.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, flt, get_datetime, getdate, nowdate

from jewel_clienteling.domain import loyalty as rules
from jewel_clienteling.domain.preferences import SOURCE_ITEM_FIELD, PreferenceSource, item_dimensions
from jewel_clienteling.services import facts
from jewel_clienteling.services import settings as clienteling_settings

LEDGER = "Loyalty Ledger"


def new_name() -> str:
	return frappe.generate_hash(length=12)


def voucher_key(doctype: str, name: str) -> str:
	return f"{doctype}::{name}" if doctype and name else ""


def lock_customer(customer: str) -> bool:
	return bool(frappe.db.get_value("Customer", customer, "name", for_update=True))


def ledger_rows(customer: str, locked: bool = False) -> list[frappe._dict]:
	"""Her rows in posting order. `locked` (after `lock_customer`) reads them with a locking read,
	which sees what other counters committed while we waited, whatever our snapshot."""
	ledger = DocType(LEDGER)
	query = (
		frappe.qb.from_(ledger)
		.select(
			ledger.name,
			ledger.entry_type,
			ledger.points,
			ledger.posting_date,
			ledger.expiry_date,
			ledger.voucher_type,
			ledger.voucher_no,
			ledger.against_entry,
			ledger.source,
		)
		.where(ledger.customer == customer)
		.orderby(ledger.posting_date)
		.orderby(ledger.creation)
	)
	return (query.for_update() if locked else query).run(as_dict=True)


def movements(rows: list[frappe._dict]) -> list[rules.Movement]:
	return [
		rules.Movement(
			row.name,
			row.entry_type,
			row.points,
			getdate(row.posting_date),
			getdate(row.expiry_date) if row.expiry_date else None,
			voucher_key(row.voucher_type, row.voucher_no),
			row.against_entry or "",
		)
		for row in rows
	]


def customer_movements(customer: str, locked: bool = False) -> list[rules.Movement]:
	return movements(ledger_rows(customer, locked))


def write(customer: str, move: rules.Movement, source: str, voucher=None, reason: str = "", **extra) -> str:
	"""One row as the app posts it: no form validation, the domain rules already decided it."""
	doc = frappe.get_doc(
		{
			"doctype": LEDGER,
			"name": move.name or frappe.generate_hash(length=12),
			"customer": customer,
			"entry_type": move.kind,
			"points": int(move.points),
			"posting_date": move.posting_date,
			"expiry_date": move.expiry_date,
			"against_entry": move.against or None,
			"source": source,
			"reason": reason,
			"voucher_type": voucher.doctype if voucher else None,
			"voucher_no": voucher.name if voucher else None,
			"store": voucher.get("pos_profile") if voucher else None,
			"company": voucher.get("company") if voucher else None,
			"posted_by": frappe.session.user,
			**extra,
		}
	)
	doc.db_insert()
	return doc.name


def refresh_balance(customer: str, today: date | None = None) -> int:
	"""Write what she holds today, and her next lapsing lot, onto her Customer."""
	today = getdate(today or nowdate())
	held = [lot for lot in rules.lots(customer_movements(customer, locked=True), today) if lot.remaining > 0]
	points = int(sum((lot.remaining for lot in held if lot.is_live(today)), Decimal(0)))
	next_lapse = min((lot.expiry_date for lot in held), default=None)
	lapsing = sum((lot.remaining for lot in held if lot.expiry_date == next_lapse), Decimal(0))
	frappe.db.set_value(
		"Customer",
		customer,
		{
			"jc_loyalty_points": points,
			"jc_points_next_expiry": next_lapse,
			"jc_points_expiring": int(lapsing),
		},
		update_modified=False,
	)
	return points


def balance(customer: str, today: date | None = None) -> int:
	return int(rules.balance(customer_movements(customer), getdate(today or nowdate())))


# --- redemption at the counter ------------------------------------------------------------------------


def apply_redemption(doc) -> None:
	"""before_validate of an invoice: the points she redeems become its additional discount, so
	ERPNext's own totals, taxes and payments see it."""
	points = cint(doc.get("jc_redeem_points"))
	previous_value = flt(doc.get("jc_points_value"))
	if points <= 0 or doc.get("is_return") or doc.get("is_consolidated"):
		if previous_value and flt(doc.discount_amount) == previous_value:
			doc.discount_amount = 0
		doc.jc_redeem_points = 0
		doc.jc_points_value = 0
		return
	settings = clienteling_settings.get_settings()
	if not clienteling_settings.loyalty_enabled(settings):
		frappe.throw(_("The points programme is switched off in Clienteling Settings."))
	if not doc.customer or doc.customer == clienteling_settings.walk_in_customer(settings):
		frappe.throw(_("Points can be redeemed only by a named customer."))
	value = flt(points * flt(settings.value_per_point), doc.precision("discount_amount"))
	if flt(doc.discount_amount) and flt(doc.discount_amount) not in (previous_value, value):
		frappe.throw(
			_(
				"This invoice redeems points, which give its additional discount. Give any other discount on the item rows."
			)
		)
	held = balance(doc.customer, doc.posting_date)
	if points > held:
		frappe.throw(
			_("{0} holds {1} points; she cannot redeem {2}.").format(
				frappe.bold(doc.customer_name or doc.customer), held, points
			),
			title=_("Not Enough Points"),
		)
	doc.apply_discount_on = "Grand Total"
	doc.additional_discount_percentage = 0
	doc.discount_amount = value
	doc.jc_points_value = value


def check_redemption_value(doc) -> None:
	"""validate: after ERPNext's totals, points may not pay for more than the invoice."""
	if cint(doc.get("jc_redeem_points")) and flt(doc.grand_total) < 0:
		frappe.throw(_("The points are worth more than the invoice; redeem fewer points."))


def redeem_for_invoice(doc) -> None:
	"""on_submit: take the points, under a lock on her, or refuse the sale (its discount depends on it)."""
	points = cint(doc.get("jc_redeem_points"))
	if points <= 0 or doc.get("is_return") or doc.get("is_consolidated"):
		return
	lock_customer(doc.customer)
	today = getdate(doc.posting_date)
	try:
		move = rules.redeem(
			customer_movements(doc.customer, locked=True),
			points,
			today,
			name=new_name(),
			voucher=voucher_key(doc.doctype, doc.name),
		)
	except rules.LoyaltyError as error:
		frappe.throw(
			_("She cannot redeem {0} points: she holds {1}.").format(points, balance(doc.customer, today))
			if error.reason == "insufficient_balance"
			else _("Redeem a positive number of points."),
			title=_("Not Enough Points"),
		)
	write(doc.customer, move, "Redemption", doc)


# --- earning, returns, cancellations -----------------------------------------------------------------


def invoice_lines(doc, earning: rules.EarningRules, settings) -> list[rules.InvoiceLine]:
	"""Her invoice's rows as the earning rules see them: group, metal, item fields, amounts in the
	company's currency."""
	making_field = (settings.making_charge_field or "").strip()
	item_fields = sorted({rate.field_name for rate in earning.rates if rate.field_name})
	needs_metal = earning.excluded_metals or any(
		rate.applies_to == rules.APPLIES_TO_METAL for rate in earning.rates
	)
	metal_sources = [
		s for s in clienteling_settings.preference_sources(settings) if needs_metal and s.dimension == "Metal"
	]
	sources = (*metal_sources, *(PreferenceSource(name, SOURCE_ITEM_FIELD, name) for name in item_fields))
	# only the item group (on the invoice row) matters unless a rule reads the metal or an item field
	codes = {row.item_code for row in doc.items if row.item_code} if sources else set()
	items = facts.item_facts(codes, sources)
	rate = flt(doc.conversion_rate) or 1
	lines = []
	for row in doc.items:
		item = items.get(row.item_code)
		lines.append(
			rules.InvoiceLine(
				item_group=row.item_group or (item.item_group if item else "") or "",
				metal=item_dimensions(item, metal_sources).get("Metal", "") if item else "",
				net_amount=Decimal(str(flt(row.base_net_amount))),
				making_charge=Decimal(str(flt(row.get(making_field)) * rate)) if making_field else Decimal(0),
				fields={name: str(item.fields.get(name) or "") for name in item_fields} if item else {},
			)
		)
	return lines


def birthday_month(customer: str) -> int | None:
	occasion = DocType("Occasion")
	found = (
		frappe.qb.from_(occasion)
		.select(occasion.month)
		.where(
			(occasion.customer == customer)
			& (occasion.occasion_type == "Birthday")
			& (occasion.relation == "Self")
		)
		.limit(1)
		.run()
	)
	return cint(found[0][0]) if found else None


def post_invoice(doc) -> None:
	"""on_submit, inside a savepoint: what this sale earns (or this return takes back), and the
	referral bonus of a first sale. Marks the invoice posted so the sweep leaves it alone."""
	settings = clienteling_settings.get_settings()
	earned = 0
	if _earns_here(doc, settings):
		lock_customer(doc.customer)
		if cint(frappe.db.get_value(doc.doctype, doc.name, "jc_loyalty_posted", for_update=True)):
			return  # the hook or another sweep posted it
		if doc.is_return:
			_post_return(doc, customer_movements(doc.customer, locked=True), settings)
		else:
			earned = _post_earn(doc, settings)
			_post_referral_bonus(doc, settings)
		refresh_balance(doc.customer)
	frappe.db.set_value(
		doc.doctype,
		doc.name,
		{"jc_points_earned": earned, "jc_loyalty_posted": 1},
		update_modified=False,
	)


def _earns_here(doc, settings) -> bool:
	if not clienteling_settings.loyalty_enabled(settings) or doc.get("is_consolidated"):
		return False
	if not doc.customer or doc.customer == clienteling_settings.walk_in_customer(settings):
		return False
	uses_erpnext_loyalty = doc.get("loyalty_program") or doc.get("redeem_loyalty_points")
	return not (uses_erpnext_loyalty and cint(settings.skip_erpnext_loyalty))


def _post_earn(doc, settings) -> int:
	earning = clienteling_settings.earning_rules(settings)
	day = getdate(doc.posting_date)
	birthday = birthday_month(doc.customer) if earning.birthday_multiplier != 1 else None
	points = rules.points_for_invoice(invoice_lines(doc, earning, settings), earning, day, birthday)
	if points > 0:
		move = rules.earn(new_name(), points, day, voucher_key(doc.doctype, doc.name), earning.expiry_days)
		write(doc.customer, move, "Sale", doc)
	return points


def _post_return(doc, rows, settings) -> None:
	"""Take back the share of the points the returned lines earned (a returned coin takes nothing),
	and give back the share of the points spent on the invoice (by amount)."""
	if not doc.return_against:
		return
	original = frappe.get_doc(doc.doctype, doc.return_against)
	if original.docstatus != 1:
		return
	earning = clienteling_settings.earning_rules(settings)
	weights = {
		row.name: rules.line_weight(line, earning)
		for row, line in zip(original.items, invoice_lines(original, earning, settings), strict=True)
	}
	earlier = [frappe.get_doc(doc.doctype, name) for name in _earlier_returns(doc)]
	returned = _returned_weight(doc, original, weights)
	returned_before = sum((_returned_weight(ret, original, weights) for ret in earlier), Decimal(0))
	amount_before = sum((abs(Decimal(str(flt(ret.base_total)))) for ret in earlier), Decimal(0))
	original_key = voucher_key(doc.doctype, doc.return_against)
	for row in rows:
		if row.voucher != original_key or row.kind not in (rules.EARN, rules.REDEEM):
			continue
		if row.kind == rules.EARN:
			share = rules.reverse_for_return(
				abs(row.points), sum(weights.values()), returned, returned_before
			)
		else:
			share = rules.reverse_for_return(
				abs(row.points), flt(original.base_total), abs(flt(doc.base_total)), amount_before
			)
		if share <= 0:
			continue
		try:
			move = rules.reverse(
				rows,
				row.name,
				getdate(doc.posting_date),
				share,
				name=new_name(),
				voucher=voucher_key(doc.doctype, doc.name),
			)
		except rules.LoyaltyError:
			continue  # fully reversed already
		write(doc.customer, move, "Return", doc)
		rows = [*rows, move]


def _returned_weight(ret, original, weights) -> Decimal:
	"""The weight of a return's lines: each the share (by amount) of the original line it returns."""
	detail = "pos_invoice_item" if ret.doctype == "POS Invoice" else "sales_invoice_item"
	originals = {row.name: row for row in original.items}
	total = Decimal(0)
	for row in ret.items:
		source = originals.get(row.get(detail)) or next(
			(line for line in original.items if line.item_code == row.item_code), None
		)
		if source and flt(source.base_net_amount):
			share = min(abs(flt(row.base_net_amount)) / abs(flt(source.base_net_amount)), 1)
			total += weights[source.name] * Decimal(str(share))
	return total


def _earlier_returns(doc) -> list[str]:
	invoice = DocType(doc.doctype)
	return [
		row[0]
		for row in frappe.qb.from_(invoice)
		.select(invoice.name)
		.where(
			(invoice.return_against == doc.return_against)
			& (invoice.docstatus == 1)
			& (invoice.is_return == 1)
			& (invoice.name != doc.name)
		)
		.run()
	]


def _post_referral_bonus(doc, settings) -> None:
	points = cint(settings.referral_bonus_points)
	referrer = frappe.db.get_value("Customer", doc.customer, "jc_referred_by")
	if points <= 0 or not referrer or referrer == doc.customer or _has_other_sale(doc):
		return
	if clienteling_settings.walk_in_customer(settings) == referrer:
		return
	lock_customer(referrer)
	day = getdate(doc.posting_date)
	move = rules.earn(
		new_name(),
		points,
		day,
		voucher_key(doc.doctype, doc.name),
		cint(settings.points_expiry_days) or 365,
		kind=rules.BONUS,
	)
	write(
		referrer,
		move,
		"Referral",
		doc,
		reason=_("Referred {0}, whose first purchase this is").format(doc.customer_name or doc.customer),
	)
	refresh_balance(referrer)


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


def cancel_invoice(doc) -> None:
	"""on_cancel, inside a savepoint: reverse every row the invoice moved, for everyone it touched
	(her points and a referrer's bonus). Cancelling twice reverses nothing more."""
	key = voucher_key(doc.doctype, doc.name)
	ledger = DocType(LEDGER)
	customers = sorted(
		{
			row[0]
			for row in frappe.qb.from_(ledger)
			.select(ledger.customer)
			.where((ledger.voucher_type == doc.doctype) & (ledger.voucher_no == doc.name))
			.run()
		}
	)
	today = getdate(nowdate())
	for customer in customers:
		lock_customer(customer)
		rows = customer_movements(customer, locked=True)
		for move in rules.cancel(rows, key, today):
			write(customer, move, "Cancellation", doc)
		refresh_balance(customer)
	frappe.db.set_value(doc.doctype, doc.name, "jc_loyalty_posted", 0, update_modified=False)


# --- the daily job and the sweep ------------------------------------------------------------------


def expire_points(today: date | None = None, limit: int = 500) -> int:
	"""Post an Expire row for what is left of every lapsed lot; each customer in her own
	transaction. Running it again, or alongside itself, posts nothing more."""
	today = getdate(today or nowdate())
	customer = DocType("Customer")
	expired = 0
	last = ""
	while True:
		names = [
			row[0]
			for row in frappe.qb.from_(customer)
			.select(customer.name)
			.where((customer.jc_points_next_expiry <= today) & (customer.name > last))
			.orderby(customer.name)
			.limit(limit)
			.run()
		]
		if not names:
			return expired
		for name in names:
			try:
				lock_customer(name)
				for move in rules.expire_due(customer_movements(name, locked=True), today):
					write(name, move, "Expiry")
					expired += 1
				refresh_balance(name, today)
				frappe.db.commit()  # nosemgrep: background job, one customer per transaction
			except Exception:
				frappe.db.rollback()
				frappe.log_error(title=f"Clienteling: expiring points failed for {name}")
				frappe.db.commit()  # nosemgrep: keep the Error Log row
		last = names[-1]


def invoices_to_post(since, limit: int = 200) -> list[tuple[str, str, int]]:
	"""(doctype, name, docstatus) of sales whose points were not posted, or whose cancellation was
	not reversed: what a failed hook left for the sweep."""
	found = []
	for doctype in facts.SALE_DOCTYPES:
		invoice, query = facts.sales_from(doctype)
		found.extend(
			(doctype, name, docstatus)
			for name, docstatus in query.select(invoice.name, invoice.docstatus)
			.where(
				(invoice.modified >= since)
				& (
					((invoice.docstatus == 1) & (invoice.jc_loyalty_posted == 0))
					| ((invoice.docstatus == 2) & (invoice.jc_loyalty_posted == 1))
				)
			)
			.limit(limit)
			.run()
		)
	return found


def sweep(since) -> int:
	"""Post what hooks could not, for sales since the programme started; each invoice in its own
	transaction."""
	started = clienteling_settings.get_settings().loyalty_enabled_on
	if not started:
		return 0
	since = max(get_datetime(since), get_datetime(started))
	done = 0
	for doctype, name, docstatus in invoices_to_post(since):
		try:
			doc = frappe.get_doc(doctype, name)
			if docstatus == 1:
				post_invoice(doc)
			else:
				cancel_invoice(doc)
			frappe.db.commit()  # nosemgrep: background job, one invoice per transaction
			done += 1
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Clienteling: posting points failed for {doctype} {name}")
			frappe.db.commit()  # nosemgrep: keep the Error Log row
	return done


# --- bonuses and opening balances ---------------------------------------------------------------


def award_bonus(customer: str, points: int, source: str, reason: str, voucher=None) -> str:
	settings = clienteling_settings.get_settings()
	lock_customer(customer)
	day = getdate(nowdate())
	move = rules.earn(
		new_name(),
		points,
		day,
		voucher_key(voucher.doctype, voucher.name) if voucher else "",
		cint(settings.points_expiry_days) or 365,
		kind=rules.BONUS,
	)
	name = write(customer, move, source, voucher, reason=reason)
	refresh_balance(customer)
	return name


def import_erpnext_balances(today: date | None = None) -> dict:
	"""Bring every customer's unexpired ERPNext Loyalty Point Entry points in as opening Adjust rows,
	one per lapse date, once: a customer who has an opening balance already is left alone."""
	today = getdate(today or nowdate())
	entry = DocType("Loyalty Point Entry")
	ledger = DocType(LEDGER)
	imported = {
		row[0]
		for row in frappe.qb.from_(ledger)
		.select(ledger.customer)
		.distinct()
		.where(ledger.source == "Opening Balance")
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
			by_customer[customer].append((expiry, cint(points)))
	default_lapse = clienteling_settings.earning_rules().expiry_days
	for customer, lots in by_customer.items():
		lock_customer(customer)
		for expiry, points in lots:
			lapse = getdate(expiry) if expiry else add_days(today, default_lapse)
			move = rules.Movement(new_name(), rules.ADJUST, points, today, lapse)
			write(customer, move, "Opening Balance", reason=_("Brought over from ERPNext's Loyalty Program"))
		refresh_balance(customer, today)
	return {"customers": len(by_customer), "rows": sum(len(lots) for lots in by_customer.values())}
