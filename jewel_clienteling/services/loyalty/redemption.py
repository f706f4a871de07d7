"""Points spent at the counter: they become the invoice's additional discount, so ERPNext's own
totals, taxes and payments see them, and they are taken on submit under a lock on her."""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.loyalty import ledger


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
	held = ledger.balance(doc.customer, doc.posting_date)
	if points > held:
		frappe.throw(
			_("{0} holds {1} points, so {2} cannot be redeemed.").format(
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
	ledger.lock_customer(doc.customer)
	today = getdate(doc.posting_date)
	voucher = ledger.voucher_key(doc.doctype, doc.name)
	rows = ledger.customer_movements(doc.customer, locked=True)
	if any(row.key == loyalty_rules.keys.redemption(voucher) for row in rows):
		return  # this invoice's points were taken already
	try:
		move = loyalty_rules.redeem(rows, points, today, name=ledger.new_name(), voucher=voucher)
	except loyalty_rules.LoyaltyError as error:
		frappe.throw(
			_("{0} points cannot be redeemed: the customer holds {1}.").format(
				points, ledger.balance(doc.customer, today)
			)
			if error.reason == "insufficient_balance"
			else _("Redeem a positive number of points."),
			title=_("Not Enough Points"),
		)
	ledger.write(doc.customer, move, loyalty_rules.SOURCE_REDEMPTION, doc)
