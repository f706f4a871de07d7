# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, flt


class ClientSegment(Document):
	def validate(self):
		from jewel_clienteling.services import segment_counts, segments

		segments.rules_of(self.rules)
		if not self.is_new() and self.rules_changed():
			running = frappe.get_all(
				"Client Campaign", filters={"segment": self.name, "status": "Running"}, pluck="name"
			)
			if running:
				# the campaign's job (as Administrator) reads these rules page by page: who may
				# change a segment must not change whom a running campaign reaches
				frappe.throw(
					_("Campaign {0} is sending to this segment: stop it before changing the rules.").format(
						", ".join(running)
					),
					title=_("The segment is in use"),
				)
		segment_counts.recount(self)

	def rules_changed(self) -> bool:
		before = self.get_doc_before_save()
		if not before:
			return False
		return _rules(before) != _rules(self)


def _rules(doc) -> list[tuple]:
	def number(value):
		return None if value in (None, "") else flt(value)

	return [
		(
			cstr(row.criterion),
			cstr(row.operator),
			cstr(row.value).strip(),
			cstr(row.qualifier).strip(),
			number(row.days),
			number(row.min_score),
		)
		for row in doc.get("rules") or []
	]
