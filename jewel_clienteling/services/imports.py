"""A jeweller's spreadsheets brought in through Frappe's own Data Import: occasions, preferences and
sizes, notes and life events, and consent per channel.

Data Import inserts each row as one document and commits it, or rolls the row back and logs its
messages: a row lands whole or not at all. What a row needs beyond the doctype's own fields is read
here, row by row, so a bad row is refused with its reason while the good ones land:

- her customer by ID, or by the mobile number however it was typed (`Mobile`), among the customers
  the importing user may see (services/customer_lookup): a number nobody has, or that several
  customers share with no name to tell them apart, is refused;
- dates as typed (`Date`, `When`): with or without a year, day first (domain/imports);
- a row that is already recorded (the same occasion, preference, note or consent) is *already
  there*: Data Import logs it as done with a link to the record that stands, and nothing is added
  or changed, so a sheet imported twice adds nothing the second time.

Only a document inserted by Data Import is read this way; the desk, the POS and the jobs are not."""

import calendar

import frappe
from frappe import _

from jewel_clienteling.domain.imports import UnreadableDate, parse_typed_date
from jewel_clienteling.domain.phones import normalise_phone
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.customer_lookup import find_customer

DATA_IMPORT = "Data Import"
IMPORTED = "Imported from spreadsheet"


def from_sheet(doc) -> bool:
	"""Whether Data Import is inserting this document from a row of a sheet."""
	return (doc.flags.updater_reference or {}).get("doctype") == DATA_IMPORT


def data_import(doc) -> str | None:
	"""The Data Import inserting this document."""
	return (doc.flags.updater_reference or {}).get("docname")


class SheetRow:
	"""For a doctype whose rows a jeweller imports: put before Document in the controller's bases and
	define `read_sheet_row()` (fill the document from its sheet columns, or throw the row's reason)
	and `existing_record()` (the name of the record this row already is, or None for a new one)."""

	def insert(self, *args, **kwargs):
		if not (from_sheet(self) and self.is_new()):
			return super().insert(*args, **kwargs)
		self.read_sheet_row()
		existing = self.existing_record()
		if not existing:
			return super().insert(*args, **kwargs)
		# already there: nothing is added; the user could have added it, so she may be told where it is
		self.check_permission("create")
		self.name = existing
		self.flags.already_there = True
		return self


def resolve_customer(doc, mobile_field: str = "import_mobile") -> None:
	"""The row's customer: its Customer ID, else the customer with its mobile number. Several
	customers of hers with that number (a family sharing a phone) are told apart by the row's
	Customer Name, or the row is refused; a customer whose data was erased at her request gets
	nothing back from a sheet."""
	# imported here: privacy reaches the doctypes (Occasion, Consent Change) whose rows this reads
	from jewel_clienteling.services import privacy

	if not doc.customer:
		doc.customer = _customer_by_mobile(doc.get(mobile_field), doc.get("customer_name"))
	if privacy.is_erased(doc.customer):
		frappe.throw(
			_("{0}'s clienteling data was erased on request: a spreadsheet does not bring it back.").format(
				doc.customer
			),
			title=_("Customer"),
		)


def _customer_by_mobile(typed: str | None, name: str | None) -> str:
	typed = " ".join(str(typed or "").split())
	if not typed:
		frappe.throw(_("Give the customer's ID or mobile number."), frappe.MandatoryError, _("Customer"))
	region = clienteling_settings.get_settings().default_region or "IN"
	phone = normalise_phone(typed, region)
	if not phone:
		frappe.throw(_("{0} is not a mobile number we can read.").format(typed), title=_("Mobile"))
	match = find_customer(phone, name)
	if not match.customer:
		frappe.throw(
			_(
				"No customer has the mobile number {0}. Add the customer first, or give the Customer ID."
			).format(typed),
			frappe.DoesNotExistError,
			_("Mobile"),
		)
	wanted = " ".join((name or "").split()).casefold()
	found_name = frappe.db.get_value("Customer", match.customer, "customer_name") or ""
	if len(match.same_number) > 1 and found_name.casefold() != wanted:
		frappe.throw(
			_(
				"{0} customers share the mobile number {1}: {2}. Give the Customer ID, or the Customer Name, of the one this row is about."
			).format(len(match.same_number), typed, ", ".join(match.same_number)),
			title=_("Mobile"),
		)
	return match.customer


def typed_date(doc, fieldname: str, year_required: bool = False):
	"""The row's date as typed in `fieldname` (a TypedDate, None when empty), or the row refused with
	what is wrong with it."""
	label = _(doc.meta.get_label(fieldname))
	try:
		typed = parse_typed_date(doc.get(fieldname))
	except UnreadableDate as error:
		frappe.throw(date_message(error), title=label)
	if typed and year_required and not typed.year:
		frappe.throw(
			_("{0}: give the year too, as in 14-02-2024.").format(doc.get(fieldname).strip()), title=label
		)
	return typed


def date_message(error: UnreadableDate) -> str:
	if error.reason == "short_year":
		return _("{0}: write the year in full, as in 14-02-1988.").format(error.text)
	if error.reason == "month":
		return _("{0}: there is no month {1}. Write the day first, as in 14-02.").format(
			error.text, error.month
		)
	if error.reason == "day":
		return _("{0}: {1} has no day {2}.").format(
			error.text, _(calendar.month_name[error.month]), error.day
		)
	if error.reason == "date":
		return _("{0}: {1} is not a leap year, so it has no 29 February.").format(error.text, error.year)
	return _("{0} is not a date we can read: write it as 14-02, or 14-02-1988 with its year.").format(
		error.text
	)
