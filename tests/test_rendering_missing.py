"""A variable printed with no value is a word the customer would find missing: the sandbox names it,
and such a draft never goes out by itself (domain/templates.must_wait)."""

from jewel_clienteling.domain import rendering
from jewel_clienteling.domain.templates import must_wait

POINTS = "Dear {{ first_name }}, your {{ points }} points lapse on {{ expiry_date }}. Visit us soon."


def draft(source, context):
	return rendering.render_draft(rendering.compile_template(source), context)


def test_a_variable_printed_without_a_value_is_named():
	message, missing = draft(POINTS, {"first_name": "Asha", "points": 120})
	assert message == "Dear Asha, your 120 points lapse on . Visit us soon."
	assert missing == ["expiry_date"]
	assert must_wait(missing, message)


def test_none_and_blank_are_missing_but_zero_is_a_value():
	message, missing = draft(POINTS, {"first_name": "  ", "points": 0, "expiry_date": None})
	assert missing == ["first_name", "expiry_date"]
	assert "your 0 points" in message


def test_a_variable_only_tested_is_not_missing():
	source = "Dear {{ first_name }},{% if associate_name %} {{ associate_name }} here.{% endif %} Hello."
	message, missing = draft(source, {"first_name": "Asha", "associate_name": ""})
	assert (message, missing) == ("Dear Asha, Hello.", [])
	assert not must_wait(missing, message)


def test_default_fills_a_missing_variable_without_a_gap():
	message, missing = draft("Hello {{ first_name|default('there') }}.", {})
	assert (message, missing) == ("Hello there.", [])


def test_a_filtered_missing_variable_is_still_missing():
	message, missing = draft("New {{ preferred_category|lower }} pieces are in.", {"preferred_category": ""})
	assert missing == ["preferred_category"]
	assert must_wait(missing, message)


def test_a_complete_message_goes_out_and_an_empty_one_is_for_the_associate_anyway():
	message, missing = draft(POINTS, {"first_name": "Asha", "points": 120, "expiry_date": "31 Dec"})
	assert not must_wait(missing, message)
	assert not must_wait([], "")  # no draft: nothing to hold


def test_a_seam_without_a_missing_name_still_waits():
	assert must_wait([], "Thank you for visiting., Kanak Jewellers")


def test_render_keeps_its_old_shape():
	template = rendering.compile_template(POINTS)
	assert rendering.render(template, {"first_name": "Asha", "points": 1, "expiry_date": "1 Jan"}) == (
		"Dear Asha, your 1 points lapse on 1 Jan. Visit us soon."
	)
