"""Her rhythm: how often she is happy to hear from the store, at what time of day, and the one warm
"stay in touch" note a valued customer gets when the store has been silent too long.

A jeweller asks it the way a customer answers it: "weekly is fine", "once a month", "every couple of
months". Her choice replaces the store-wide frequency cap for her, in both directions (weekly is more
often than the store's fortnight, every two months less often), and it is strict: every marketing
message counts, whatever it is about, so she never hears from the store more often than she chose.
Messages about her own piece, order, visit or points (utility) are not marketing and never wait.

Her time of day (morning, afternoon, evening) decides when a queued marketing message goes out,
within the store's quiet hours. She may set both at the counter, on her form, or by replying to a
message with a word ("WEEKLY", "MONTHLY", "LESS", "MORE").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.incoming import whole_words

# How often, exactly as spelled in the Customer's jc_contact_rhythm options; more often first
WEEKLY = "Weekly"
FORTNIGHTLY = "Fortnightly"
MONTHLY = "Monthly"
TWO_MONTHS = "Every two months"
THREE_MONTHS = "Every three months"
RHYTHM_DAYS = {WEEKLY: 7, FORTNIGHTLY: 14, MONTHLY: 30, TWO_MONTHS: 60, THREE_MONTHS: 90}
RHYTHMS = tuple(RHYTHM_DAYS)
LONGEST_GAP = max(RHYTHM_DAYS.values())

# Her time of day, as spelled in jc_preferred_time: from (inclusive) to (exclusive), site time
MORNING = "Morning"
AFTERNOON = "Afternoon"
EVENING = "Evening"
TIMES_OF_DAY = {
	MORNING: (time(10, 0), time(12, 0)),
	AFTERNOON: (time(12, 0), time(16, 0)),
	EVENING: (time(16, 0), time(20, 0)),
}

# what she may reply, the whole message (as with STOP): a rhythm by name, or one step either way
REPLY_RHYTHMS = {
	"weekly": WEEKLY,
	"every week": WEEKLY,
	"fortnightly": FORTNIGHTLY,
	"every two weeks": FORTNIGHTLY,
	"monthly": MONTHLY,
	"every month": MONTHLY,
	"once a month": MONTHLY,
	"every two months": TWO_MONTHS,
	"bimonthly": TWO_MONTHS,
	"quarterly": THREE_MONTHS,
	"every three months": THREE_MONTHS,
}
LESS_WORDS = frozenset({"less", "less often", "fewer", "fewer messages", "too many"})
MORE_WORDS = frozenset({"more", "more often"})

# --- who is valued, and when the store has been silent too long ----------------------------------

DEFAULT_STAY_IN_TOUCH_DAYS = 60
# lifecycle stages and RFM segments (domain/profile.py) of a customer worth keeping warm: she came
# back (Repeat, Loyal), spent much (Champion, Loyal, Cannot Lose) or is drifting (At risk). A new
# customer has her post-purchase follow-ups; a lapsed one her win-back.
VALUED_STAGES = ("Repeat", "Loyal", "At risk")
VALUED_SEGMENTS = ("Champion", "Loyal", "Cannot Lose")
# what the warm note is about, in turn (its step, and the default template's): none is an offer
CARE = "Care"
NEW_PIECES = "New pieces"
INVITATION = "Invitation"
TOUCHES = (CARE, NEW_PIECES, INVITATION)


def gap_days(rhythm: str | None, store_cap: int) -> int:
	"""The fewest days between two marketing messages to her: her rhythm's, else the store's cap."""
	return RHYTHM_DAYS.get(rhythm or "", max(store_cap, 0))


def is_her_own(rhythm: str | None) -> bool:
	"""She chose a rhythm: every marketing message counts against it, whatever its topic."""
	return (rhythm or "") in RHYTHM_DAYS


def crowded_at_send(
	purpose: str,
	topic: str,
	today: date,
	reached: Iterable[tuple[date, str]],
	rhythm: str | None,
	store_cap: int,
) -> bool:
	"""At the moment a message goes (by a sender or by an associate's hand, days after it was
	planned): whether another marketing message that reached her (the day it did, its topic) comes
	within her gap, her rhythm's or the store's cap (on one topic only the store's cap is lifted, as
	when planning, outreach.decide). Utility messages are never held."""
	if purpose != outreach_rules.MARKETING:
		return False
	gap, topic_of_this = gap_days(rhythm, store_cap), None if is_her_own(rhythm) else topic
	return any(
		outreach_rules.too_close(today, topic_of_this, day, other, gap)
		for day, other in reached
		if day <= today
	)


def confirms(current: str | None, chosen: str | None) -> bool:
	"""Her reply changed her rhythm (and so is answered with a word of confirmation); a reply that
	asks for what she has already changes nothing and is answered by nothing."""
	return bool(chosen) and chosen != (current or None)


def reply_rhythm(text: str | None, current: str | None, store_cap: int) -> str | None:
	"""The rhythm her reply asks for, or None when it asks nothing of the kind. "LESS" and "MORE"
	move one step from what she gets now (her rhythm, else the store's cap), never past either end."""
	words = whole_words(text)
	if words is None:
		return None
	if words in REPLY_RHYTHMS:
		return REPLY_RHYTHMS[words]
	now = gap_days(current, store_cap)
	if words in LESS_WORDS:
		return next((r for r in RHYTHMS if RHYTHM_DAYS[r] > now), RHYTHMS[-1])
	if words in MORE_WORDS:
		return next((r for r in reversed(RHYTHMS) if RHYTHM_DAYS[r] < now), RHYTHMS[0])
	return None


def send_after(
	due: date, now: datetime, quiet_start: time | None, quiet_end: time | None, time_of_day: str | None
) -> datetime:
	"""The earliest moment a message may go: out of the store's quiet hours (outreach.send_after)
	and, when she has a time of day, within it. Where her time and the quiet hours never meet, the
	quiet hours win."""
	earliest = outreach_rules.send_after(due, now, quiet_start, quiet_end)
	window = TIMES_OF_DAY.get(time_of_day or "")
	if not window:
		return earliest
	start, end = window
	moment = earliest
	for _attempt in range(3):
		if moment.time() < start:
			moment = datetime.combine(moment.date(), start, tzinfo=moment.tzinfo)
		elif moment.time() >= end:
			moment = datetime.combine(moment.date() + timedelta(days=1), start, tzinfo=moment.tzinfo)
		allowed = outreach_rules.send_after(moment.date(), moment, quiet_start, quiet_end)
		if allowed == moment:
			return moment
		moment = allowed
	return earliest


def is_valued(stage: str | None, segment: str | None) -> bool:
	return (stage or "") in VALUED_STAGES or (segment or "") in VALUED_SEGMENTS


def last_touch(last_message: date | None, last_purchase: date | None) -> date | None:
	"""The last time she heard from the store or came to it."""
	days = [day for day in (last_message, last_purchase) if day]
	return max(days) if days else None


def stay_in_touch_due(touched: date, silence_days: int, rhythm: str | None, store_cap: int) -> date:
	"""The day a warm note is due: `silence_days` after the last touch, never sooner than her rhythm
	allows."""
	return touched + timedelta(
		days=max(silence_days, gap_days(rhythm, store_cap) if is_her_own(rhythm) else 0)
	)


def silence_lengths(silence_days: int) -> tuple[int, ...]:
	"""Every length a silence may reach before her note is due (stay_in_touch_due), whatever her
	rhythm: the store's days, or her own rhythm's when longer."""
	days = max(silence_days, 0)
	return tuple(sorted({days, *(max(days, gap) for gap in RHYTHM_DAYS.values())}))


def silences_reaching_length(first: date, last: date, lengths: tuple[int, ...]) -> list[tuple[date, date]]:
	"""The days a last touch must fall on for a silence of one of these `lengths` to reach it between
	`first` and `last` (inclusive), as few ranges as possible, earliest first."""
	ranges = sorted((first - timedelta(days=length), last - timedelta(days=length)) for length in lengths)
	merged: list[tuple[date, date]] = []
	for start, end in ranges:
		if merged and start <= merged[-1][1] + timedelta(days=1):
			merged[-1] = (merged[-1][0], max(merged[-1][1], end))
		else:
			merged.append((start, end))
	return merged


def touch_kind(due: date, has_category: bool) -> str:
	"""What the note is about, in turn from one silence to the next: care of her pieces, new pieces
	in her category (only when her category is known), an invitation."""
	kinds = [kind for kind in TOUCHES if has_category or kind != NEW_PIECES]
	return kinds[(due.toordinal() // DEFAULT_STAY_IN_TOUCH_DAYS) % len(kinds)]
