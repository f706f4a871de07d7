"""Old gold exchange: what a customer's old piece is worth, the way a jeweller weighs and pays for it.

She brings a piece; it is weighed whole (gross weight), then without what is not metal — stones,
lac, wax, dirt (net weight). Its purity is tested (karat, read as fineness in parts per thousand:
22K is 916, as hallmarked). Its fine weight is the pure metal it holds, and the rate of the day is
the price of a gram of pure metal.

The rule, as a jeweller writes it on the slip:

- weights are in grams to the milligram (three decimals); a reading finer than that is refused, not
  rounded, so the slip shows what the scale showed;
- fine weight = net weight x fineness / 1000, rounded DOWN to the milligram (a jeweller never pays for
  metal the piece does not hold: a fraction of a milligram is not metal she can melt);
- value = fine weight x rate of the day, rounded to the whole rupee, half up (.50 and above up), as
  cash is paid.

Everything here is Decimal, never float: 0.1 + 0.2 is not 0.3 in float, and a milligram of gold is
money. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

MILLIGRAM = Decimal("0.001")
RUPEE = Decimal("1")
PER_THOUSAND = Decimal("1000")

GOLD = "Gold"
SILVER = "Silver"
PLATINUM = "Platinum"
METALS = (GOLD, SILVER, PLATINUM)

# purity as the slip names it -> (metal, fineness in parts per thousand, as hallmarked in India)
PURITIES: dict[str, tuple[str, int]] = {
	"24K": (GOLD, 999),
	"22K": (GOLD, 916),
	"20K": (GOLD, 833),
	"18K": (GOLD, 750),
	"14K": (GOLD, 585),
	"9K": (GOLD, 375),
	"Silver 999": (SILVER, 999),
	"Silver 925": (SILVER, 925),
	"Platinum 950": (PLATINUM, 950),
}

# Who is offered an exchange: she has exchanged before, or her gold is this many years old.
GOLD_AGE_YEARS = 5


class ExchangeError(ValueError):
	"""What is wrong with an exchange; `code` says why, `details` fill the message."""

	def __init__(self, code: str, **details):
		super().__init__(code)
		self.code = code
		self.details = details


@dataclass(frozen=True)
class Valuation:
	fineness: int
	fine_weight: Decimal
	value: Decimal


def decimal(value, field: str) -> Decimal:
	"""A number from the form (str, int, float or Decimal) as the Decimal it was typed as: a float goes
	through its shortest text (10.123, not 10.1229999…)."""
	if value is None or value == "":
		raise ExchangeError("missing", field=field)
	try:
		number = value if isinstance(value, Decimal) else Decimal(str(value))
	except InvalidOperation:
		raise ExchangeError("not_a_number", field=field, given=value) from None
	if not number.is_finite():
		raise ExchangeError("not_a_number", field=field, given=value)
	return number


def weight(value, field: str) -> Decimal:
	"""A weight in grams, above zero, to the milligram at most."""
	grams = decimal(value, field)
	if grams <= 0:
		raise ExchangeError("not_positive", field=field, given=value)
	if grams != grams.quantize(MILLIGRAM, rounding=ROUND_DOWN):
		raise ExchangeError("finer_than_milligram", field=field, given=value)
	return grams.quantize(MILLIGRAM)


def fineness_of(metal: str, purity: str, tested: int | None = None) -> int:
	"""The fineness to pay for: the tested one when the piece was tested (touch or XRF), else the
	purity's hallmark. The purity must be of the metal."""
	if metal not in METALS:
		raise ExchangeError("unknown_metal", given=metal, allowed=METALS)
	if purity not in PURITIES:
		raise ExchangeError("unknown_purity", given=purity, allowed=tuple(PURITIES))
	purity_metal, hallmark = PURITIES[purity]
	if purity_metal != metal:
		raise ExchangeError("purity_not_of_metal", given=purity, metal=metal)
	if tested in (None, "", 0):
		return hallmark
	fineness = decimal(tested, "fineness")
	if fineness != fineness.to_integral_value() or not 1 <= fineness <= 999:
		raise ExchangeError("fineness_out_of_range", given=tested)
	return int(fineness)


def fine_weight(net: Decimal, fineness: int) -> Decimal:
	"""The pure metal it holds, rounded down to the milligram."""
	return (net * Decimal(fineness) / PER_THOUSAND).quantize(MILLIGRAM, rounding=ROUND_DOWN)


def value_of(fine: Decimal, rate: Decimal) -> Decimal:
	"""What it is worth at the rate of the day, to the whole rupee, half up."""
	return (fine * rate).quantize(RUPEE, rounding=ROUND_HALF_UP)


def valuation(metal: str, purity: str, gross, net, rate, tested_fineness=None) -> Valuation:
	"""The exchange checked and valued: net weight within gross, a rate above zero."""
	gross_grams = weight(gross, "gross_weight")
	net_grams = weight(net, "net_weight")
	if net_grams > gross_grams:
		raise ExchangeError("net_above_gross", net=net_grams, gross=gross_grams)
	rate_of_day = decimal(rate, "rate")
	if rate_of_day <= 0:
		raise ExchangeError("not_positive", field="rate", given=rate)
	fineness = fineness_of(metal, purity, tested_fineness)
	fine = fine_weight(net_grams, fineness)
	return Valuation(fineness, fine, value_of(fine, rate_of_day))


def item_code(metal: str, purity: str) -> str:
	"""The stock item old metal of this purity is received as (one per purity, so the melting stock is
	kept by fineness): "Old Gold 22K", "Old Silver 925"."""
	label = purity.split(" ")[-1] if purity.startswith(metal) else purity
	return f"Old {metal} {label}"


def is_gold(metal: str | None) -> bool:
	"""Whether a sold piece's metal (as the Metal preference source reads it) is gold of any colour."""
	return GOLD.casefold() in (metal or "").casefold()


def gold_bought_before(today: date) -> date:
	"""A purchase on or before this day is gold bought GOLD_AGE_YEARS or more years ago (29 February
	counts from 28 February in a year without one)."""
	year = today.year - GOLD_AGE_YEARS
	try:
		return today.replace(year=year)
	except ValueError:
		return today.replace(year=year, day=28)


# ----------------------------------------------------------------------- her exchanges at the counter


@dataclass(frozen=True)
class ExchangedTotal:
	"""What one set-based query gives: her submitted exchanges of one metal paid in one currency."""

	metal: str
	currency: str | None
	exchanges: int
	fine_weight: Decimal | float | str
	value: Decimal | float | str
	last_on: date


def exchanged_summary(rows: list[ExchangedTotal]) -> dict | None:
	"""Her old gold at a glance, or None when she never exchanged any: how many exchanges, the fine
	metal received of each metal (grams of gold and of silver are not added together), what was
	credited in each currency, and the day of the last one. Each slip was already rounded (fine weight
	down to the milligram, value to the rupee), so the sums are exact: the quantize only drops the
	noise a float column may add, it never rounds a slip again."""
	rows = [row for row in rows if row.exchanges]
	if not rows:
		return None
	fine: dict[str, Decimal] = {}
	credited: dict[str | None, Decimal] = {}
	for row in rows:
		fine[row.metal] = fine.get(row.metal, Decimal(0)) + decimal(row.fine_weight, "fine_weight")
		credited[row.currency] = credited.get(row.currency, Decimal(0)) + decimal(row.value, "value")
	order = {metal: index for index, metal in enumerate(METALS)}
	return {
		"exchanges": sum(row.exchanges for row in rows),
		"last_on": max(row.last_on for row in rows),
		"fine_weights": [
			{"metal": metal, "fine_weight": fine[metal].quantize(MILLIGRAM, rounding=ROUND_HALF_UP)}
			for metal in sorted(fine, key=lambda metal: (order.get(metal, len(order)), metal))
		],
		"values": [
			{"currency": currency, "value": credited[currency].quantize(RUPEE, rounding=ROUND_HALF_UP)}
			for currency in sorted(credited, key=lambda currency: currency or "")
		],
	}
