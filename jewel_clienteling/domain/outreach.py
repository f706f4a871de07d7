"""Outreach: when to write to her, about what, on which channel, and which sale a message earned.

A jeweller's best customers are the ones who are remembered. Her anniversary is reminded six weeks
ahead (time for the husband to choose, and for a piece to be made or resized), again a week ahead,
and greeted on the day. A purchase is followed by a check-in (does the ring fit?), care advice at
three months (pearls are wiped, never washed; polki is kept away from water), news of new arrivals
and the purchase's anniversary. A customer who has not been in for a long time is asked back.

Two kinds of message, two rules. Marketing (greetings, cadence, campaigns) needs her consent on the
channel we use, and Do Not Contact stops all of it. Utility (her repair is ready, her points are about
to lapse) is about her own gold and is sent even when she wants no marketing.

Too many messages drive a client away, so marketing messages on different topics are kept at least
`cap_days` apart, and when two compete the more important wins: occasion over cadence over lapsed. A
message already sent cannot be unsent; one still waiting in the queue can be withdrawn for a better
one. Nobody wants a WhatsApp from her jeweller at eleven at night: messages wait out quiet hours.

When she buys within a few weeks of a message, the sale is credited to it, each sale once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import quote

import phonenumbers

# Reasons, exactly as spelled in the Client Outreach doctype
OCCASION = "Occasion"
POST_PURCHASE = "Post-purchase"
LAPSED = "Lapsed"
REPAIR_READY = "Repair ready"
REPAIR_UNCOLLECTED = "Repair uncollected"
POINTS_EXPIRING = "Points expiring"
REVIEW_REQUEST = "Review request"
REFERRAL_THANKS = "Referral thank-you"
CAMPAIGN = "Campaign"
# She came in, liked pieces and did not buy: the associate writes about her own visit. That is still
# selling to her (WhatsApp counts it as marketing), so it needs her consent like any other offer.
WALK_IN_FOLLOW_UP = "Walk-in follow-up"
# About a visit she booked (domain/appointments.py): her own booking, so service messages, not offers.
APPOINTMENT_REMINDER = "Appointment reminder"
APPOINTMENT_MISSED = "Appointment missed"
# Her made-to-order piece moved on (domain/custom_orders.py): about her own order, a service message.
CUSTOM_ORDER_UPDATE = "Custom order update"
# Pieces an associate picked for her, as a catalogue link (domain/catalogue.py): an offer, marketing.
CATALOGUE_SHARE = "Catalogue share"
REASONS = (
	OCCASION,
	POST_PURCHASE,
	LAPSED,
	REPAIR_READY,
	REPAIR_UNCOLLECTED,
	POINTS_EXPIRING,
	REVIEW_REQUEST,
	REFERRAL_THANKS,
	CAMPAIGN,
	WALK_IN_FOLLOW_UP,
	APPOINTMENT_REMINDER,
	APPOINTMENT_MISSED,
	CUSTOM_ORDER_UPDATE,
	CATALOGUE_SHARE,
)

MARKETING = "Marketing"
UTILITY = "Utility"
PURPOSES = (MARKETING, UTILITY)

WHATSAPP = "WhatsApp"
SMS = "SMS"
EMAIL = "Email"
MANUAL = "Manual"
CHANNELS = (WHATSAPP, SMS, EMAIL, MANUAL)
# The channels a rule may pick by itself, in the order tried; Manual is the associate's own choice.
AUTOMATIC_CHANNELS = (WHATSAPP, SMS, EMAIL)

# About her own piece or points: told even when she wants no marketing.
PURPOSE = {reason: MARKETING for reason in REASONS} | {
	REPAIR_READY: UTILITY,
	REPAIR_UNCOLLECTED: UTILITY,
	POINTS_EXPIRING: UTILITY,
	APPOINTMENT_REMINDER: UTILITY,
	APPOINTMENT_MISSED: UTILITY,
	CUSTOM_ORDER_UPDATE: UTILITY,
}

# Lower is more important: occasion over cadence over lapsed.
PRIORITY = {
	REPAIR_READY: 0,
	REPAIR_UNCOLLECTED: 0,
	POINTS_EXPIRING: 1,
	APPOINTMENT_REMINDER: 0,
	APPOINTMENT_MISSED: 5,
	CUSTOM_ORDER_UPDATE: 0,
	CATALOGUE_SHARE: 15,  # the associate picked these for her, like a walk-in follow-up
	OCCASION: 10,
	WALK_IN_FOLLOW_UP: 15,  # a visit days ago is a sale in the making: before cadence, after her occasion
	POST_PURCHASE: 20,
	REVIEW_REQUEST: 30,
	REFERRAL_THANKS: 40,
	CAMPAIGN: 50,
	LAPSED: 60,
}

# skip reason codes (the Frappe layer translates them into sentences)
SKIP_DO_NOT_CONTACT = "do_not_contact"
SKIP_NO_CONSENT = "no_consent"
SKIP_UNREACHABLE = "unreachable"
SKIP_FREQUENCY_CAP = "frequency_cap"
SKIP_SUPERSEDED = "superseded"

DEFAULT_CAP_DAYS = 14
DEFAULT_ATTRIBUTION_DAYS = 30
DEFAULT_CATCH_UP_DAYS = 31

POST_PURCHASE_STEPS = ("Check-in", "Care", "New arrivals", "Purchase anniversary")

CARE_DIAMOND = "diamond"
CARE_POLKI = "polki"
CARE_PEARL = "pearl"
CARE_GEMSTONE = "gemstone"
CARE_PLATINUM = "platinum"
CARE_SILVER = "silver"
CARE_GOLD = "gold"

# --- the same message is never queued twice ----------------------------------------------------

_SEPARATOR = "\x1f"  # ASCII unit separator: no name, reason or date contains it
_ESCAPE = "\x1b"


def _escaped(part: object) -> str:
	# Leaves every ordinary string as it is; a part that does contain the separator (or the escape)
	# is escaped, so no two different lists of parts ever join to the same text.
	text = "" if part is None else str(part)
	return text.replace(_ESCAPE, _ESCAPE * 2).replace(_SEPARATOR, _ESCAPE + _SEPARATOR)


def dedupe_key(customer: str, reason: str, reference_doctype: str, reference_name: str, cycle: str) -> str:
	"""The fingerprint of one message: sha1 hex of the five parts joined by the unit separator. The
	planner may run twice a day or catch up a missed week; the key makes sure she hears it once."""
	parts = (customer, reason, reference_doctype, reference_name, cycle)
	joined = _SEPARATOR.join(_escaped(part) for part in parts)
	return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Candidate:
	"""A message the planner would like to send her. `cycle` tells one occurrence from the next
	("2027-01-05/42": that anniversary, 42 days ahead; "14": the 14-day cadence step)."""

	customer: str
	reason: str
	reference_doctype: str
	reference_name: str
	cycle: str
	due_date: date
	step: str = ""
	# messages on the same topic never cap each other; "" means f"{reference_doctype}:{reference_name}"
	topic: str = ""
	context: dict = field(default_factory=dict, compare=False, hash=False)
	# the day it is about (the occasion, the festival, the day her points lapse), which bounds how
	# long it is worth sending (domain/outreach_lifecycle.py)
	event_date: date | None = None

	def __post_init__(self):
		if self.reason not in PURPOSE:
			raise ValueError(f"unknown outreach reason: {self.reason!r}")

	@property
	def key(self) -> str:
		return dedupe_key(self.customer, self.reason, self.reference_doctype, self.reference_name, self.cycle)

	@property
	def purpose(self) -> str:
		return PURPOSE[self.reason]

	@property
	def priority(self) -> int:
		return PRIORITY[self.reason]

	@property
	def topic_key(self) -> str:
		return self.topic or f"{self.reference_doctype}:{self.reference_name}"


# --- consent and channel -----------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
	"""What we may and can do: her consent per channel, whether we have a mobile and an email, and
	the channel she prefers."""

	do_not_contact: bool = False
	whatsapp_opt_in: bool = False
	sms_opt_in: bool = False
	email_opt_in: bool = False
	has_mobile: bool = False
	has_email: bool = False
	preferred_channel: str | None = None


def _reachable(channel: str, contact: Contact) -> bool:
	if channel in (WHATSAPP, SMS):
		return contact.has_mobile
	return channel == EMAIL and contact.has_email


def _consented_channel(contact: Contact) -> tuple[str | None, str | None]:
	opted_in = [
		channel
		for channel, consent in (
			(WHATSAPP, contact.whatsapp_opt_in),
			(SMS, contact.sms_opt_in),
			(EMAIL, contact.email_opt_in),
		)
		if consent
	]
	if not opted_in:
		return None, SKIP_NO_CONSENT
	usable = [channel for channel in opted_in if _reachable(channel, contact)]
	if not usable:
		return None, SKIP_UNREACHABLE
	if contact.preferred_channel in usable:
		return contact.preferred_channel, None
	return usable[0], None


def choose_channel(
	purpose: str, contact: Contact, utility_needs_opt_in: bool = False
) -> tuple[str | None, str | None]:
	"""(channel, None), or (None, skip code) when we may not or cannot write to her.

	Marketing goes only where she opted in and can be reached, her preferred channel first, else
	WhatsApp, SMS, Email; Do Not Contact stops it. Manual (a wa.me link from the associate's phone) is
	never chosen here: it still needs her consent and is the associate's call. Utility ignores Do Not
	Contact (that is about marketing and greetings): her preferred channel if reachable, else WhatsApp,
	else Email; when the shop requires opt-in for utility too, the marketing consent rule applies.
	A preferred channel outside WhatsApp, SMS and Email counts as no preference."""
	if purpose not in PURPOSES:
		raise ValueError(f"unknown outreach purpose: {purpose!r}")
	if purpose == MARKETING:
		if contact.do_not_contact:
			return None, SKIP_DO_NOT_CONTACT
		return _consented_channel(contact)
	if utility_needs_opt_in:
		return _consented_channel(contact)
	preferred = contact.preferred_channel
	if preferred in AUTOMATIC_CHANNELS and _reachable(preferred, contact):
		return preferred, None
	if contact.has_mobile:
		return WHATSAPP, None
	if contact.has_email:
		return EMAIL, None
	return None, SKIP_UNREACHABLE


# --- the frequency cap -------------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
	"""A marketing outreach already in the queue for this customer (not Skipped/Failed)."""

	key: str
	due_date: date
	priority: int
	topic_key: str
	sent: bool  # already Sent/Delivered/Read/Replied/Done: can no longer be withdrawn


@dataclass(frozen=True)
class Decision:
	candidate: Candidate
	plan: bool
	skip_reason: str | None = None  # set when plan is False
	channel: str | None = None  # set when plan is True


def _too_close(first: date, first_topic: str, second: date, second_topic: str, cap_days: int) -> bool:
	"""Two marketing messages on different topics less than `cap_days` apart crowd her."""
	return cap_days > 0 and first_topic != second_topic and abs((first - second).days) < cap_days


def _processing_order(candidate: Candidate) -> tuple:
	# the most important first, then the earliest; the rest only makes the order total
	return (candidate.priority, candidate.due_date, candidate.key, candidate.topic_key, candidate.step)


def decide(
	candidates: Sequence[Candidate],
	existing: Sequence[Existing],
	contact: Contact,
	cap_days: int = DEFAULT_CAP_DAYS,
	utility_needs_opt_in: bool = False,
) -> tuple[list[Decision], list[str]]:
	"""Decide all of one customer's candidates at once: one Decision per candidate in the input
	order, and the keys of queued rows to withdraw because a more important message replaces them.

	Consent first (choose_channel). Utility messages are then always planned and never touch the
	queue. Marketing candidates are taken most important first (priority, then due date, then key):
	one is planned unless a message on another topic less than `cap_days` away stands in its way:
	one already sent, one queued (withdrawn or not) at least as important, or one just planned.
	Planning it withdraws every queued, unsent, less important message it crowds. Rows that were
	already too close to each other stay as they are: we never make the queue worse, but do not
	rewrite the past either."""
	candidates = list(candidates)
	existing = list(existing)
	decisions: dict[int, Decision] = {}
	contenders: list[tuple[Candidate, int, str]] = []
	for index, candidate in enumerate(candidates):
		channel, skip = choose_channel(candidate.purpose, contact, utility_needs_opt_in)
		if channel is None:
			decisions[index] = Decision(candidate, plan=False, skip_reason=skip)
		elif candidate.purpose == UTILITY:
			decisions[index] = Decision(candidate, plan=True, channel=channel)
		else:
			contenders.append((candidate, index, channel))

	sent_keys = {row.key for row in existing if row.sent}
	planned: list[Candidate] = []
	withdrawn: set[str] = set()
	for candidate, index, channel in sorted(contenders, key=lambda item: _processing_order(item[0])):
		crowded = [
			row
			for row in existing
			if _too_close(row.due_date, row.topic_key, candidate.due_date, candidate.topic_key, cap_days)
		]
		blocked = any(row.sent or row.priority <= candidate.priority for row in crowded) or any(
			_too_close(other.due_date, other.topic_key, candidate.due_date, candidate.topic_key, cap_days)
			for other in planned
		)
		if blocked:
			decisions[index] = Decision(candidate, plan=False, skip_reason=SKIP_FREQUENCY_CAP)
			continue
		decisions[index] = Decision(candidate, plan=True, channel=channel)
		planned.append(candidate)
		withdrawn.update(row.key for row in crowded if row.key not in sent_keys)

	withdrawn_keys = list(dict.fromkeys(row.key for row in existing if row.key in withdrawn))
	return [decisions[index] for index in range(len(candidates))], withdrawn_keys


# --- quiet hours -------------------------------------------------------------------------------


def in_quiet_hours(moment: time, quiet_start: time | None, quiet_end: time | None) -> bool:
	"""Quiet hours run from `quiet_start` up to (not including) `quiet_end` and may wrap midnight
	(21:00 to 10:00). No start, no end, or start equal to end: no quiet hours."""
	if quiet_start is None or quiet_end is None or quiet_start == quiet_end:
		return False
	if quiet_start < quiet_end:
		return quiet_start <= moment < quiet_end
	return moment >= quiet_start or moment < quiet_end


def send_after(due_date: date, now: datetime, quiet_start: time | None, quiet_end: time | None) -> datetime:
	"""The earliest moment, not before now nor before the due day begins, that is outside quiet hours
	(naive datetimes, site time): a greeting planned at 22:30 goes out at 10:00 the next morning."""
	earliest = max(now, datetime.combine(due_date, time.min, tzinfo=now.tzinfo))
	if not in_quiet_hours(earliest.time(), quiet_start, quiet_end):
		return earliest
	day = earliest.date()
	if earliest.time() >= quiet_end:  # quiet began this evening and ends tomorrow morning
		day += timedelta(days=1)
	return datetime.combine(day, quiet_end, tzinfo=now.tzinfo)


# --- occasions ---------------------------------------------------------------------------------

_WHOLE_NUMBER = re.compile(r"[0-9]+")


def parse_days(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
	"""'42, 7, 0' as (42, 7, 0): whole days ahead, duplicates dropped, largest first. Nothing written
	gives `default`; anything else (a negative, a fraction, a word) raises ValueError."""
	pieces = [piece.strip() for piece in (text or "").split(",")]
	pieces = [piece for piece in pieces if piece]
	if not pieces:
		return tuple(default)
	for piece in pieces:
		if not _WHOLE_NUMBER.fullmatch(piece):
			raise ValueError(f"not a whole number of days: {piece!r}")
	return tuple(sorted({int(piece) for piece in pieces}, reverse=True))


def occasion_leads(
	own_lead_days: int | None,
	by_type: dict[str, tuple[int, ...]],
	occasion_type: str,
	default: tuple[int, ...],
) -> tuple[int, ...]:
	"""Which days ahead to remind for one occasion, largest first. An occasion with its own lead
	(above zero) is reminded that many days ahead and greeted on the day; otherwise the settings for
	its type apply, and without those (missing or empty) the default."""
	if own_lead_days and own_lead_days > 0:
		leads: Iterable[int] = (own_lead_days, 0)
	else:
		leads = by_type.get(occasion_type) or default
	return tuple(sorted(set(leads), reverse=True))


def occasion_step(lead: int) -> str:
	"""The label an associate reads in the queue."""
	return "On the day" if lead == 0 else f"{lead} days ahead"


def occasion_cycle(occurrence: date, lead: int) -> str:
	"""One occurrence and one lead: this year's 7-day reminder is not next year's."""
	return f"{occurrence.isoformat()}/{lead}"


def occasion_reminders(
	occurrence: date, leads: Iterable[int], first_day: date, last_day: date
) -> list[tuple[date, int]]:
	"""(due date, lead) of every reminder of one occurrence that falls due between `first_day` and
	`last_day`, both included, each once, earliest first. A planner that missed a few days covers
	them all in one run and still reminds nothing twice."""
	found = set()
	for lead in set(leads):
		try:
			due = occurrence - timedelta(days=lead)
		except OverflowError:  # so far ahead it is outside the calendar, and so outside the window
			continue
		if first_day <= due <= last_day:
			found.add((due, lead))
	return sorted(found)


def years_since(year: int | None, occurrence: date) -> int | None:
	"""Which anniversary this is (25 for a 2002 wedding in 2027), when the year is known."""
	if not year:
		return None
	years = occurrence.year - year
	return years if years > 0 else None


def planning_days(
	last_planned: date | None, today: date, max_catch_up: int = DEFAULT_CATCH_UP_DAYS
) -> list[date]:
	"""The days the planner must still cover, oldest first: those after the last day it planned up to
	today, but no more than the last `max_catch_up` (a shop closed for a month does not wake up to a
	month of stale greetings). Today alone when it has never run; nothing when today is done."""
	if last_planned is None:
		return [today]
	if last_planned >= today:
		return []
	span = min((today - last_planned).days, max(max_catch_up, 1))
	return [today - timedelta(days=back) for back in range(span - 1, -1, -1)]


# --- after a purchase --------------------------------------------------------------------------


def cadence(check_in: int, care: int, new_arrivals: int, anniversary: int) -> tuple[tuple[str, int], ...]:
	"""(step, days after the purchase) for each follow-up the shop has switched on (days above 0)."""
	days = (check_in, care, new_arrivals, anniversary)
	return tuple(
		(step, after) for step, after in zip(POST_PURCHASE_STEPS, days, strict=True) if after and after > 0
	)


# Polki and kundan are uncut diamonds set on foil: water behind the foil dulls them, so an "uncut
# diamond" gets polki care, which is why polki words are looked for first in a stone's name.
_STONE_WORDS = (
	(CARE_POLKI, ("polki", "kundan", "uncut")),
	(CARE_DIAMOND, ("diamond", "solitaire")),
	(CARE_PEARL, ("pearl",)),
)
_STONE_PRECEDENCE = (CARE_DIAMOND, CARE_POLKI, CARE_PEARL, CARE_GEMSTONE)
_METAL_PRECEDENCE = (CARE_PLATINUM, CARE_SILVER, CARE_GOLD)


def _stone_kind(name: str) -> str:
	for kind, words in _STONE_WORDS:
		if any(word in name for word in words):
			return kind
	return CARE_GEMSTONE


def _metal_kind(name: str) -> str:
	for kind in (CARE_PLATINUM, CARE_SILVER):
		if kind in name:
			return kind
	return CARE_GOLD


NO_STONE = frozenset({"plain", "none", "no stone", "n/a", "-"})


def care_topic(metals: Iterable[str], stones: Iterable[str]) -> str:
	"""The care advice the 90-day reminder carries, from what she bought. A stone needs more care
	than the metal around it, so any stone wins: diamond, then polki (polki, kundan, uncut), then pearl,
	then any other gemstone. Without stones: platinum, then silver, else gold. "Plain" or "None" in
	a Stone attribute means a piece without stones."""
	stone_kinds = {
		_stone_kind(name.casefold())
		for name in stones
		if name and name.strip() and name.strip().casefold() not in NO_STONE
	}
	for kind in _STONE_PRECEDENCE:
		if kind in stone_kinds:
			return kind
	metal_kinds = {_metal_kind(name.casefold()) for name in metals if name and name.strip()}
	for kind in _METAL_PRECEDENCE:
		if kind in metal_kinds:
			return kind
	return CARE_GOLD


def lapse_due(last_purchase: date, lapsed_days: int) -> date:
	"""The day she counts as lapsed and is asked back."""
	return last_purchase + timedelta(days=lapsed_days)


def lapse_cycle(last_purchase: date) -> str:
	"""Once per lapse: a new purchase starts a new one."""
	return last_purchase.isoformat()


def bought_around(festival: date, days_before: int, days_after: int) -> tuple[date, date]:
	"""The days a purchase counts as bought around an (earlier) festival: from `days_before` days
	before it to `days_after` days after, both ends included. A Dhanteras buyer is worth a Dhanteras
	campaign; the planner reads the sales of these days by their indexed posting date."""
	return festival - timedelta(days=days_before), festival + timedelta(days=days_after)


# --- what a message earned ---------------------------------------------------------------------


@dataclass(frozen=True)
class Touch:
	"""An outreach that reached her (or that the associate did by hand)."""

	key: str
	sent_on: date


@dataclass(frozen=True)
class SaleFact:
	name: str
	posting_date: date
	amount: Decimal  # net of returns; <= 0 means nothing was kept


def attribute(
	touches: Sequence[Touch], sales: Sequence[SaleFact], window_days: int = DEFAULT_ATTRIBUTION_DAYS
) -> dict[str, tuple[str, Decimal]]:
	"""Credit each sale to at most one message and each message at most once. Sales are taken in
	order of date (then name); a kept sale (amount above 0) credits the most recent message not yet
	credited that was sent on or before the sale and no more than `window_days` before it (two sent on
	the same day: the smaller key). Returns {touch key: (sale name, amount)}."""
	newest_first = sorted(touches, key=lambda touch: (-touch.sent_on.toordinal(), touch.key))
	window = timedelta(days=window_days)
	credit: dict[str, tuple[str, Decimal]] = {}
	for sale in sorted(sales, key=lambda sale: (sale.posting_date, sale.name)):
		if not sale.amount > 0:
			continue
		for touch in newest_first:
			if touch.key not in credit and touch.sent_on <= sale.posting_date <= touch.sent_on + window:
				credit[touch.key] = (sale.name, sale.amount)
				break
	return credit


def assignee(
	preferred_associate: str | None, last_sale_associate: str | None, store_manager: str | None
) -> str | None:
	"""Who makes the call: her own associate, else whoever sold to her last, else the store manager."""
	for person in (preferred_associate, last_sale_associate, store_manager):
		if person and person.strip():
			return person
	return None


# --- phone numbers -----------------------------------------------------------------------------


def normalise_phone(raw: str | None, region: str = "IN") -> str | None:
	"""Her mobile as E.164 ('+919812345678'), read the way it was typed at the counter ('98123 45678',
	'098123-45678', '+91 98123 45678'); None when empty, unreadable or not a real number."""
	text = "" if raw is None else str(raw).strip()
	if not text:
		return None
	try:
		number = phonenumbers.parse(text, region or None)
	except phonenumbers.NumberParseException:
		return None
	if not phonenumbers.is_valid_number(number):
		return None
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_link(phone: str | None, text: str, region: str = "IN") -> str | None:
	"""A wa.me link that opens WhatsApp on the associate's phone with the message written; None when
	the number is not valid."""
	number = normalise_phone(phone, region)
	if number is None:
		return None
	return f"https://wa.me/{number.removeprefix('+')}?text={quote(text or '')}"
