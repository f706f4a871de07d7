"""Which message template fits an outreach (the most specific one a manager wrote for it), and the
seams a drafted message must never show her."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateChoice:
	name: str
	reason: str
	step: str = ""  # empty: any step
	occasion_type: str = ""  # empty: any occasion


def pick_template(
	templates: Iterable[TemplateChoice], reason: str, step: str = "", occasion_type: str = ""
) -> str | None:
	"""The template for this reason that names this step and occasion, else the one that names the step,
	else the one that names the occasion, else the general one. A template naming another step or
	occasion never fits. Ties go to the first name alphabetically, so the choice is stable."""
	best: tuple[int, str] | None = None
	for template in templates:
		if template.reason != reason:
			continue
		if template.step and template.step.casefold() != (step or "").casefold():
			continue
		if template.occasion_type and template.occasion_type != (occasion_type or ""):
			continue
		rank = (2 if template.step else 0) + (1 if template.occasion_type else 0)
		if best is None or (-rank, template.name) < (-best[0], best[1]):
			best = (rank, template.name)
	return best[1] if best else None


# --- what a customer must never read --------------------------------------------------------------

# The seams a template leaves when a variable is empty or two pieces are glued without care: each a
# name, a pattern, and the words of which a match always holds one (none: any message may show it).
# A message as she receives it must show none of them.
SEAMS: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = tuple(
	(name, re.compile(pattern), needs)
	for name, pattern, needs in (
		("punctuation after a sentence's end", r"[.!?] *[,;:]|[!?] *\.|(?<!\.)\. *\.(?!\.)", ()),
		("punctuation after a comma", r"[,;:] *[,.;:!?]", (",", ";", ":")),
		("space before punctuation", r" [,.!?;:]", ()),
		("two spaces", r"  ", ()),
		("space at the start or end", r"^\s|\s$", ()),
		("a sentence starting in lower case", r"[.!?] +[a-z]", ()),
		("an empty name", r"\bDear *[,.!]|(^|[\s(])'s\b|— *[,.]|— *$|\(\s*\)", ("Dear", "'s", "—", "(")),
		("a possessive your", r"\byour's\b|'s's\b", ("'s",)),
		("a word twice", r"\b(\w+) \1\b", ()),
		("a missing value", r"\b(None|null|undefined|nan)\b", ("None", "null", "undefined", "nan")),
		("template code", r"\{\{|\}\}|\{%|%\}", ("{{", "}}", "{%", "%}")),
	)
)


def _shows(message: str, pattern: re.Pattern, needs: tuple[str, ...]) -> bool:
	# a word looked for as such costs a fraction of a pattern tried at every letter
	return (not needs or any(word in message for word in needs)) and pattern.search(message) is not None


def seams(message: str) -> list[str]:
	"""The names of the seams in a message, in SEAMS order; empty when it reads as a person wrote it."""
	message = message or ""
	return [name for name, pattern, needs in SEAMS if _shows(message, pattern, needs)]


def has_seams(message: str) -> bool:
	"""Whether the message shows any seam (seams(message) is not empty), stopping at the first."""
	message = message or ""
	return any(_shows(message, pattern, needs) for _name, pattern, needs in SEAMS)


def must_wait(missing: Iterable[str], message: str) -> bool:
	"""A drafted message that printed a variable with no value, or shows a seam, never goes out by
	itself: it waits in the associate's queue, with the reason, for her to put the words right."""
	return bool(message) and (any(True for _name in missing) or has_seams(message))
