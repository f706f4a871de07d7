"""doc_events of POS Invoice and Sales Invoice.

These run inside the sale's transaction, so they do as little as possible and can never raise:
they only ask for the customer's profile to be refreshed after the sale commits.
"""

from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services import sync


def on_submit(doc, method=None):
	_refresh_customer_later(doc)


def on_cancel(doc, method=None):
	_refresh_customer_later(doc)


def _refresh_customer_later(doc) -> None:
	try:
		if doc.get("is_consolidated") or not doc.get("customer"):
			# a POS closing's consolidated invoice repeats sales already counted from POS Invoices
			return
		settings = clienteling_settings.get_settings()
		if not settings.enabled or doc.customer == settings.walk_in_customer:
			return
		sync.refresh_after_commit(doc.customer)
	except Exception:
		# Never block a sale: the sweep refreshes this customer from the committed invoice.
		sync.logger().warning(f"clienteling hook failed on {doc.doctype} {doc.name}", exc_info=True)
