# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from jewel_clienteling.domain.imports import CLAIM, CONFLICT, INSERT, preference_outcome
from jewel_clienteling.domain.preferences import SINGLE_VALUED, STATED, preference_key
from jewel_clienteling.services import imports


class Preference(imports.SheetRow, Document):
	def validate(self):
		self.value = " ".join((self.value or "").split())
		self.qualifier = " ".join((self.qualifier or "").split())
		if not self.value:
			frappe.throw(_("Say what the customer prefers: the value cannot be empty."))
		self.preference_key = self.make_key()
		self.title = preference_title(self.dimension, self.qualifier, self.value)
		self.validate_not_duplicate()

	def make_key(self) -> str:
		return stored_key(self.customer, self.dimension, self.qualifier, self.value)

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

	def read_sheet_row(self):
		"""A row of a preferences sheet: her customer by ID or mobile; what the store wrote down is what
		she told it, so it is Stated (an Inferred row would be the learning job's to drop)."""
		imports.resolve_customer(self)
		self.value = " ".join((self.value or "").split())
		self.qualifier = " ".join((self.qualifier or "").split())
		if not self.value:
			frappe.throw(
				_("Say what the customer prefers: the value cannot be empty."),
				frappe.MandatoryError,
				_("Value"),
			)
		self.source = STATED

	def existing_record(self) -> str | None:
		"""The preference this row already is. One her purchases suggested becomes what she told us; a
		size or budget she told us as another value is refused, for a person to settle."""
		recorded = frappe.db.get_value(
			"Preference", {"preference_key": self.make_key()}, ["name", "source", "value"], as_dict=True
		)
		outcome = preference_outcome((recorded.source, recorded.value) if recorded else None, self.value)
		if outcome == INSERT:
			return None
		what = _(self.dimension) + (f" ({self.qualifier})" if self.qualifier else "")
		if outcome == CONFLICT:
			frappe.throw(
				_("{0} is already recorded as {1}, not {2}: change {3} if {2} is right.").format(
					what,
					recorded.value,
					self.value,
					frappe.utils.get_link_to_form("Preference", recorded.name),
				),
				frappe.DuplicateEntryError,
				_("Already Recorded"),
			)
		if outcome == CLAIM:
			self.claim(recorded.name)
		return recorded.name

	def claim(self, name: str) -> None:
		inferred = frappe.get_doc("Preference", name)
		inferred.check_permission("write")
		inferred.update({"source": STATED, "value": self.value, "notes": self.notes or inferred.notes})
		inferred.save()


def stored_key(customer: str, dimension: str, qualifier: str | None, value: str) -> str:
	"""The unique key of her preference row (also for preferences learnt in bulk)."""
	return f"{customer}|{preference_key(dimension, qualifier, value)}"


def preference_title(dimension: str, qualifier: str | None, value: str) -> str:
	return f"{_(dimension)}: {value}" + (f" ({qualifier})" if qualifier else "")
