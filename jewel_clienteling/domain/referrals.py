"""Referrals: ask her, in the glow after a purchase she is happy with, to tell a friend; thank her
when a friend she sent (Customer.jc_referred_by) makes a first purchase. The referral bonus itself
is loyalty's (domain/loyalty); the thank-you only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from jewel_clienteling.domain.feedback import is_good

DEFAULT_ASK_AFTER_DAYS = 5
ASK_CYCLE = "referral-ask"
THANKS_CYCLE = "first-sale"  # one thank-you per friend, whichever of her sales comes first


@dataclass(frozen=True)
class AfterSale:
	"""What the store knows of a sale a few days on."""

	returned: bool  # anything of it came back (a return against it, submitted)
	open_repair: bool  # a repair of hers is still with the store
	open_complaint: bool  # a low score of hers the manager has not closed yet
	scores: tuple[int, ...] = ()  # her feedback on this sale, if she gave any


def happy_with(sale: AfterSale) -> bool:
	"""Ask for a referral only after a sale she kept whole, with nothing of hers open at the store,
	and, when she gave feedback on it, only a good one."""
	if sale.returned or sale.open_repair or sale.open_complaint:
		return False
	return all(is_good(score) for score in sale.scores)


def is_first_sale(sale: tuple[date, str], others: Iterable[tuple[date, str]]) -> bool:
	"""Her first purchase: no other kept sale of hers before it (same day: the smaller name first)."""
	return all(other >= sale for other in others if other != sale)
