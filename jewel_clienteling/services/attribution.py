"""Which sale an outreach brought: recomputed from her sales and what reached her, like the rest of
her profile, so a return, a cancel or a late POS consolidation simply changes the answer."""

from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, flt, getdate

from jewel_clienteling.domain.attribution import DEFAULT_ATTRIBUTION_DAYS, SaleFact, Touch, attribute
from jewel_clienteling.domain.outreach import REPLIES
from jewel_clienteling.domain.outreach_lifecycle import REACHED
from jewel_clienteling.domain.profile import Sale, net_sales

SEPARATOR = "::"


def sync(customer: str, sales: list[Sale], settings) -> int:
	"""Credit each of her kept sales to the outreach that came before it within the window, once.
	Returns how many outreach rows changed."""
	return sync_many({customer: sales}, settings)


def sync_many(sales_of: dict[str, list[Sale]], settings) -> int:
	"""The same for many customers at once: their reached outreach read in one query."""
	if not sales_of:
		return 0
	window = cint(settings.attribution_days) or DEFAULT_ATTRIBUTION_DAYS
	outreach = DocType("Client Outreach")
	rows = (
		frappe.qb.from_(outreach)
		.select(
			outreach.customer,
			outreach.name,
			outreach.sent_on,
			outreach.attributed_sale_type,
			outreach.attributed_sale,
			outreach.attributed_amount,
		)
		.where(
			outreach.customer.isin(list(sales_of))
			& outreach.status.isin(REACHED)
			& outreach.sent_on.isnotnull()
			# a word back to her own reply is not what brought her in
			& outreach.reason.notin(REPLIES)
		)
		.run(as_dict=True)
	)
	rows_of: dict[str, list] = {}
	for row in rows:
		rows_of.setdefault(row.customer, []).append(row)
	changed = 0
	for customer, touches in rows_of.items():
		kept = [
			SaleFact(name=sale.invoice, posting_date=sale.posting_date, amount=Decimal(str(amount)))
			for sale, amount in net_sales(sales_of[customer])[0]
		]
		credit = attribute([Touch(row.name, getdate(row.sent_on)) for row in touches], kept, window)
		for row in touches:
			sale, amount = credit.get(row.name, (None, None))
			doctype, name = sale.split(SEPARATOR, 1) if sale else (None, None)
			if (row.attributed_sale_type, row.attributed_sale, flt(row.attributed_amount)) == (
				doctype,
				name,
				flt(amount),
			):
				continue
			frappe.db.set_value(
				"Client Outreach",
				row.name,
				{"attributed_sale_type": doctype, "attributed_sale": name, "attributed_amount": amount},
				update_modified=False,
			)
			changed += 1
	return changed
