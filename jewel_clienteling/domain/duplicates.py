"""One person, two records: a customer of one store walked into another, whose associate could not
see her and so recorded her afresh. When a manager merges the two, she is one person again, and
her word on being contacted is the latest word she gave on either record: an opt-in given at the
second store after she withdrew at the first stands, and so does a withdrawal given after an opt-in.
On the same instant the withdrawal wins (not being written to is the safe side of a doubt), and
"do not contact" on either record stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OPEN = "Open"
MERGED = "Merged"
NOT_THE_SAME = "Not the Same"
STATUSES = (OPEN, MERGED, NOT_THE_SAME)

KEPT = "kept"
DROPPED = "dropped"


@dataclass(frozen=True)
class Consent:
	"""Her consent on one channel on one record."""

	opted_in: bool
	given_on: datetime | None = None
	"""When the opt-in she holds was given (None when unknown or she holds none)."""
	withdrawn_on: datetime | None = None
	"""Her latest withdrawal on record, if any."""


def _latest(consent: Consent) -> tuple[datetime, bool] | None:
	"""Her latest word on this record, (when, opted in), or None when she never gave one. What the
	record holds now is her latest word there: an opt-in she holds came after any withdrawal on it."""
	if consent.opted_in:
		known = [moment for moment in (consent.given_on, consent.withdrawn_on) if moment]
		return (max(known) if known else datetime.min, True)
	if consent.withdrawn_on:
		return (consent.withdrawn_on, False)
	return None


def latest_word(kept: Consent, dropped: Consent) -> str:
	"""Which record's consent the merged customer keeps: KEPT or DROPPED."""
	on_kept, on_dropped = _latest(kept), _latest(dropped)
	if on_dropped is None:
		return KEPT
	if on_kept is None:
		return DROPPED
	if on_dropped[0] > on_kept[0]:
		return DROPPED
	if on_dropped[0] == on_kept[0] and not on_dropped[1] and on_kept[1]:
		return DROPPED
	return KEPT


def do_not_contact(kept: bool, dropped: bool) -> bool:
	return bool(kept or dropped)
