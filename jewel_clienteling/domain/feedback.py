"""Her word on a sale or a repair: a one-tap link (domain/signing.py, purpose FEEDBACK), a score
from 1 to 5 and an optional comment, answered once.

A low score (LOW or under) reaches the store manager the same day, so the store can put it right
before she tells anyone else; a high score (HIGH or over) is offered the store's review link. Scores
in between are thanked and recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

FEEDBACK = "feedback"  # the signing purpose: a feedback token opens no catalogue, and the reverse
SCORES = (1, 2, 3, 4, 5)
LOW = 2
HIGH = 4
DEFAULT_LINK_DAYS = 14
MAX_COMMENT = 2000

# what follows an answer
MANAGER_CALLS = "manager_calls"
REVIEW_OFFERED = "review_offered"
THANKED = "thanked"


def parse_score(value) -> int | None:
	"""The score a form sent ('4', 4), or None when it is not a whole number from 1 to 5."""
	text = str(value if value is not None else "").strip()
	if len(text) != 1 or not ("0" <= text <= "9"):
		return None
	score = int(text)
	return score if score in SCORES else None


def clean_comment(text: str | None) -> str:
	"""Her comment, trimmed and at most MAX_COMMENT characters."""
	return (text or "").strip()[:MAX_COMMENT]


def follow_up(score: int) -> str:
	"""What the store does with a score: the manager calls (low), the review link is offered (high),
	else she is thanked."""
	if score not in SCORES:
		raise ValueError(f"not a score: {score!r}")
	if score <= LOW:
		return MANAGER_CALLS
	if score >= HIGH:
		return REVIEW_OFFERED
	return THANKED


def is_good(score: int | None) -> bool:
	"""A score that counts as happy (the referral ask waits for one, when she gave any)."""
	return score is not None and score >= HIGH


def link_expiry(due: date, link_days: int | None) -> date:
	"""The last day a feedback link opens: `link_days` after the message is due (the default when
	unset or below one)."""
	return due + timedelta(days=link_days if link_days and link_days > 0 else DEFAULT_LINK_DAYS)
