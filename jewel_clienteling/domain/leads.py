"""An enquiry before the sale: where it came from, how far it has gone and what she is looking for.
Pure rules and names, shared by the Lead fields, the inbox, the pipeline and the weekly review."""

from datetime import date
from decimal import Decimal

from jewel_clienteling.domain import segments as seg

# How far an enquiry has gone, in order. A lead is open until it is Won or Lost.
STAGE_NEW = "New"
STAGE_CONTACTED = "Contacted"
STAGE_VISITED = "Visited"
STAGE_ESTIMATE_SENT = "Estimate Sent"
STAGE_FOLLOW_UP = "Follow-up Pending"
STAGE_WON = "Won"
STAGE_LOST = "Lost"
STAGES = (
	STAGE_NEW,
	STAGE_CONTACTED,
	STAGE_VISITED,
	STAGE_ESTIMATE_SENT,
	STAGE_FOLLOW_UP,
	STAGE_WON,
	STAGE_LOST,
)
CLOSED_STAGES = frozenset({STAGE_WON, STAGE_LOST})

# Where an enquiry came from: ERPNext's own Lead Source records, made on install when missing
# ("Walk In" and "Campaign" ship with ERPNext).
SOURCES = ("Walk In", "WhatsApp", "Phone", "Instagram", "Website Form", "Referral", "Event", "Campaign")

# What she means to spend, as a jeweller asks it (rupees)
BUDGET_BANDS = (
	"Under 50,000",
	"50,000 - 1 lakh",
	"1 - 2 lakh",
	"2 - 5 lakh",
	"5 - 10 lakh",
	"Over 10 lakh",
)


def is_open(stage: str | None) -> bool:
	"""True while the enquiry can still become a sale."""
	return (stage or STAGE_NEW) not in CLOSED_STAGES


# How a lead may be marked Won: by her purchase (a sale, or a Customer made from the lead), or by
# someone saying so explicitly (the form's Mark Won). Choosing Won in the stage field does neither.
WON_BY_SALE = "sale"
WON_EXPLICITLY = "explicit"
WON_BY = frozenset({WON_BY_SALE, WON_EXPLICITLY})


class LeadError(ValueError):
	"""A change of a lead the rules refuse; `reason` is a code the Frappe layer puts into words."""

	def __init__(self, reason: str):
		super().__init__(reason)
		self.reason = reason


def check_stage(
	before: str | None, after: str | None, lost_reason: str | None = None, won_by: str | None = None
) -> str:
	"""The stage a lead may move to from `before`, or LeadError. Open stages move freely among
	themselves (a visit may come before a call); Lost needs a reason; Won only by a sale or explicitly,
	and it is final; a lost lead may be opened again."""
	after = after or STAGE_NEW
	before = before or None
	if after not in STAGES:
		raise LeadError("unknown_stage")
	if after == before:
		return after
	if before == STAGE_WON:
		raise LeadError("won_is_final")
	if after == STAGE_LOST and not (lost_reason or "").strip():
		raise LeadError("lost_needs_reason")
	if after == STAGE_WON and won_by not in WON_BY:
		raise LeadError("won_needs_sale")
	return after


def check_next_step(stage: str | None, action: str | None, on: date | None) -> tuple[str | None, date | None]:
	"""The next step kept for a lead at this stage: a closed lead has none (nothing is due about it);
	an open lead's step needs its date."""
	if not is_open(stage):
		return None, None
	action = (action or "").strip() or None
	if action and not on:
		raise LeadError("next_step_needs_date")
	return action, on


# an estimate sent is followed up this many days later, unless a next step is already set
ESTIMATE_FOLLOW_UP_DAYS = 3
_BEFORE_ESTIMATE = frozenset({STAGE_NEW, STAGE_CONTACTED, STAGE_VISITED})


def stage_after_estimate(stage: str | None) -> str | None:
	"""The stage an estimate sent moves a lead to: Estimate Sent from an earlier open stage; None
	(unchanged) when it is already further along or closed."""
	return STAGE_ESTIMATE_SENT if (stage or STAGE_NEW) in _BEFORE_ESTIMATE else None


def age_days(created: date, today: date) -> int:
	"""Days since the enquiry came in."""
	return max(0, (today - created).days)


def is_due(stage: str | None, next_on: date | None, today: date) -> bool:
	"""Its next step falls today or has passed, and it is still open."""
	return is_open(stage) and next_on is not None and next_on <= today


def is_overdue(stage: str | None, next_on: date | None, today: date) -> bool:
	"""Its next step's day has passed without the step being moved or done."""
	return is_open(stage) and next_on is not None and next_on < today


def budget_band(amount: Decimal | float | int | None) -> str | None:
	"""The band of BUDGET_BANDS an amount in rupees falls in; None when no amount was given."""
	if not amount or amount <= 0:
		return None
	for limit, band in zip(_BAND_LIMITS, BUDGET_BANDS, strict=False):
		if amount < limit:
			return band
	return BUDGET_BANDS[-1]


_BAND_LIMITS = (50_000, 100_000, 200_000, 500_000, 1_000_000)


# --- leads in segments and campaigns -------------------------------------------------------------

# What a segment's rule can ask of a lead, and the Lead field that answers: (criterion, dimension of a
# preference rule or "") -> field. A segment holds a lead when every one of its rules is in here and
# the lead answers yes; a rule about purchases, points or occasions asks what a lead does not have.
LEAD_ANSWERS = {
	(seg.WHATSAPP_OPT_IN, ""): "jc_whatsapp_opt_in",
	(seg.DO_NOT_CONTACT, ""): "unsubscribed",
	(seg.HOME_STORE, ""): "jc_store",
	(seg.PREFERENCE, "Category"): "jc_category",
	(seg.PREFERENCE, "Budget Band"): "jc_budget_band",
}


def lead_field(criterion: str, qualifiers: tuple[str, ...] = ()) -> str | None:
	"""The Lead field that answers a segment rule, or None when a lead cannot answer it. A preference
	rule is answered when it is about one dimension a lead records (Category, Budget Band)."""
	if criterion == seg.PREFERENCE:
		if len(qualifiers) != 1:
			return None
		return LEAD_ANSWERS.get((criterion, qualifiers[0]))
	return LEAD_ANSWERS.get((criterion, ""))


def may_message(opted_in: bool, unsubscribed: bool) -> bool:
	"""A lead is written to only with consent she gave and recorded; none recorded is no consent."""
	return bool(opted_in) and not unsubscribed
