"""An enquiry before the sale: where it came from, how far it has gone and what she is looking for.
Pure rules and names, shared by the Lead fields, the inbox, the pipeline and the weekly review."""

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
