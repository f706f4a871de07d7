# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, getdate, nowdate

from jewel_clienteling.domain.occasions import (
	MONTH_NAMES,
	InvalidOccasionDate,
	next_occurrence,
	occasion_key,
	validate_day_month,
	year_is_plausible,
)
from jewel_clienteling.services import imports
from jewel_clienteling.services import settings as clienteling_settings


class Occasion(imports.SheetRow, Document):
	def validate(self):
		self.person_name = " ".join((self.person_name or "").split())
		self.validate_date()
		self.next_occurrence = next_occurrence(
			cint(self.day),
			cint(self.month),
			getdate(nowdate()),
			clienteling_settings.feb29_policy(),
		)
		self.occasion_key = self.make_key()
		self.title = self.make_title()
		self.validate_not_duplicate()

	def validate_date(self):
		day, month, year = cint(self.day), cint(self.month), cint(self.year) or None
		if not year_is_plausible(year, getdate(nowdate())):
			frappe.throw(_("The year {0} does not look right for an occasion.").format(year))
		try:
			validate_day_month(day, month, year)
		except InvalidOccasionDate as error:
			if error.reason == "month":
				message = _("Month must be between 1 and 12.")
			elif error.reason == "day":
				message = _("{0} has no day {1}.").format(_(MONTH_NAMES[month - 1]), day)
			else:
				message = _("{0} {1} {2} is not a date: {2} is not a leap year.").format(
					day, _(MONTH_NAMES[month - 1]), year
				)
			frappe.throw(message, title=_("Impossible Date"))

	def read_sheet_row(self):
		"""A row of an occasions sheet: her customer by ID or mobile, and its Date as typed ('14-02',
		or '14-02-1988' when the year matters)."""
		imports.resolve_customer(self)
		typed = imports.typed_date(self, "import_date")
		if typed:
			self.day, self.month, self.year = typed.day, str(typed.month), typed.year
		elif not (cint(self.day) and cint(self.month)):
			frappe.throw(
				_("Give the date of the occasion, as in 14-02, or 14-02-1988 with its year."),
				frappe.MandatoryError,
				_("Date"),
			)
		self.person_name = " ".join((self.person_name or "").split())

	def existing_record(self) -> str | None:
		return frappe.db.get_value("Occasion", {"occasion_key": self.make_key()}, "name")

	def make_key(self) -> str:
		return occasion_key(
			self.customer, self.occasion_type, self.person_name, cint(self.day), cint(self.month)
		)

	def make_title(self) -> str:
		return occasion_title(
			self.person_name or self.customer_name or self.customer,
			self.occasion_type,
			cint(self.day),
			cint(self.month),
		)

	def validate_not_duplicate(self):
		existing = frappe.db.get_value(
			"Occasion", {"occasion_key": self.occasion_key, "name": ("!=", self.name)}, "name"
		)
		if existing:
			frappe.throw(
				_("This occasion is already recorded for the customer: {0}").format(
					frappe.utils.get_link_to_form("Occasion", existing)
				),
				frappe.DuplicateEntryError,
				title=_("Already Recorded"),
			)


def occasion_title(whose: str, occasion_type: str, day: int, month: int) -> str:
	"""How an occasion is listed: whose, what, when (also for occasions learnt in bulk)."""
	return f"{whose} · {_(occasion_type)} · {day} {_(MONTH_NAMES[month - 1])}"
