# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

from datetime import date

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max
from frappe.utils import formatdate, get_datetime, getdate, nowdate

from jewel_clienteling.domain.imports import (
	ALREADY_THERE,
	APPLY,
	NEWER_CHOICE_STANDS,
	UnreadableChoice,
	consent_outcome,
	parse_consent_choice,
)
from jewel_clienteling.services import imports
from jewel_clienteling.setup.custom_fields import CONSENT_VIA

DEFAULT_VIA = "In store"


class ConsentChange(imports.SheetRow, Document):
	def validate(self):
		if not self.customer and not self.subject and not self.lead:
			frappe.throw(_("A consent change needs the customer it is about."), frappe.MandatoryError)

	def read_sheet_row(self):
		"""A row of a consent sheet: her customer by ID or mobile, the channel, her choice in words
		(Consent: Yes / No, Opted in / Opted out), the day she made it (When, with its year) and how
		(Via: In store, Paper form…)."""
		imports.resolve_customer(self)
		try:
			self.opted_in = int(parse_consent_choice(self.get("import_consent")))
		except UnreadableChoice:
			frappe.throw(
				_("Consent must say Yes or No (or Opted in / Opted out), not {0}.").format(
					frappe.bold(self.get("import_consent") or _("nothing"))
				),
				title=_("Consent"),
			)
		typed = imports.typed_date(self, "import_when", year_required=True)
		if not typed:
			frappe.throw(
				_("Say when the customer gave or withdrew this consent (When, as in 14-02-2024)."),
				frappe.MandatoryError,
				_("When"),
			)
		if typed.as_date() > getdate(nowdate()):
			frappe.throw(_("{0} is a day still to come.").format(self.import_when), title=_("When"))
		self.changed_on = get_datetime(typed.as_date())
		self.via = self.read_via()
		self.evidence = (
			" ".join((self.evidence or "").split()) or f"{_(imports.IMPORTED)}: {imports.data_import(self)}"
		)

	def read_via(self) -> str:
		ways = [way for way in CONSENT_VIA.split("\n") if way]
		typed = " ".join((self.via or "").split())
		if not typed:
			return DEFAULT_VIA
		for way in ways:
			if typed.casefold() in (way.casefold(), _(way).casefold()):
				return way
		frappe.throw(
			_("Via must be one of {0}, not {1}.").format(
				", ".join(_(way) for way in ways), frappe.bold(typed)
			),
			title=_("Via"),
		)

	def existing_record(self) -> str | None:
		"""The same row imported before is already there. Otherwise it is kept as her history, and
		changes her choice on the channel unless the store knows of a newer change, which stands."""
		same = frappe.db.get_value(
			"Consent Change",
			{
				"customer": self.customer,
				"channel": self.channel,
				"opted_in": self.opted_in,
				"changed_on": self.changed_on,
			},
			"name",
		)
		key = f"jc_{self.channel.lower()}_opt_in"
		current = frappe.db.get_value("Customer", self.customer, [key, f"{key}_on"], as_dict=True)
		last_change = self.last_change(current.get(f"{key}_on"))
		outcome = consent_outcome(
			bool(self.opted_in), getdate(self.changed_on), bool(current[key]), last_change, bool(same)
		)
		if outcome == ALREADY_THERE:
			return same
		if outcome == NEWER_CHOICE_STANDS:
			frappe.throw(
				_(
					"{0}: the customer's choice changed on {1}, after this row's {2}. The newer choice stands; this row was not imported."
				).format(_(self.channel), formatdate(last_change), formatdate(self.changed_on)),
				title=_("Consent"),
			)
		self.flags.changes_her_choice = outcome == APPLY
		return None

	def last_change(self, opted_in_on) -> date | None:
		"""The day of the latest change of her choice on this channel the store knows of."""
		change = DocType("Consent Change")
		latest = (
			frappe.qb.from_(change)
			.select(Max(change.changed_on))
			.where((change.customer == self.customer) & (change.channel == self.channel))
			.run()
		)[0][0]
		days = [getdate(when) for when in (latest, opted_in_on) if when]
		return max(days) if days else None

	def after_insert(self):
		if self.flags.changes_her_choice:
			key = f"jc_{self.channel.lower()}_opt_in"
			frappe.db.set_value(
				"Customer",
				self.customer,
				{
					key: self.opted_in,
					f"{key}_on": self.changed_on if self.opted_in else None,
					f"{key}_via": self.via if self.opted_in else None,
				},
			)
