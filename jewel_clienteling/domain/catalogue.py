"""Catalogue sharing: pieces an associate picked for her, sent as a link to a page she opens without
logging in.

The link carries a token made for that one share: the share's name and the last day it opens,
signed with HMAC-SHA256 under the store's secret (domain/signing.py). The page trusts nothing else: a token that is
not signed by the secret, names another share or has passed its day opens nothing, and what it
opens is only the pieces of its own share. Signatures are compared in constant time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jewel_clienteling.domain.signing import TokenRefused, sign, verify

DEFAULT_LINK_DAYS = 14
DEFAULT_NEW_ARRIVAL_DAYS = 60
MAX_PIECES = 24

# how an associate chose the pieces, as spelled in the Catalogue Share's selection options
PIECES = "Pieces"
ITEM_GROUP = "Item group"
NEW_ARRIVALS = "New arrivals in the customer's category"
SELECTIONS = (PIECES, ITEM_GROUP, NEW_ARRIVALS)
__all__ = ["TokenRefused", "sign", "verify"]  # the page and the share sign and check through here


def expiry(shared_on: date, link_days: int | None) -> date:
	"""The last day a link opens: `link_days` after sharing (the default when unset or below one)."""
	days = link_days if link_days and link_days > 0 else DEFAULT_LINK_DAYS
	return shared_on + timedelta(days=days)


def arrivals_since(today: date, days: int | None) -> date:
	"""New arrivals are pieces first listed on or after this day."""
	return today - timedelta(days=days if days and days > 0 else DEFAULT_NEW_ARRIVAL_DAYS)


def pick(codes: list[str], limit: int = MAX_PIECES) -> list[str]:
	"""The pieces to share, each once, in the order chosen, at most `limit`."""
	return list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))[:limit]


@dataclass(frozen=True)
class Shown:
	"""What the page shows of a piece: the store chooses whether price and weight appear."""

	name: str
	image: str | None
	price: str | None
	weight: str | None


def shown(
	name: str,
	image: str | None,
	price: str | None,
	weight: float | None,
	weight_uom: str | None,
	show_price: bool,
	show_weight: bool,
) -> Shown:
	weight_text = None
	if show_weight and weight:
		weight_text = f"{weight:.3f} {weight_uom or 'g'}".strip()
	return Shown(name=name, image=image or None, price=price if show_price else None, weight=weight_text)


def message_context(link: str, pieces: int, expires: date) -> dict:
	return {"catalogue_link": link, "catalogue_pieces": pieces, "catalogue_expires_on": expires.isoformat()}
