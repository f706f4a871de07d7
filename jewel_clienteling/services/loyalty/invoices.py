"""What a sale earns, what a return takes back and what a cancellation reverses. Each runs inside
the sale's transaction (in a savepoint: overrides/invoice.py) or in the sweep, under a lock on her;
each row it posts is keyed, so the hook and a sweep, or two sweeps, post it once.
"""

from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, flt, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.domain.preferences import SOURCE_ITEM_FIELD, PreferenceSource, item_dimensions
from jewel_clienteling.services import facts
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.loyalty import bonuses, ledger
from jewel_clienteling.services.loyalty.ledger import customer_movements, lock_customer, voucher_key


def invoice_lines(doc, earning: loyalty_rules.EarningRules, settings) -> list[loyalty_rules.InvoiceLine]:
	"""Her invoice's rows as the earning rules see them: group, metal, item fields, amounts in the
	company's currency."""
	making_field = (settings.making_charge_field or "").strip()
	item_fields = sorted({rate.field_name for rate in earning.rates if rate.field_name})
	needs_metal = earning.excluded_metals or any(
		rate.applies_to == loyalty_rules.APPLIES_TO_METAL for rate in earning.rates
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
			loyalty_rules.InvoiceLine(
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
			bonuses.post_referral_bonus(doc, settings)
		ledger.refresh_balance(doc.customer)
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
	points = loyalty_rules.points_for_invoice(invoice_lines(doc, earning, settings), earning, day, birthday)
	if points <= 0:
		return 0
	move = loyalty_rules.earn(
		ledger.new_name(), points, day, voucher_key(doc.doctype, doc.name), earning.expiry_days
	)
	name, written = ledger.write(doc.customer, move, loyalty_rules.SOURCE_SALE, doc)
	# earned already (the hook and a sweep at once): what it earned then is what it earned
	return points if written else cint(frappe.db.get_value(ledger.LEDGER, name, "points", for_update=True))


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
		row.name: loyalty_rules.line_weight(line, earning)
		for row, line in zip(original.items, invoice_lines(original, earning, settings), strict=True)
	}
	earlier = [frappe.get_doc(doc.doctype, name) for name in _earlier_returns(doc)]
	returned = _returned_weight(doc, original, weights)
	returned_before = sum((_returned_weight(ret, original, weights) for ret in earlier), Decimal(0))
	amount_before = sum((abs(Decimal(str(flt(ret.base_total)))) for ret in earlier), Decimal(0))
	original_key = voucher_key(doc.doctype, doc.return_against)
	for row in rows:
		if row.voucher != original_key or row.kind not in (loyalty_rules.EARN, loyalty_rules.REDEEM):
			continue
		if row.kind == loyalty_rules.EARN:
			share = loyalty_rules.reverse_for_return(
				abs(row.points), sum(weights.values()), returned, returned_before
			)
		else:
			share = loyalty_rules.reverse_for_return(
				abs(row.points), flt(original.base_total), abs(flt(doc.base_total)), amount_before
			)
		if share <= 0:
			continue
		try:
			move = loyalty_rules.reverse(
				rows,
				row.name,
				getdate(doc.posting_date),
				share,
				name=ledger.new_name(),
				voucher=voucher_key(doc.doctype, doc.name),
			)
		except loyalty_rules.LoyaltyError:
			continue  # fully reversed already
		_name, written = ledger.write(doc.customer, move, loyalty_rules.SOURCE_RETURN, doc)
		rows = [*rows, move] if written else customer_movements(doc.customer, locked=True)


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


def cancel_invoice(doc) -> None:
	"""on_cancel, inside a savepoint: reverse every row the invoice moved, for everyone it touched
	(her points and a referrer's bonus). Cancelling twice reverses nothing more."""
	key = voucher_key(doc.doctype, doc.name)
	table = DocType(ledger.LEDGER)
	customers = sorted(
		{
			row[0]
			for row in frappe.qb.from_(table)
			.select(table.customer)
			.where((table.voucher_type == doc.doctype) & (table.voucher_no == doc.name))
			.run()
		}
	)
	today = getdate(nowdate())
	for customer in customers:
		lock_customer(customer)
		rows = customer_movements(customer, locked=True)
		for move in loyalty_rules.cancel(rows, key, today):
			ledger.write(customer, move, loyalty_rules.SOURCE_CANCELLATION, doc)
		ledger.refresh_balance(customer)
	frappe.db.set_value(doc.doctype, doc.name, "jc_loyalty_posted", 0, update_modified=False)
