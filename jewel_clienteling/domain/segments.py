"""Client segments: the criteria a manager may build a segment from, what each rule must say to make
sense, and the dates a rule about "this month" or "the last 90 days" means.

A segment is a list of rules, all of which a customer must match. A rule names a criterion (what
about her), an operator (how it compares), and as the criterion needs: a value, a qualifier (the
preference's dimension, the occasion's type, the item group), a number of days and a minimum
preference score. Nothing here touches the database: the Frappe layer turns parsed rules into one
query over Customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from jewel_clienteling.domain.occasions import OCCASION_TYPES
from jewel_clienteling.domain.preferences import DIMENSIONS
from jewel_clienteling.domain.profile import LIFECYCLE_STAGES

# --- operators ---------------------------------------------------------------------------------

IS = "is"
IS_NOT = "is not"
AT_LEAST = "at least"
AT_MOST = "at most"
EXACTLY = "exactly"
THIS_MONTH = "this month"
NEXT_MONTH = "next month"
WITHIN_DAYS = "within days"
STILL_TO_COME = "still to come"
ON_FILE = "on file"
IN_THE_LAST_DAYS = "in the last days"
EVER = "ever"
NEVER = "never"

OPERATORS = (
	IS,
	IS_NOT,
	AT_LEAST,
	AT_MOST,
	EXACTLY,
	THIS_MONTH,
	NEXT_MONTH,
	WITHIN_DAYS,
	STILL_TO_COME,
	ON_FILE,
	IN_THE_LAST_DAYS,
	EVER,
	NEVER,
)

# --- kinds of value ----------------------------------------------------------------------------

NONE = "none"  # the operator says it all
TEXT = "text"  # one or more names, separated by commas
CHOICE = "choice"  # one or more of the criterion's choices, separated by commas
AMOUNT = "amount"  # money, not negative
COUNT = "count"  # a whole number, not negative
YES_NO = "yes/no"

YES = "Yes"
NO = "No"
_YES = {"yes", "y", "1", "true"}
_NO = {"no", "n", "0", "false"}

# a hundred years: far enough back for any customer, near enough to stay a valid date
MAX_DAYS = 36500

# --- criteria ----------------------------------------------------------------------------------

LIFECYCLE_STAGE = "Lifecycle stage"
LOYALTY_TIER = "Loyalty tier"
LIFETIME_VALUE = "Lifetime value"
PURCHASES = "Purchases"
DAYS_SINCE_LAST_PURCHASE = "Days since last purchase"
SPENT = "Spent in the last days"
BOUGHT_FROM = "Bought from item group"
PREFERENCE = "Preference"
OCCASION = "Occasion"
WHATSAPP_OPT_IN = "WhatsApp opt-in"
SMS_OPT_IN = "SMS opt-in"
EMAIL_OPT_IN = "Email opt-in"
DO_NOT_CONTACT = "Do not contact"
HOME_STORE = "Home store"
CUSTOMER_GROUP = "Customer group"
# exchanged old gold before, or bought gold GOLD_AGE_YEARS or more years ago (domain/old_gold.py)
OLD_GOLD = "Old gold to exchange"

# what the qualifier names
QUALIFIER_DIMENSION = "dimension"
QUALIFIER_OCCASION_TYPES = "occasion types"
QUALIFIER_ITEM_GROUP = "item group"


@dataclass(frozen=True)
class Criterion:
	name: str
	operators: tuple[str, ...]
	value: str = NONE
	choices: tuple[str, ...] = ()
	qualifier: str = ""  # "" when the criterion takes none
	qualifier_required: bool = False
	qualifier_choices: tuple[str, ...] = ()
	days_with: tuple[str, ...] = ()  # the operators that need a number of days
	min_score: bool = False
	description: str = ""


CRITERIA: dict[str, Criterion] = {
	c.name: c
	for c in (
		Criterion(
			LIFECYCLE_STAGE,
			(IS, IS_NOT),
			CHOICE,
			LIFECYCLE_STAGES,
			description="New, Active, Repeat, Loyal, At risk or Lapsed; several separated by commas",
		),
		Criterion(LOYALTY_TIER, (IS, IS_NOT), TEXT, description="A tier's name; several separated by commas"),
		Criterion(
			LIFETIME_VALUE, (AT_LEAST, AT_MOST), AMOUNT, description="What the customer has spent and kept"
		),
		Criterion(PURCHASES, (EXACTLY, AT_LEAST, AT_MOST), COUNT, description="Purchases the customer kept"),
		Criterion(
			DAYS_SINCE_LAST_PURCHASE,
			(AT_LEAST, AT_MOST),
			COUNT,
			description="Customers who never bought anything do not match",
		),
		Criterion(
			SPENT,
			(AT_LEAST, AT_MOST),
			AMOUNT,
			days_with=(AT_LEAST, AT_MOST),
			description="Net of returns, over the last Days days",
		),
		Criterion(
			BOUGHT_FROM,
			(IN_THE_LAST_DAYS, EVER, NEVER),
			qualifier=QUALIFIER_ITEM_GROUP,
			qualifier_required=True,
			days_with=(IN_THE_LAST_DAYS,),
			description="An item group (its subgroups count too), e.g. Rings or Gold Coins",
		),
		Criterion(
			PREFERENCE,
			(IS, IS_NOT),
			TEXT,
			qualifier=QUALIFIER_DIMENSION,
			qualifier_required=True,
			qualifier_choices=DIMENSIONS,
			min_score=True,
			description="Of: Metal, Stone, Category…; value e.g. Diamond. Stated or learnt from purchases",
		),
		Criterion(
			OCCASION,
			(THIS_MONTH, NEXT_MONTH, WITHIN_DAYS, STILL_TO_COME, ON_FILE),
			qualifier=QUALIFIER_OCCASION_TYPES,
			qualifier_choices=OCCASION_TYPES,
			days_with=(WITHIN_DAYS,),
			description=(
				"Of: Birthday, Anniversary, Wedding…, several separated by commas, any when empty. "
				"Still to come: a dated event that has not happened yet"
			),
		),
		Criterion(WHATSAPP_OPT_IN, (IS,), YES_NO),
		Criterion(SMS_OPT_IN, (IS,), YES_NO),
		Criterion(EMAIL_OPT_IN, (IS,), YES_NO),
		Criterion(DO_NOT_CONTACT, (IS,), YES_NO),
		Criterion(
			HOME_STORE,
			(IS, IS_NOT),
			TEXT,
			description="The counter (POS Profile) the customer first bought at",
		),
		Criterion(CUSTOMER_GROUP, (IS, IS_NOT), TEXT, description="Its subgroups count too"),
		Criterion(
			OLD_GOLD,
			(IS,),
			YES_NO,
			description="Yes: exchanged old gold before, or bought gold five or more years ago",
		),
	)
}


# --- a rule, parsed ----------------------------------------------------------------------------


class InvalidRule(ValueError):
	"""A rule that does not make sense. `code` says why; `details` fill the message."""

	def __init__(self, code: str, **details):
		super().__init__(code)
		self.code = code
		self.details = details


@dataclass(frozen=True)
class Rule:
	criterion: str
	operator: str
	names: tuple[str, ...] = ()  # CHOICE / TEXT values
	number: Decimal | None = None  # AMOUNT / COUNT
	flag: bool | None = None  # YES_NO
	qualifiers: tuple[str, ...] = ()
	days: int | None = None
	min_score: float | None = None


def split_names(text: str | None) -> tuple[str, ...]:
	"""'Gold, Platinum ,,' -> ('Gold', 'Platinum'): trimmed, blanks and repeats dropped."""
	seen: dict[str, None] = {}
	for part in (text or "").split(","):
		name = " ".join(part.split())
		if name and name.casefold() not in {s.casefold() for s in seen}:
			seen[name] = None
	return tuple(seen)


def _choose(names: tuple[str, ...], choices: tuple[str, ...], code: str, criterion: str) -> tuple[str, ...]:
	"""Each name as the choice it means, whatever its case; an unknown one is refused."""
	by_fold = {choice.casefold(): choice for choice in choices}
	chosen = []
	for name in names:
		if name.casefold() not in by_fold:
			raise InvalidRule(code, criterion=criterion, given=name, allowed=choices)
		chosen.append(by_fold[name.casefold()])
	return tuple(dict.fromkeys(chosen))


def parse_number(text: str | None, whole: bool, criterion: str) -> Decimal:
	raw = (text or "").strip().replace(",", "")
	if not raw:
		raise InvalidRule("value_missing", criterion=criterion)
	try:
		number = Decimal(raw)
	except InvalidOperation:
		raise InvalidRule("value_not_number", criterion=criterion, given=text) from None
	if not number.is_finite():
		raise InvalidRule("value_not_number", criterion=criterion, given=text)
	if number < 0:
		raise InvalidRule("value_negative", criterion=criterion, given=text)
	if whole and number != number.to_integral_value():
		raise InvalidRule("value_not_whole", criterion=criterion, given=text)
	return number


def parse_yes_no(text: str | None, criterion: str) -> bool:
	folded = (text or "").strip().casefold()
	if folded in _YES:
		return True
	if folded in _NO:
		return False
	raise InvalidRule("value_not_yes_no", criterion=criterion, given=text)


def parse_rule(
	criterion: str | None,
	operator: str | None,
	value: str | None = None,
	qualifier: str | None = None,
	days: int | str | None = None,
	min_score: float | str | None = None,
) -> Rule:
	"""The rule a manager wrote, checked and parsed; InvalidRule says what is wrong with it."""
	spec = CRITERIA.get((criterion or "").strip())
	if spec is None:
		raise InvalidRule("unknown_criterion", given=criterion, allowed=tuple(CRITERIA))
	operator = (operator or "").strip()
	if operator not in spec.operators:
		raise InvalidRule("operator_not_allowed", criterion=spec.name, given=operator, allowed=spec.operators)

	names: tuple[str, ...] = ()
	number = None
	flag = None
	if spec.value in (TEXT, CHOICE):
		names = split_names(value)
		if not names:
			raise InvalidRule("value_missing", criterion=spec.name)
		if spec.value == CHOICE:
			names = _choose(names, spec.choices, "value_not_choice", spec.name)
	elif spec.value in (AMOUNT, COUNT):
		number = parse_number(value, spec.value == COUNT, spec.name)
	elif spec.value == YES_NO:
		flag = parse_yes_no(value, spec.name)

	qualifiers: tuple[str, ...] = ()
	if spec.qualifier:
		qualifiers = split_names(qualifier)
		if spec.qualifier_required and not qualifiers:
			raise InvalidRule("qualifier_missing", criterion=spec.name, qualifier=spec.qualifier)
		if spec.qualifier == QUALIFIER_DIMENSION and len(qualifiers) > 1:
			raise InvalidRule("qualifier_one", criterion=spec.name, qualifier=spec.qualifier)
		if spec.qualifier_choices:
			qualifiers = _choose(qualifiers, spec.qualifier_choices, "qualifier_not_choice", spec.name)

	parsed_days = None
	if operator in spec.days_with:
		parsed_days = parse_days(days, spec.name)

	score = None
	if spec.min_score and min_score not in (None, "", 0, 0.0, "0"):
		score = parse_min_score(min_score, spec.name)

	return Rule(spec.name, operator, names, number, flag, qualifiers, parsed_days, score)


def parse_days(days: int | str | None, criterion: str) -> int:
	raw = str(days if days is not None else "").strip()
	if not raw or raw == "0":
		raise InvalidRule("days_missing", criterion=criterion)
	try:
		number = int(raw)
	except ValueError:
		raise InvalidRule("days_not_whole", criterion=criterion, given=days) from None
	if number < 1:
		raise InvalidRule("days_not_whole", criterion=criterion, given=days)
	if number > MAX_DAYS:
		raise InvalidRule("days_too_many", criterion=criterion, given=days, most=MAX_DAYS)
	return number


def parse_min_score(min_score: float | str, criterion: str) -> float:
	try:
		score = float(min_score)
	except (TypeError, ValueError):
		raise InvalidRule("min_score_invalid", criterion=criterion, given=min_score) from None
	if not 0 <= score < float("inf"):
		raise InvalidRule("min_score_invalid", criterion=criterion, given=min_score)
	return score


# --- dates -------------------------------------------------------------------------------------


def month_after(today: date, months: int = 0) -> tuple[int, int]:
	"""(year, month) `months` after today's month."""
	index = today.year * 12 + today.month - 1 + months
	return index // 12, index % 12 + 1


def days_before(today: date, days: int) -> date:
	return today - timedelta(days=days)


def days_after(today: date, days: int) -> date:
	return today + timedelta(days=days)


def months_later_in_year(month: int) -> tuple[int, ...]:
	"""The months after `month` in the same year: 10 -> (11, 12)."""
	return tuple(range(month + 1, 13))


def still_to_come(today: date, year: int | None, month: int, day: int) -> bool:
	"""Whether a dated event (a wedding with its year) falls today or later. Without a year it is a
	yearly celebration, never "still to come". The query asks the same of every occasion."""
	if not year:
		return False
	return (year, month, day) >= (today.year, today.month, today.day)
