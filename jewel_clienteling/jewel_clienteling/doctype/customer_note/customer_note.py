# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import DocType
from frappe.query_builder.functions import IfNull
from frappe.utils import getdate

from jewel_clienteling.services import imports

LIFE_EVENT = "Life Event"


class CustomerNote(imports.SheetRow, Document):
	def validate(self):
		self.note = (self.note or "").strip()
		if not self.note:
			frappe.throw(_("Write the note before saving it."))
		if self.note_type == LIFE_EVENT and not self.event_type:
			frappe.throw(_("Say which life event this is."))
		if self.note_type != LIFE_EVENT:
			self.event_type = self.event_date = self.person_name = self.relation = None
		if self.event_date:
			self.event_date = getdate(self.event_date)  # a date that cannot be is refused in words

	def read_sheet_row(self):
		"""A row of a notes sheet: her customer by ID or mobile; a row that names a life event is one,
		dated by When as typed, with its year ('14-02-2024')."""
		imports.resolve_customer(self)
		self.note = (self.note or "").strip()
		self.person_name = " ".join((self.person_name or "").split()) or None
		if self.event_type:
			self.note_type = LIFE_EVENT
		typed = imports.typed_date(self, "import_when", year_required=True)
		if typed:
			self.event_date = typed.as_date()

	def existing_record(self) -> str | None:
		"""The same note about her, word for word (and the same event, date and person), already kept."""
		note = DocType("Customer Note")
		life_event = self.note_type == LIFE_EVENT
		same = (
			(note.customer == self.customer)
			& (note.note_type == self.note_type)
			& (note.note == self.note)
			& (IfNull(note.event_type, "") == ((life_event and self.event_type) or ""))
			& (IfNull(note.person_name, "") == ((life_event and self.person_name) or ""))
		)
		if life_event and self.event_date:
			same &= note.event_date == getdate(self.event_date)
		else:
			same &= note.event_date.isnull()
		found = frappe.qb.from_(note).select(note.name).where(same).limit(1).run()
		return found[0][0] if found else None
