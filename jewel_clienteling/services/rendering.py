"""Drafting messages: the manager's Outreach Templates and WhatsApp template parameters, checked on
save and rendered in the app's own sandbox (domain/rendering.py), never with Frappe's Jinja, whose
globals reach the database, mail and the network while jobs run as Administrator."""

from dataclasses import dataclass, field

import frappe
from frappe import _

from jewel_clienteling.domain import rendering as text
from jewel_clienteling.domain.templates import TemplateChoice, must_wait, pick_template, seams

# {name} the word, {allowed} what a message may say, {detail} Jinja's own words, {most} a limit; each
# sentence is a lambda, so it is translated when asked for, in the user's language
# nosemgrep: frappe-semgrep-rules.rules.frappe-breaks-multitenancy
_REFUSALS = {
	"syntax": lambda: _("The message has a mistake on line {line}: {detail}"),
	"too_long": lambda: _("The message is too long: at most {most} characters."),
	"too_deep": lambda: _("The message nests brackets or tags too deeply."),
	"unknown_name": lambda: _(
		'Line {line}: "{name}" is not something a message can say. It may use: {allowed}.'
	),
	"private": lambda: _(
		'Line {line}: "{name}" reaches inside the program; a message may only use its words.'
	),
	"attribute": lambda: _(
		'Line {line}: ".{name}" is not allowed; a message uses its words as they are, or with a filter.'
	),
	"call": lambda: _("Line {line}: a message cannot call anything (nothing followed by brackets)."),
	"filter": lambda: _(
		'Line {line}: the filter "{name}" is not allowed. Filters a message may use: {filters}.'
	),
	# an escaped quote below, not a string split over lines with a backslash
	"tag": lambda: _(  # nosemgrep: frappe-semgrep-rules.rules.frappe-translation-python-splitting
		'Line {line}: "{tag}" is not allowed in a message; use if, for and the message\'s words.'
	),
	"operator": lambda: _('Line {line}: "{operator}" is not allowed in a message.'),
	"loop_nested": lambda: _("Line {line}: a loop inside a loop is not allowed in a message."),
	"loop_source": lambda: _(
		"Line {line}: a loop may only go over a list the message is given, like items or pieces."
	),
	"subscript": lambda: _("Line {line}: only positions may be picked from a list, like items[0]."),
}


def refusal(error: text.TemplateRefused) -> str:
	"""The manager's sentence for a template that may not be used, translated."""
	return _REFUSALS[error.code]().format(
		line=error.line or 1,
		allowed=", ".join(sorted(text.NAMES)),
		filters=", ".join(sorted(text.FILTERS)),
		**{
			key: value
			for key, value in error.details.items()
			if key in ("name", "detail", "most", "tag", "operator")
		},
	)


def check_template(source: str, label: str | None = None) -> None:
	"""Refuse, with a clear message, a template that is more than words about its variables."""
	try:
		text.check(source)
	except text.TemplateRefused as error:
		_refuse(error, label)


def check_parameter(source: str, label: str | None = None) -> None:
	try:
		text.check_parameter(source)
	except text.TemplateRefused as error:
		_refuse(error, label)


def _refuse(error: text.TemplateRefused, label: str | None) -> None:
	message = refusal(error)
	frappe.throw(
		f"{label}: {message}" if label else message,
		frappe.ValidationError,
		title=_("This message cannot be used"),
	)


def log_broken(kind: str, name: str, error: Exception) -> None:
	frappe.log_error(
		title=f"Clienteling: {kind} {name} could not be rendered"[:140],
		message=f"{type(error).__name__}: {error}",
	)


@dataclass(frozen=True)
class Draft:
	message: str = ""
	missing: tuple[str, ...] = field(default_factory=tuple)  # variables printed with no value

	@property
	def wait_reason(self) -> str | None:
		"""Why this draft waits for the associate instead of going out by itself; None when it may."""
		if not must_wait(self.missing, self.message):
			return None
		if self.missing:
			return _(
				"Waiting for you: the message has nothing where {0} should be. Put the words in, then send it."
			).format(", ".join(self.missing))
		return _("Waiting for you: the message does not read well ({0}). Check it, then send it.").format(
			", ".join(seams(self.message))
		)


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
		"""The message, or "" when there is no template or it fails; the associate then writes it."""
		return self.compose(template, context).message

	def compose(self, template: str | None, context: dict) -> Draft:
		"""The message and the words it lacks; an empty Draft when there is no template or it fails.
		A template refused or failing (even one saved before it would be refused) is logged once and
		never stops the run."""
		compiled = self._compiled(template)
		if compiled is None:
			return Draft()
		try:
			message, missing = text.render_draft(compiled, context)
		except text.RenderFailed as error:
			self._broken(template, error)
			return Draft()
		return Draft(message, tuple(missing))

	def _compiled(self, template: str | None):
		if not template or template in self.broken or template not in self.sources:
			return None  # none, broken, or switched off
		if template not in self.compiled:
			try:
				self.compiled[template] = text.compile_template(self.sources[template])
			except text.TemplateRefused as error:
				self._broken(template, error)
				return None
		return self.compiled[template]

	def _broken(self, template: str, error: Exception) -> None:
		self.broken.add(template)
		log_broken("template", template, error)
