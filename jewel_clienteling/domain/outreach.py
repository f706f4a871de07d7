"""Outreach: whom to write to, about what, on which channel, and when two messages compete.

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

When each reason falls due is in domain/outreach_cadence.py; which sale a message earned, in
domain/attribution.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

# Reasons, exactly as spelled in the Client Outreach doctype
OCCASION = "Occasion"
POST_PURCHASE = "Post-purchase"
LAPSED = "Lapsed"
REPAIR_READY = "Repair ready"
REPAIR_UNCOLLECTED = "Repair uncollected"
POINTS_EXPIRING = "Points expiring"
REVIEW_REQUEST = "Review request"
REFERRAL_THANKS = "Referral thank-you"
# A few days after a purchase she kept and was happy with: would she tell a friend? An ask, marketing.
REFERRAL_ASK = "Referral ask"
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
# Before a festival, to those with old gold to exchange (domain/old_gold.py): an offer, marketing.
OLD_GOLD_OFFER = "Old gold exchange offer"
STAY_IN_TOUCH = "Stay in touch"  # to a valued customer after weeks of silence: warm, not an offer
# Her reply changed how often she hears from the store ("LESS", "MONTHLY"): a word that it is done. An
# answer to her own message, so a service message, free text in the 24-hour window she just opened.
RHYTHM_CONFIRMED = "Rhythm confirmed"
REASONS = (
	OCCASION, POST_PURCHASE, LAPSED, REPAIR_READY, REPAIR_UNCOLLECTED, POINTS_EXPIRING, REVIEW_REQUEST,
	REFERRAL_THANKS, CAMPAIGN, WALK_IN_FOLLOW_UP, APPOINTMENT_REMINDER, APPOINTMENT_MISSED,
	CUSTOM_ORDER_UPDATE, CATALOGUE_SHARE, REFERRAL_ASK, OLD_GOLD_OFFER, STAY_IN_TOUCH, RHYTHM_CONFIRMED,
)  # fmt: skip
# Answers to her own message: free text inside her 24-hour window (no template; never sent once it
# closed), and, though not marketing, only while she allows WhatsApp messages at all
REPLIES = (RHYTHM_CONFIRMED,)

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
	RHYTHM_CONFIRMED: UTILITY,
}

# Lower is more important: occasion over cadence over lapsed.
PRIORITY = {
	REPAIR_READY: 0,
	REPAIR_UNCOLLECTED: 0,
	POINTS_EXPIRING: 1,
	APPOINTMENT_REMINDER: 0,
	APPOINTMENT_MISSED: 5,
	CUSTOM_ORDER_UPDATE: 0,
	RHYTHM_CONFIRMED: 0,
	CATALOGUE_SHARE: 15,  # the associate picked these for her, like a walk-in follow-up
	OCCASION: 10,
	WALK_IN_FOLLOW_UP: 15,  # a visit days ago is a sale in the making: before cadence, after her occasion
	POST_PURCHASE: 20,
	REVIEW_REQUEST: 30,
	REFERRAL_ASK: 35,  # after her feedback is asked, before a thank-you
	REFERRAL_THANKS: 40,
	OLD_GOLD_OFFER: 45,  # her own gold, for the festival: before the festival's general invitation
	CAMPAIGN: 50,
	STAY_IN_TOUCH: 55,  # anything else the store has to say to her is a touch already
	LAPSED: 60,
}

# skip reason codes (the Frappe layer translates them into sentences)
SKIP_DO_NOT_CONTACT = "do_not_contact"
SKIP_NO_CONSENT = "no_consent"
SKIP_UNREACHABLE = "unreachable"
SKIP_FREQUENCY_CAP = "frequency_cap"
SKIP_SUPERSEDED = "superseded"

DEFAULT_CAP_DAYS = 14

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
		"""Its dedupe key, worked out once (the queue asks for it several times a candidate)."""
		key = self.__dict__.get("_key")
		if key is None:
			key = dedupe_key(
				self.customer, self.reason, self.reference_doctype, self.reference_name, self.cycle
			)
			self.__dict__["_key"] = key  # a cache beside the frozen fields, not one of them
		return key

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


def too_close(first: date, first_topic: str | None, second: date, second_topic: str, cap_days: int) -> bool:
	"""Two marketing messages on different topics (any two, when `first_topic` is None: her own
	rhythm) less than `cap_days` apart crowd her."""
	other = first_topic is None or first_topic != second_topic
	return cap_days > 0 and other and abs((first - second).days) < cap_days


def _processing_order(candidate: Candidate) -> tuple:
	# the most important first, then the earliest; the rest only makes the order total
	return (candidate.priority, candidate.due_date, candidate.key, candidate.topic_key, candidate.step)


def decide(
	candidates: Sequence[Candidate],
	existing: Sequence[Existing],
	contact: Contact,
	cap_days: int = DEFAULT_CAP_DAYS,
	utility_needs_opt_in: bool = False,
	every_topic: bool = False,
) -> tuple[list[Decision], list[str]]:
	"""Decide all of one customer's candidates at once: one Decision per candidate in the input
	order, and the keys of queued rows to withdraw because a more important message replaces them.

	Consent first (choose_channel). Utility messages are then always planned and never touch the
	queue. Marketing candidates are taken most important first (priority, then due date, then key):
	one is planned unless a message on another topic less than `cap_days` away stands in its way:
	one already sent, one queued (withdrawn or not) at least as important, or one just planned.
	Planning it withdraws every queued, unsent, less important message it crowds. Rows that were
	already too close to each other stay as they are: we never make the queue worse, but do not
	rewrite the past either. `every_topic`: her own rhythm, where messages on one topic crowd too."""
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
		topic = None if every_topic else candidate.topic_key
		crowded = [
			row
			for row in existing
			if too_close(row.due_date, topic, candidate.due_date, row.topic_key, cap_days)
		]
		blocked = any(row.sent or row.priority <= candidate.priority for row in crowded) or any(
			too_close(other.due_date, topic, candidate.due_date, other.topic_key, cap_days)
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


# --- who makes the call ----------------------------------------------------------------------


def assignee(
	preferred_associate: str | None, last_sale_associate: str | None, store_manager: str | None
) -> str | None:
	"""Who makes the call: her own associate, else whoever sold to her last, else the store manager."""
	for person in (preferred_associate, last_sale_associate, store_manager):
		if person and person.strip():
			return person
	return None
