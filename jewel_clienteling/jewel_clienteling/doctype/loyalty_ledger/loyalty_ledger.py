# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, cint, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import loyalty
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.roles import require_manager

MANUAL_KINDS = (loyalty_rules.ADJUST, loyalty_rules.BONUS)


class LoyaltyLedger(Document):
	"""One movement of her points, never edited and never deleted: a mistake is put right with a
	Reverse or an Adjust. Sales, returns, cancellations and expiry post rows themselves
	(services/loyalty/); a person may only add an Adjust or a Bonus, with a reason."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("A Loyalty Ledger row is never changed. Post an adjustment instead."))
		require_manager(_("Only a Clienteling Manager can adjust points by hand."))
		if self.entry_type not in MANUAL_KINDS:
			frappe.throw(_("By hand you can post only an Adjust or a Bonus; the rest is posted by sales."))
		if not (self.reason or "").strip():
			frappe.throw(
				_("Write the reason for this adjustment: the customer may ask, and so may your auditor.")
			)
		if not cint(self.points):
			frappe.throw(_("An adjustment of no points changes nothing."))
		if self.entry_type == loyalty_rules.BONUS and cint(self.points) < 0:
			frappe.throw(_("A bonus gives points; to take points away post an Adjust."))
		self.posting_date = getdate(nowdate())
		self.source = loyalty_rules.SOURCE_MANUAL
		self.posted_by = frappe.session.user
		self.voucher_type = self.voucher_no = self.against_entry = None
		self.once_key = None  # a movement by hand may repeat
		if cint(self.points) > 0:
			expiry_days = clienteling_settings.earning_rules().expiry_days
			if not self.expiry_date or getdate(self.expiry_date) <= self.posting_date:
				self.expiry_date = add_days(self.posting_date, expiry_days)
		else:
			self.expiry_date = None
			loyalty.lock_customer(self.customer)
			held = int(
				loyalty_rules.balance(
					loyalty.customer_movements(self.customer, locked=True), self.posting_date
				)
			)
			if -cint(self.points) > held:
				frappe.throw(
					_("The customer holds {0} points; an adjustment can take at most that many.").format(held)
				)

	def after_insert(self):
		loyalty.refresh_balance(self.customer)

	def on_trash(self):
		if not (frappe.flags.in_uninstall or self.flags.erasure):
			frappe.throw(_("A Loyalty Ledger row is never deleted. Post an adjustment instead."))
