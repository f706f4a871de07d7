"""The repair desk: a customer hands over her gold and stones and must get back exactly what she gave,
on the day she was promised.

A ticket walks Received → Estimated → Approved → At Workshop → Ready → Delivered, one step at a time,
and may be Cancelled (with a reason) at any step before it is over. Weights are grams read off the
scale to three decimals; a piece that comes back lighter or heavier than it came in beyond tolerance
is handed over only with a manager's acknowledgement and a note.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from jewel_clienteling.domain.outreach import REPAIR_READY

STATUS_RECEIVED = "Received"
STATUS_ESTIMATED = "Estimated"
STATUS_APPROVED = "Approved"
STATUS_AT_WORKSHOP = "At Workshop"
STATUS_READY = "Ready"
STATUS_DELIVERED = "Delivered"
STATUS_CANCELLED = "Cancelled"

# The way a piece travels through the shop, in order; Cancelled stands outside it.
STATUS_FLOW = (
	STATUS_RECEIVED,
	STATUS_ESTIMATED,
	STATUS_APPROVED,
	STATUS_AT_WORKSHOP,
	STATUS_READY,
	STATUS_DELIVERED,
)
STATUSES = (*STATUS_FLOW, STATUS_CANCELLED)
FINAL_STATUSES = (STATUS_DELIVERED, STATUS_CANCELLED)


GRAMS = Decimal("0.001")
DEFAULT_WEIGHT_LIMIT_GRAMS = Decimal("5000")


class RepairError(ValueError):
	"""A repair rule refused something. `reason` is a short code the Frappe layer turns into words."""

	def __init__(self, reason: str):
		super().__init__(reason)
		self.reason = reason


class InvalidTransition(RepairError):
	"""A ticket may not move that way. `reason` is unknown_status, already_final, step_skipped,
	step_back, cancel_reason_missing, weight_out_missing, acknowledgement_missing or
	acknowledgement_note_missing."""


class InvalidWeight(RepairError):
	"""A scale reading no piece can have. `reason` is missing, not_a_number, not_positive or too_heavy."""


class InvalidDates(RepairError):
	"""Dates that contradict each other. `reason` is received_before_sent."""


# --- how a ticket moves -------------------------------------------------------------------------


def _check_known(status: str) -> None:
	if status not in STATUSES:
		raise InvalidTransition("unknown_status")


def allowed_next(status: str, allow_direct_to_workshop: bool = False) -> tuple[str, ...]:
	"""Where a ticket may go from `status`: the next step of the flow, or Cancelled. A free service
	(when the shop allows it) may skip the estimate and go from Received straight to the workshop.
	A delivered or cancelled ticket goes nowhere."""
	_check_known(status)
	if status in FINAL_STATUSES:
		return ()
	following = [STATUS_FLOW[STATUS_FLOW.index(status) + 1]]
	if status == STATUS_RECEIVED and allow_direct_to_workshop:
		following.append(STATUS_AT_WORKSHOP)
	return (*following, STATUS_CANCELLED)


def check_transition(
	current: str,
	new: str,
	*,
	allow_direct_to_workshop: bool = False,
	reason: str | None = None,
) -> None:
	"""Refuse a move the desk does not allow. Saving a ticket without changing its status is no move
	and is accepted. Cancelling needs a reason, because the customer will ask why."""
	_check_known(current)
	_check_known(new)
	if new == current:
		return
	if current in FINAL_STATUSES:
		raise InvalidTransition("already_final")
	if new not in allowed_next(current, allow_direct_to_workshop):
		backwards = STATUS_FLOW.index(new) < STATUS_FLOW.index(current)
		raise InvalidTransition("step_back" if backwards else "step_skipped")
	if new == STATUS_CANCELLED and not (reason or "").strip():
		raise InvalidTransition("cancel_reason_missing")


# --- what the scale says ------------------------------------------------------------------------


def check_weight(
	value: Decimal | float | int | str | None, limit: Decimal | float | int | str = DEFAULT_WEIGHT_LIMIT_GRAMS
) -> Decimal:
	"""A scale reading in grams, rounded half up to the milligram the way the scale shows it. It must
	be more than nothing once rounded and below `limit` (nobody brings five kilos of gold to the
	repair desk; such a number is a typing slip)."""
	if value is None or value == "":
		raise InvalidWeight("missing")
	if isinstance(value, bool):
		raise InvalidWeight("not_a_number")
	try:
		grams = Decimal(str(value).strip())
	except InvalidOperation:
		raise InvalidWeight("not_a_number") from None
	if not grams.is_finite():
		raise InvalidWeight("not_a_number")
	if grams >= Decimal(str(limit)):
		raise InvalidWeight("too_heavy")  # before rounding: 1e300 g cannot be rounded to the milligram
	grams = grams.quantize(GRAMS, rounding=ROUND_HALF_UP)
	if grams <= 0:
		raise InvalidWeight("not_positive")
	if grams >= Decimal(str(limit)):
		raise InvalidWeight("too_heavy")
	return grams


def weight_difference(weight_in: Decimal, weight_out: Decimal) -> Decimal:
	"""What she gets back minus what she gave, in grams: negative when the piece came back lighter."""
	return (Decimal(str(weight_out)) - Decimal(str(weight_in))).quantize(GRAMS, rounding=ROUND_HALF_UP)


def _is_set(tolerance: Decimal | float | int | None) -> bool:
	return tolerance is not None and Decimal(str(tolerance)) > 0


def needs_acknowledgement(
	weight_in: Decimal,
	weight_out: Decimal,
	tolerance_grams: Decimal | float | int | None,
	tolerance_percent: Decimal | float | int | None,
) -> bool:
	"""Whether a manager must sign off the difference before the piece is handed over.

	The rule: each tolerance that is set (above zero) is a ceiling on the difference, lighter or
	heavier alike, and going beyond any one of them needs acknowledgement. The percent is of the
	weight that came in, so a small stud is held to a tighter allowance than the gram figure alone
	would give it, and a heavy necklace cannot lose a gram behind a percentage. With no tolerance set
	at all, any difference needs acknowledgement: she must get back exactly what she gave.
	"""
	difference = abs(weight_difference(weight_in, weight_out))
	if difference == 0:
		return False
	ceilings_set = False
	if _is_set(tolerance_grams):
		ceilings_set = True
		if difference > Decimal(str(tolerance_grams)):
			return True
	if _is_set(tolerance_percent):
		ceilings_set = True
		# compared without dividing, so no rounding can let a difference slip through
		if difference * 100 > Decimal(str(tolerance_percent)) * Decimal(str(weight_in)):
			return True
	return not ceilings_set


def check_delivery(
	weight_in: Decimal,
	weight_out: Decimal | None,
	tolerance_grams: Decimal | float | int | None,
	tolerance_percent: Decimal | float | int | None,
	acknowledged_by: str | None = None,
	acknowledgement_note: str | None = None,
) -> None:
	"""Refuse to hand a piece over until it has been weighed on the way out and, when the weight moved
	beyond tolerance, a manager has acknowledged it and written down why. A weight out of zero is
	an empty field, not a piece that vanished."""
	if not weight_out:
		raise InvalidTransition("weight_out_missing")
	if not needs_acknowledgement(weight_in, weight_out, tolerance_grams, tolerance_percent):
		return
	if not (acknowledged_by or "").strip():
		raise InvalidTransition("acknowledgement_missing")
	if not (acknowledgement_note or "").strip():
		raise InvalidTransition("acknowledgement_note_missing")


# --- warranty and the desk's views --------------------------------------------------------------


def is_free_under_warranty(original_sale_date: date | None, today: date, warranty_days: int) -> bool:
	"""A piece bought here is repaired free for `warranty_days` after the sale, the last day included.
	A piece with no sale of ours behind it, or a sale dated in the future, is not covered."""
	if not original_sale_date or warranty_days <= 0:
		return False
	return 0 <= (today - original_sale_date).days <= warranty_days


def is_overdue(promised_date: date | None, status: str, today: date) -> bool:
	"""The promised day has passed and the ticket is neither delivered nor cancelled."""
	if not promised_date or status in FINAL_STATUSES:
		return False
	return today > promised_date


def days_waiting(ready_since: date | None, status: str, today: date) -> int | None:
	"""How many days a finished piece has waited for her, or None when it is not waiting."""
	if status != STATUS_READY or not ready_since:
		return None
	return max((today - ready_since).days, 0)


def is_uncollected(ready_since: date | None, status: str, today: date, days: int) -> bool:
	"""The piece has been ready for `days` days or more and she has not come for it. A setting of zero
	days switches the view off."""
	waited = days_waiting(ready_since, status, today)
	return waited is not None and days > 0 and waited >= days


def turnaround_days(sent: date | None, received: date | None) -> int | None:
	"""Days the workshop kept the piece; None while it is still there."""
	if not sent or not received:
		return None
	if received < sent:
		raise InvalidDates("received_before_sent")
	return (received - sent).days


# --- when to write to her -----------------------------------------------------------------------


def message_on_status_change(previous: str | None, new: str) -> str | None:
	"""The utility message a change of status sends: only entering Ready tells her to come."""
	if new == STATUS_READY and previous != STATUS_READY:
		return REPAIR_READY
	return None


def withdraws_pickup_messages(previous: str | None, new: str) -> bool:
	"""Once a piece leaves Ready (collected, or the ticket cancelled), a 'come and collect it' message
	not yet sent would be wrong: it is withdrawn."""
	return (previous == STATUS_READY and new != STATUS_READY) or new in (STATUS_DELIVERED, STATUS_CANCELLED)


def uncollected_reminder_cycle(ready_since: date | None, status: str, today: date, days: int) -> int | None:
	"""Which reminder is due for a piece waiting to be collected: 1 from day `days`, 2 from day
	`2 * days` and so on; None before the first or when it is not waiting. The Frappe layer sends a
	'Repair uncollected' message once per (ticket, cycle), so a daily job never repeats itself."""
	if days <= 0:
		return None
	waited = days_waiting(ready_since, status, today)
	if waited is None or waited < days:
		return None
	return waited // days


def review_requests_delivered(first: date, last: date, days_after: int) -> tuple[date, date]:
	"""A delivered piece earns a review request `days_after` days after she took it home: the
	pieces delivered between these two days (both included) earn theirs on a day from `first` to
	`last`. Once per ticket: the outreach's dedupe key remembers having asked."""
	wait = timedelta(days=max(days_after, 0))
	return first - wait, last - wait


def review_request_day(delivered_on: date, days_after: int) -> date:
	"""The day a delivered piece's review request falls due."""
	return delivered_on + timedelta(days=max(days_after, 0))
