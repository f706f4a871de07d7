"""doc_events of POS Invoice and Sales Invoice.

These run inside the sale's transaction. Redeeming points is part of the sale (its discount), so a
redemption she cannot pay for stops the sale with a clear message. Everything else can never
raise: points earned are posted inside a savepoint that is rolled back alone on failure (the sweep
posts them later), and the profile is refreshed by a job queued after the sale commits.
"""

import frappe

from jewel_clienteling.services import loyalty, sync
from jewel_clienteling.services import settings as clienteling_settings

SAVEPOINT = "jewel_clienteling_points"


def before_validate(doc, method=None):
	loyalty.apply_redemption(doc)


def validate(doc, method=None):
	loyalty.check_redemption_value(doc)


def on_submit(doc, method=None):
	loyalty.redeem_for_invoice(doc)
	_safely(loyalty.post_invoice, doc)
	_refresh_customer_later(doc)


def on_cancel(doc, method=None):
	_safely(loyalty.cancel_invoice, doc)
	_refresh_customer_later(doc)


def _safely(post, doc) -> None:
	"""Run a points posting in a savepoint; on failure undo only it, log it, and let the sale go on."""
	try:
		frappe.db.savepoint(SAVEPOINT)
		post(doc)
		frappe.db.release_savepoint(SAVEPOINT)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		sync.logger().warning(f"points posting failed on {doc.doctype} {doc.name}", exc_info=True)
		frappe.log_error(title=f"Clienteling: points posting failed on {doc.doctype} {doc.name}")


def _refresh_customer_later(doc) -> None:
	try:
		if doc.get("is_consolidated") or not doc.get("customer"):
			# a POS closing's consolidated invoice repeats sales already counted from POS Invoices
			return
		settings = clienteling_settings.get_settings()
		if not settings.enabled or doc.customer == clienteling_settings.walk_in_customer(settings):
			return
		sync.refresh_after_commit(doc.customer)
	except Exception:
		# Never block a sale: the sweep refreshes this customer from the committed invoice.
		sync.logger().warning(f"clienteling hook failed on {doc.doctype} {doc.name}", exc_info=True)
