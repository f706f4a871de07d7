"""Her rhythm, set at the counter (the POS panel) or from her form: how often she is happy to hear
from the store, at what time of day, on which channel."""

import frappe

from jewel_clienteling.api import arguments_required
from jewel_clienteling.services import rhythm


@frappe.whitelist(methods=["POST"])
@arguments_required
def set_rhythm(
	customer: str,
	how_often: str | None = None,
	time_of_day: str | None = None,
	channel: str | None = None,
) -> dict:
	"""Her choice as she tells it at the counter; an empty value is the store's default."""
	frappe.has_permission("Customer", "write", doc=customer, throw=True)
	return rhythm.set_rhythm(customer, how_often, time_of_day, channel)
