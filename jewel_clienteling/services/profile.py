"""A customer's profile, recomputed from facts. Running it twice changes nothing."""

import frappe
from frappe.utils import getdate, nowdate

from jewel_clienteling.services import learning
from jewel_clienteling.services import settings as clienteling_settings


def refresh_customer(customer: str, today=None) -> bool:
	"""Recompute her statistics, stage, RFM, captured occasions and inferred preferences: the same
	set-based learning a store's history goes through, for a page of one.

	Locks her Customer row first so two refreshes of the same customer (the after-sale job and
	the sweep) run one after the other. Returns False when there is nothing to learn from her
	(the walk-in customer, no such customer, or her data erased at her request); raises when her
	sales cannot be learnt, leaving her as she was."""
	if customer == clienteling_settings.walk_in_customer():
		return False
	outcome = learning.learn([customer], getdate(today or nowdate()))
	if customer in outcome.failed:
		frappe.throw(outcome.failed[customer])
	return customer in outcome.learnt
