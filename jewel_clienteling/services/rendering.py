"""Drafting messages: the manager's Outreach Templates, rendered with Frappe's sandboxed Jinja."""

import frappe
from frappe.utils.jinja import get_jenv
from jinja2 import TemplateError

from jewel_clienteling.domain.templates import TemplateChoice, pick_template


def environment():
	return get_jenv()


class Drafter:
	"""Loads the enabled templates once and compiles each once, for a whole planning run."""

	def __init__(self):
		rows = frappe.get_all(
			"Outreach Template",
			filters={"enabled": 1},
			fields=["name", "reason", "step", "occasion_type", "message"],
		)
		self.choices = [
			TemplateChoice(row.name, row.reason, row.step or "", row.occasion_type or "") for row in rows
		]
		self.sources = {row.name: row.message or "" for row in rows}
		self.compiled = {}
		self.broken: set[str] = set()

	def pick(self, reason: str, step: str, occasion_type: str = "") -> str | None:
		return pick_template(self.choices, reason, step, occasion_type)

	def draft(self, template: str | None, context: dict) -> str:
		"""The message, or "" when there is no template or it fails; the associate then writes it.
		A broken template is logged once and never stops the run."""
		compiled = self._compiled(template)
		if compiled is None:
			return ""
		try:
			return compiled.render(context).strip()
		except TemplateError:
			self._broken(template)
			return ""

	def _compiled(self, template: str | None):
		if not template or template in self.broken or template not in self.sources:
			return None  # none, broken, or switched off
		if template not in self.compiled:
			try:
				self.compiled[template] = environment().from_string(self.sources[template])
			except TemplateError:
				self._broken(template)
				return None
		return self.compiled[template]

	def _broken(self, template: str) -> None:
		self.broken.add(template)
		frappe.log_error(title=f"Clienteling: template {template} could not be rendered")
