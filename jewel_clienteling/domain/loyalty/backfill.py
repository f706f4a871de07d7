"""Keys for a ledger written before movements had keys: the key each past row would have had, and the
rows that repeat a movement already posted (what two requests at the same instant could post).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from jewel_clienteling.domain.loyalty import keys
from jewel_clienteling.domain.loyalty.ledger import (
	ADJUST,
	BONUS,
	EARN,
	EXPIRE,
	REDEEM,
	REVERSE,
	SOURCE_CORRECTION,
	SOURCE_OPENING,
	SOURCE_REFERRAL,
	SOURCE_REVIEW,
	Movement,
	unreversed,
)


@dataclass(frozen=True)
class PastRow:
	"""A row as it was posted. `referred`, for a referral bonus, is the customer whose first sale paid it."""

	movement: Movement
	customer: str
	source: str
	referred: str = ""


@dataclass(frozen=True)
class Repeat:
	"""A row that repeats the movement of `first` (both would have the key `key`)."""

	row: PastRow
	first: str
	key: str


def natural_key(row: PastRow) -> str:
	"""The key a row has for what it is, "" for a movement that may repeat. An Expire's and a referral
	bonus's keys also count what came before them (`keys_for_past_rows`)."""
	move = row.movement
	if move.kind == EARN and move.voucher:
		return keys.earning(move.voucher)
	if move.kind == REDEEM and move.voucher:
		return keys.redemption(move.voucher)
	if move.kind == REVERSE and row.source == SOURCE_CORRECTION:
		return keys.correction(move.against)
	if move.kind == REVERSE and move.voucher:
		return keys.reversal(move.voucher, move.against)
	if move.kind == BONUS and row.source == SOURCE_REVIEW and move.voucher:
		return keys.review(move.voucher)
	if move.kind == ADJUST and row.source == SOURCE_OPENING and move.points > 0:
		return keys.opening(row.customer, move.expiry_date)
	return ""


def keys_for_past_rows(rows: Sequence[PastRow]) -> tuple[dict[str, str], list[Repeat]]:
	"""Rows in posting order: the key of each row that must happen once (by row name), and the rows
	that repeat one posted before them, which get no key. A row that has a key keeps it. A lot's Expire rows are its 1st, 2nd… expiry;
	a referral bonus for a customer repeats one paid before it unless that one had been taken back in
	full by then."""
	ledgers: dict[str, list[Movement]] = defaultdict(list)  # each customer's rows so far
	keyed: dict[str, str] = {}
	first_of: dict[str, str] = {}
	repeats: list[Repeat] = []
	expiries: dict[str, int] = defaultdict(int)
	referrals: dict[str, list[PastRow]] = defaultdict(list)
	for row in rows:
		move = row.movement
		ledgers[row.customer].append(move)
		referral = move.kind == BONUS and row.source == SOURCE_REFERRAL and row.referred
		if move.key:
			key = move.key  # posted with its key: it keeps it, and counts as what it is
		elif move.kind == EXPIRE:
			key = keys.expiry(move.against, expiries[move.against])
		elif referral:
			paid = referrals[row.referred]
			standing = next((p for p in paid if unreversed(ledgers[p.customer], p.movement) > 0), None)
			if standing is not None:
				repeats.append(Repeat(row, standing.movement.name, keyed[standing.movement.name]))
				continue
			key = keys.referral(row.referred, len(paid))
		else:
			key = natural_key(row)
		if not key:
			continue
		if key in first_of:
			repeats.append(Repeat(row, first_of[key], key))
			continue
		first_of[key] = move.name
		keyed[move.name] = key
		if move.kind == EXPIRE:
			expiries[move.against] += 1
		elif referral:
			referrals[row.referred].append(row)
	return keyed, repeats
