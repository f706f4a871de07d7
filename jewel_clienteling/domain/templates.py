"""Which message template fits an outreach: the most specific one a manager wrote for it."""

from __future__ import annotations

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
