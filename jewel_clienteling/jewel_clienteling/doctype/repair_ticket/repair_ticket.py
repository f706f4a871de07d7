# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.domain import repairs as repair_rules
from jewel_clienteling.services import repairs


class RepairTicket(Document):
	def validate(self):
		repairs.resolve_customer(self)
		repairs.check_weights(self)
		repairs.set_warranty(self)
		if self.docstatus == 0:
			self.status = repair_rules.STATUS_RECEIVED

	def after_insert(self):
		repairs.flag_possible_duplicate(self)

	def before_submit(self):
		if not self.photos:
			frappe.msgprint(_("No photo of the piece was taken at intake."), indicator="orange", alert=True)

	def on_submit(self):
		if not self.tag_number:
			self.db_set("tag_number", self.name)

	def before_update_after_submit(self):
		repairs.check_weights(self)
		previous = self.get_doc_before_save()
		if previous and (
			previous.weight_acknowledged_by != self.weight_acknowledged_by
			or previous.weight_acknowledgement_note != self.weight_acknowledgement_note
		):
			repairs.check_may_acknowledge()
		repairs.check_move(self, previous.status if previous else repair_rules.STATUS_RECEIVED)

	def on_update_after_submit(self):
		previous = self.get_doc_before_save()
		repairs.tell_customer(self, previous.status if previous else None)

	def before_cancel(self):
		try:
			repair_rules.check_transition(
				self.status, repair_rules.STATUS_CANCELLED, reason=self.cancel_reason
			)
		except repair_rules.RepairError as error:
			frappe.throw(repairs.explain(error), title=_("Repair"))

	def on_cancel(self):
		self.db_set("status", repair_rules.STATUS_CANCELLED)
		repairs.withdraw_pickup_messages(self)
