# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.domain.preferences import SINGLE_VALUED, preference_key


class Preference(Document):
	def validate(self):
		self.value = " ".join((self.value or "").split())
		self.qualifier = " ".join((self.qualifier or "").split())
		if not self.value:
			frappe.throw(_("Say what she prefers: the value cannot be empty."))
		self.preference_key = f"{self.customer}|{preference_key(self.dimension, self.qualifier, self.value)}"
		self.title = f"{_(self.dimension)}: {self.value}" + (f" ({self.qualifier})" if self.qualifier else "")
		self.validate_not_duplicate()

	def validate_not_duplicate(self):
		existing = frappe.db.get_value(
			"Preference", {"preference_key": self.preference_key, "name": ("!=", self.name)}, "name"
		)
		if not existing:
			return
		if self.dimension in SINGLE_VALUED:
			message = _("{0} is already recorded for this customer: change that one instead: {1}")
		else:
			message = _("This {0} preference is already recorded for the customer: {1}")
		frappe.throw(
			message.format(_(self.dimension), frappe.utils.get_link_to_form("Preference", existing)),
			frappe.DuplicateEntryError,
			title=_("Already Recorded"),
		)
