"""ERPNext's Quotation and Sales Order as a made-to-order piece: see services/custom_orders.py."""

from jewel_clienteling.services import custom_orders


def validate(doc, method=None):
	custom_orders.prepare(doc)
	custom_orders.check_stage(doc)


def before_update_after_submit(doc, method=None):
	custom_orders.check_stage(doc)


def on_submit(doc, method=None):
	"""An order submitted at a messaged stage tells her; later stages tell her as they come."""
	custom_orders.plan_status_message(doc)


def on_cancel(doc, method=None):
	custom_orders.withdraw_all(doc)
