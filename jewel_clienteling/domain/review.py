"""The manager's weekly review, one row per associate: the follow-ups she owed and how she kept them,
her leads by stage and age, how many she won, and what her outreach and her leads brought in.
Pure: the counts come in as plain dicts (services/review.py), the row and its ratios go out."""

from jewel_clienteling.domain.leads import CLOSED_STAGES, STAGE_LOST, STAGE_WON, STAGES

OPEN_STAGES = tuple(stage for stage in STAGES if stage not in CLOSED_STAGES)
NOBODY = ""  # outreach or leads with no one assigned: their own row, so nothing goes uncounted


def stage_key(stage: str) -> str:
	"""The column of a stage: 'Estimate Sent' is 'stage_estimate_sent'."""
	return "stage_" + stage.lower().replace("-", "_").replace(" ", "_")


def conversion(won: int, lost: int) -> float | None:
	"""Of the leads closed in the period, the share won (percent); None when none closed."""
	closed = (won or 0) + (lost or 0)
	return round(100.0 * (won or 0) / closed, 1) if closed else None


def on_time_rate(done_on_time: int, due: int) -> float | None:
	return round(100.0 * (done_on_time or 0) / due, 1) if due else None


def skip_reasons(counted: list[tuple[str, int]]) -> str:
	"""'No answer (3); Moved away (1)': the reasons given, most frequent first."""
	ordered = sorted(((reason or "—", n) for reason, n in counted), key=lambda pair: (-pair[1], pair[0]))
	return "; ".join(f"{reason} ({n})" for reason, n in ordered)


def rows(
	outreach: dict[str, dict],
	skipped_reasons: dict[str, list[tuple[str, int]]],
	open_leads: dict[str, dict[str, int]],
	lead_ages: dict[str, float],
	overdue_leads: dict[str, int],
	closed_leads: dict[str, dict[str, int]],
	new_leads: dict[str, int],
	lead_revenue: dict[str, float],
	stores: dict[str, str],
) -> list[dict]:
	"""One row per associate found in any of the counts, in name order (nobody's last)."""
	people = set(outreach) | set(open_leads) | set(closed_leads) | set(new_leads) | set(lead_revenue)
	found = []
	for person in sorted(people, key=lambda name: (name == NOBODY, name)):
		counts = outreach.get(person, {})
		closed = closed_leads.get(person, {})
		won, lost = closed.get(STAGE_WON, 0), closed.get(STAGE_LOST, 0)
		row = {
			"associate": person or None,
			"store": stores.get(person, ""),
			"follow_ups_due": counts.get("due", 0),
			"done_on_time": counts.get("on_time", 0),
			"on_time_rate": on_time_rate(counts.get("on_time", 0), counts.get("due", 0)),
			"overdue": counts.get("overdue", 0),
			"skipped": counts.get("skipped", 0),
			"skip_reasons": skip_reasons(skipped_reasons.get(person, [])),
			"new_leads": new_leads.get(person, 0),
			"open_leads": sum(open_leads.get(person, {}).values()),
			"average_lead_age": round(lead_ages[person], 1) if person in lead_ages else None,
			"leads_overdue": overdue_leads.get(person, 0),
			"won": won,
			"lost": lost,
			"conversion": conversion(won, lost),
			"outreach_revenue": counts.get("revenue", 0.0),
			"lead_revenue": lead_revenue.get(person, 0.0),
		}
		for stage in OPEN_STAGES:
			row[stage_key(stage)] = open_leads.get(person, {}).get(stage, 0)
		found.append(row)
	return found
