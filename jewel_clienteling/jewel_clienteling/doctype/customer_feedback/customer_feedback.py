"""Her score and comment from a one-tap feedback link (services/feedback.py), and her review."""

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.services import feedback


class CustomerFeedback(Document):
	def validate(self):
		if self.review_bonus and not self.review_given:
			frappe.throw(_("The review bonus was given for this review: it stays marked as given."))

	def on_update(self):
		feedback.give_review_bonus(self)
