"""The WhatsApp inbox's rules: whose turn a new enquiry is, what an associate may send from the desk
(free text while her 24-hour window is open, an approved template after it), and when a message
nobody answered goes up to the store's manager. Pure: no frappe."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from jewel_clienteling.domain.incoming import window_open

INBOUND, OUTBOUND = "Inbound", "Outbound"
DIRECTIONS = (INBOUND, OUTBOUND)
DEFAULT_ESCALATE_AFTER_HOURS = 4  # an unanswered message older than this goes to the store manager
CONVERSATION_PAGE = 50  # messages shown at a time on a lead's or customer's form
INBOX_PAGE = 20  # conversations shown at a time in the inbox
PREVIEW_CHARS = 140
FREE_TEXT, TEMPLATE = "text", "template"


class ReplyRefused(ValueError):
	"""What the associate asked to send is not allowed now. `reason`: empty, window_closed,
	template_needed_not_text (the window is closed), both."""

	def __init__(self, reason: str):
		super().__init__(reason)
		self.reason = reason


def in_turn(people: Sequence[str], turn: int) -> str | None:
	"""The person whose turn it is: the store's people in name order, taken one after another (turn
	is a counter shared by every worker, incremented once per new enquiry)."""
	ordered = sorted(set(people))
	if not ordered:
		return None
	return ordered[turn % len(ordered)]


def reply_kind(last_inbound: datetime | None, now: datetime, text: str | None, template: str | None) -> str:
	"""FREE_TEXT or TEMPLATE, or ReplyRefused. Free text only while her window is open (the same rule
	the outreach sender follows); after it, only an approved template."""
	has_text = bool((text or "").strip())
	if has_text and template:
		raise ReplyRefused("both")
	if template:
		return TEMPLATE
	if not has_text:
		raise ReplyRefused("empty")
	if not window_open(last_inbound, now):
		raise ReplyRefused("window_closed")
	return FREE_TEXT


def window_closes_at(last_inbound: datetime | None, hours: int = 24) -> datetime | None:
	return last_inbound + timedelta(hours=hours) if last_inbound else None


def escalate_before(now: datetime, hours: float | None) -> datetime:
	"""Messages unanswered since before this moment go up to the store manager."""
	return now - timedelta(hours=hours if hours and hours > 0 else DEFAULT_ESCALATE_AFTER_HOURS)


def preview(text: str | None, kind: str | None = None) -> str:
	"""A line of what she wrote for the inbox and the alert; her photo or voice note by its kind."""
	words = " ".join((text or "").split())
	if not words:
		return f"[{kind or 'message'}]"
	return words if len(words) <= PREVIEW_CHARS else words[: PREVIEW_CHARS - 1] + "…"
