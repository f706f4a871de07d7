"""How an outreach lives through the days: planned for a later day, due on its day, then sent, or
withdrawn with a reason. Nothing waits for a day that never comes, and nothing stale is ever sent.

A message planned for a later day (a walk-in follow-up three days on, a campaign's Send On) is
`Planned`; on its day it becomes `Due`, her consent is asked again and quiet hours are waited out,
and it reaches a sender or the associate's Today queue. Every reason has a shelf life: a check-in two
weeks after a purchase still reads well a fortnight late, not a month late; an occasion reminder is
worth sending until the day before the occasion, the greeting only on the day itself. A message past
its shelf life is withdrawn as `Expired` with the reason, and is never sent. The Today queue shows
what is still worth sending, the one that goes stale soonest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jewel_clienteling.domain.outreach import (
	APPOINTMENT_MISSED,
	APPOINTMENT_REMINDER,
	CAMPAIGN,
	CATALOGUE_SHARE,
	CUSTOM_ORDER_UPDATE,
	EMAIL,
	LAPSED,
	MANUAL,
	MARKETING,
	OCCASION,
	OLD_GOLD_OFFER,
	POINTS_EXPIRING,
	POST_PURCHASE,
	PRIORITY,
	REFERRAL_ASK,
	REFERRAL_THANKS,
	REPAIR_READY,
	REPAIR_UNCOLLECTED,
	REVIEW_REQUEST,
	RHYTHM_CONFIRMED,
	SKIP_UNREACHABLE,
	SMS,
	STAY_IN_TOUCH,
	WALK_IN_FOLLOW_UP,
	WHATSAPP,
	Contact,
	choose_channel,
)

# Statuses, exactly as spelled in the Client Outreach doctype
PLANNED = "Planned"
DUE = "Due"
SENT = "Sent"
DELIVERED = "Delivered"
READ = "Read"
REPLIED = "Replied"
DONE = "Done"
SKIPPED = "Skipped"
FAILED = "Failed"
EXPIRED = "Expired"
STATUSES = (PLANNED, DUE, SENT, DELIVERED, READ, REPLIED, DONE, SKIPPED, FAILED, EXPIRED)
# still waiting: may yet be sent, edited or withdrawn
OPEN = (PLANNED, DUE)
# reached her (or the associate contacted her by hand)
REACHED = (SENT, DELIVERED, READ, REPLIED, DONE)
# never reached her: neither crowds her other messages nor counts as a contact
NOT_COUNTED = (SKIPPED, FAILED, EXPIRED)
# waiting or reached her: what crowds her other messages and counts as a contact
COUNTED = OPEN + REACHED

# why a message went stale (the Frappe layer puts the codes in words)
STALE_EVENT_PASSED = "event_passed"
STALE_TOO_LATE = "too_late"


@dataclass(frozen=True)
class ShelfLife:
	"""How long after its due day a message still reads well: `days` days, and, when it is about a
	day (an occasion, a festival, the day her points lapse, the occasion she was shopping for), only
	until the day before that day; a message due on that very day lives that day only."""

	days: int
	until_event: bool = False


# One home for every shelf life. (reason, step): a step's own life; (reason, ""): every other step.
SHELF_LIFE: dict[tuple[str, str], ShelfLife] = {
	# a reminder until the day before the occasion, the greeting on the day; asking the wedding date
	# (no day yet) a week
	(OCCASION, ""): ShelfLife(7, until_event=True),
	# "does the ring fit?" two weeks after the purchase reads well up to four weeks after, not a month
	(POST_PURCHASE, "Check-in"): ShelfLife(14),
	(POST_PURCHASE, "Care"): ShelfLife(30),
	(POST_PURCHASE, "New arrivals"): ShelfLife(30),
	# "a year ago you chose..." is a greeting: within the week
	(POST_PURCHASE, "Purchase anniversary"): ShelfLife(7),
	(POST_PURCHASE, ""): ShelfLife(14),
	(REVIEW_REQUEST, ""): ShelfLife(14),
	(LAPSED, ""): ShelfLife(30),
	# the uncollected reminder takes over after a week
	(REPAIR_READY, ""): ShelfLife(7),
	(REPAIR_UNCOLLECTED, ""): ShelfLife(7),
	(POINTS_EXPIRING, ""): ShelfLife(30, until_event=True),
	(REFERRAL_THANKS, ""): ShelfLife(14),
	# the glow of a purchase fades: a referral ask a week late, not later
	(REFERRAL_ASK, ""): ShelfLife(7),
	# a festival invitation until the eve of the festival; any other campaign a week
	(CAMPAIGN, ""): ShelfLife(7, until_event=True),
	# the visit fades from her mind; and an occasion she was shopping for must not have passed
	(WALK_IN_FOLLOW_UP, ""): ShelfLife(7, until_event=True),
	# "see you tomorrow" is worth nothing the day after; "we missed you, shall we find another time?"
	# within the week
	(APPOINTMENT_REMINDER, ""): ShelfLife(0),
	(APPOINTMENT_MISSED, ""): ShelfLife(7),
	# where her order stands this week; the next stage sends its own
	(CUSTOM_ORDER_UPDATE, ""): ShelfLife(7),
	# pieces picked for her, behind a link that stops opening on its last day: until its eve
	(CATALOGUE_SHARE, ""): ShelfLife(7, until_event=True),
	# an exchange offer for a festival, like its invitation: until the festival's eve
	(OLD_GOLD_OFFER, ""): ShelfLife(7, until_event=True),
	# a warm note after weeks of silence reads as well a fortnight late
	(STAY_IN_TOUCH, ""): ShelfLife(14),
	# an answer to her reply goes while her 24-hour window is open, or never
	(RHYTHM_CONFIRMED, ""): ShelfLife(1),
}
DEFAULT_SHELF_LIFE = ShelfLife(14)


def shelf_life(reason: str, step: str = "") -> ShelfLife:
	"""The shelf life of a step of a reason, else of the reason, else DEFAULT_SHELF_LIFE."""
	return SHELF_LIFE.get((reason, step or "")) or SHELF_LIFE.get((reason, "")) or DEFAULT_SHELF_LIFE


def expires_on(reason: str, step: str, due: date, event: date | None = None) -> date:
	"""The last day the message is still worth sending (never before its due day). `event` is the
	day it is about, when there is one."""
	life = shelf_life(reason, step)
	last = due + timedelta(days=max(life.days, 0))
	if life.until_event and event is not None:
		last = min(last, event - timedelta(days=1) if due < event else due)
	return last


def is_stale(expires: date | None, today: date) -> bool:
	"""Past its last day worth sending (a row without one never goes stale)."""
	return expires is not None and today > expires


def stale_reason(reason: str, step: str, due: date, expires: date) -> str:
	"""Why it went stale: the day it was about came (STALE_EVENT_PASSED), or it was simply left too
	long (STALE_TOO_LATE)."""
	life = shelf_life(reason, step)
	if life.until_event and expires < due + timedelta(days=max(life.days, 0)):
		return STALE_EVENT_PASSED
	return STALE_TOO_LATE


def falls_due(status: str, due: date, expires: date | None, today: date) -> bool:
	"""A planned message whose day has come and that is still worth sending."""
	return status == PLANNED and due <= today and not is_stale(expires, today)


def urgency(expires: date | None, reason: str, due: date) -> tuple:
	"""Sort key of the Today queue, most urgent first: what goes stale soonest, then the more
	important reason (PRIORITY), then the one due longest."""
	return (expires or date.max, PRIORITY.get(reason, max(PRIORITY.values()) + 1), due)


# --- consent, asked again on the day -------------------------------------------------------------

_CONSENT = {WHATSAPP: "whatsapp_opt_in", SMS: "sms_opt_in", EMAIL: "email_opt_in"}


def _may_use(channel: str, purpose: str, contact: Contact, utility_needs_opt_in: bool) -> bool:
	if channel == MANUAL:
		return True  # the associate's own choice, once her consent allows any channel
	if channel not in _CONSENT:
		return False
	reachable = contact.has_mobile if channel in (WHATSAPP, SMS) else contact.has_email
	needs_consent = purpose == MARKETING or utility_needs_opt_in
	return reachable and (getattr(contact, _CONSENT[channel]) or not needs_consent)


def recheck(
	purpose: str, channel: str | None, contact: Contact | None, utility_needs_opt_in: bool = False
) -> tuple[str | None, str | None]:
	"""On the day it falls due: (the channel to use, None), or (None, skip code) when we may no longer
	or can no longer write to her. The channel planned stays while she still allows it; else the one
	her consent allows now. No contact (disabled, gone) is unreachable."""
	if contact is None:
		return None, SKIP_UNREACHABLE
	chosen, skip = choose_channel(purpose, contact, utility_needs_opt_in)
	if chosen is None:
		return None, skip
	if channel and _may_use(channel, purpose, contact, utility_needs_opt_in):
		return channel, None
	return chosen, None
