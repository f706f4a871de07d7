"""The daily expiry job and the sweep that posts what a failed hook could not: each customer or
invoice in its own transaction. Both may run alongside themselves (two workers): every row they post
is keyed, and posting it twice writes it once.
"""

from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.utils import get_datetime, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import facts
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.loyalty import invoices, ledger


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
				ledger.lock_customer(name)
				for move in loyalty_rules.expire_due(ledger.customer_movements(name, locked=True), today):
					_row, written = ledger.write(name, move, loyalty_rules.SOURCE_EXPIRY)
					expired += written
				ledger.refresh_balance(name, today)
				frappe.db.commit()  # background job, one customer per transaction
			except Exception:
				frappe.db.rollback()
				frappe.log_error(title=f"Clienteling: expiring points failed for {name}")
				frappe.db.commit()  # keep the Error Log row
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
				invoices.post_invoice(doc)
			else:
				invoices.cancel_invoice(doc)
			frappe.db.commit()  # background job, one invoice per transaction
			done += 1
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Clienteling: posting points failed for {doctype} {name}")
			frappe.db.commit()  # keep the Error Log row
	return done
