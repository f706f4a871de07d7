"""Links that open one thing without a login: a token naming that thing and the last day it opens,
signed with HMAC-SHA256 under the store's secret. The one home of the signing rule (catalogue shares,
feedback requests). A token that is not signed by the secret, names another thing, was made for
another purpose or has passed its day opens nothing. Signatures are compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

_NAME = re.compile(r"[A-Za-z0-9_-]{1,140}")
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")


class TokenRefused(ValueError):
	"""Why a token opens nothing: 'malformed', 'signature' or 'expired'."""


def _signature(secret: str, subject: str, expires: date, purpose: str = "") -> str:
	if not secret:
		raise ValueError("a signed link needs a secret")
	# a catalogue share signs "name\x1fday" (links already sent keep opening); any other purpose
	# signs "purpose\x1fname\x1fday": a name never holds \x1f, so the two never sign the same text
	parts = (purpose, subject, expires.isoformat()) if purpose else (subject, expires.isoformat())
	digest = hmac.new(secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256).digest()
	return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(secret: str, subject: str, expires: date, purpose: str = "") -> str:
	"""The token of one thing, opening until the end of `expires`, for one purpose."""
	if not _NAME.fullmatch(subject or ""):
		raise ValueError(f"not a name a link can carry: {subject!r}")
	return f"{subject}.{expires.strftime('%Y%m%d')}.{_signature(secret, subject, expires, purpose)}"


def verify(secret: str, token: str | None, today: date, purpose: str = "") -> str:
	"""The thing a token opens today for `purpose`, or TokenRefused with why not."""
	parts = (token or "").split(".")
	if len(parts) != 3 or not _NAME.fullmatch(parts[0]) or not _SIGNATURE.fullmatch(parts[2]):
		raise TokenRefused("malformed")
	subject, day, signature = parts
	try:
		expires = date(int(day[:4]), int(day[4:6]), int(day[6:8])) if len(day) == 8 else None
	except ValueError:
		expires = None
	if expires is None:
		raise TokenRefused("malformed")
	if not hmac.compare_digest(signature, _signature(secret, subject, expires, purpose)):
		raise TokenRefused("signature")
	if today > expires:
		raise TokenRefused("expired")
	return subject
