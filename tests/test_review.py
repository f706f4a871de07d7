"""The weekly review's row: ratios, reasons, stages, and nothing uncounted."""

from jewel_clienteling.domain import review


def test_conversion_is_the_share_of_closed_leads_won():
	assert review.conversion(1, 3) == 25.0
	assert review.conversion(0, 0) is None


def test_on_time_rate():
	assert review.on_time_rate(2, 3) == 66.7
	assert review.on_time_rate(0, 0) is None


def test_skip_reasons_most_frequent_first():
	assert review.skip_reasons([("Moved away", 1), ("No answer", 3), (None, 1)]) == (
		"No answer (3); Moved away (1); — (1)"
	)


def test_stage_columns():
	assert review.stage_key("Estimate Sent") == "stage_estimate_sent"
	assert review.stage_key("Follow-up Pending") == "stage_follow_up_pending"
	assert "Won" not in review.OPEN_STAGES and "New" in review.OPEN_STAGES


def test_one_row_per_person_found_anywhere_nobody_last():
	rows = review.rows(
		outreach={
			"b@x": {"due": 4, "on_time": 2, "overdue": 1, "skipped": 1, "revenue": 500.0},
			"": {"due": 1},
		},
		skipped_reasons={"b@x": [("No answer", 1)]},
		open_leads={"a@x": {"New": 2, "Visited": 1}},
		lead_ages={"a@x": 3.25},
		overdue_leads={"a@x": 1},
		closed_leads={"a@x": {"Won": 1, "Lost": 1}},
		new_leads={"a@x": 3},
		lead_revenue={"a@x": 1000.0},
		stores={"a@x": "Store A"},
	)
	assert [row["associate"] for row in rows] == ["a@x", "b@x", None]
	a, b, _nobody = rows
	assert (a["open_leads"], a["stage_new"], a["stage_visited"], a["average_lead_age"]) == (3, 2, 1, 3.2)
	assert (a["conversion"], a["lead_revenue"], a["store"], a["follow_ups_due"]) == (
		50.0,
		1000.0,
		"Store A",
		0,
	)
	assert (b["on_time_rate"], b["skip_reasons"], b["outreach_revenue"], b["open_leads"]) == (
		50.0,
		"No answer (1)",
		500.0,
		0,
	)
