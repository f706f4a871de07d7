"""The key of a movement that must happen once. The ledger holds each key once (a unique index), so a
second request for the same movement, however close behind the first, cannot post it again: it finds
the key taken and is told it was done.

A key names what makes the movement unique, readable in the desk: `Review|POS Invoice::ACC-PSINV-1`.
Parts are exact names. A key that would not fit in the column, or whose parts could be read two ways
(a part holding the separator, or starting with the hash mark), becomes the movement and a SHA-256
of its parts instead: `Review|#9f86d0…`.

Movements that may repeat (a manager's adjustment or bonus by hand) have no key.
"""

from __future__ import annotations

import hashlib
from datetime import date

ONCE_KEY_LENGTH = 140
SEPARATOR = "|"
HASHED = "#"


def once_key(movement: str, *parts: str) -> str:
	"""`movement|part|…`, or `movement|#sha256` when that is too long or could be read two ways."""
	if not movement or SEPARATOR in movement or not parts:
		raise ValueError(f"a once key needs a movement and what makes it unique: {movement!r} {parts!r}")
	parts = tuple(str(part) for part in parts)
	if not all(parts):
		raise ValueError(f"a once key of an empty part would be shared: {movement!r} {parts!r}")
	key = SEPARATOR.join((movement, *parts))
	ambiguous = any(SEPARATOR in part or part.startswith(HASHED) for part in parts)
	if len(key) <= ONCE_KEY_LENGTH and not ambiguous:
		return key
	digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
	return f"{movement}{SEPARATOR}{HASHED}{digest}"


def earning(voucher: str) -> str:
	"""What an invoice earns, once per invoice."""
	return once_key("Earn", voucher)


def redemption(voucher: str) -> str:
	"""The points spent on an invoice, once per invoice."""
	return once_key("Redeem", voucher)


def reversal(voucher: str, row: str) -> str:
	"""A return or a cancellation (the voucher) takes back or gives back a row once."""
	return once_key("Reverse", voucher, row)


def expiry(lot: str, earlier: int = 0) -> str:
	"""A lot lapses once; points given back to it after it lapsed (a redemption cancelled later) lapse
	again, as its next expiry: `earlier` counts the Expire rows it has already."""
	return once_key("Expire", lot, str(int(earlier)))


def review(voucher: str) -> str:
	"""The review bonus for one invoice."""
	return once_key("Review", voucher)


def referral(referred: str, taken_back: int = 0) -> str:
	"""The referral bonus for the first sale of `referred`; once a bonus paid for her has been taken
	back in full (that sale was cancelled), her next first sale pays the next one."""
	return once_key("Referral", referred, str(int(taken_back)))


def opening(customer: str, lapse: date | None) -> str:
	"""Her balance brought over from ERPNext, one row per lapse date."""
	return once_key("Opening", customer, lapse.isoformat() if lapse else "never")


def correction(row: str) -> str:
	"""Taking back a row that was posted twice, once."""
	return once_key("Correction", row)
