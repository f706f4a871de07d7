"""A manager writes a general message per reason and special ones where they matter; the most
specific template that fits is used, and one written for another step or occasion never is."""

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.templates import TemplateChoice, has_seams, pick_template, seams

GENERAL = TemplateChoice("Thank you", "Post-purchase")
CARE = TemplateChoice("Care advice", "Post-purchase", step="Care")
BIRTHDAY = TemplateChoice("Birthday wishes", "Occasion", occasion_type="Birthday")
OCCASION = TemplateChoice("Occasion wishes", "Occasion")
ANNIVERSARY_DAY = TemplateChoice(
	"Anniversary day", "Occasion", step="On the day", occasion_type="Anniversary"
)
ALL = [GENERAL, CARE, BIRTHDAY, OCCASION, ANNIVERSARY_DAY]


def test_a_step_template_beats_the_general_one():
	assert pick_template(ALL, "Post-purchase", "Care") == "Care advice"
	assert pick_template(ALL, "Post-purchase", "check-in") == "Thank you"


def test_an_occasion_template_is_used_only_for_its_occasion():
	assert pick_template(ALL, "Occasion", "7 days ahead", "Birthday") == "Birthday wishes"
	assert pick_template(ALL, "Occasion", "7 days ahead", "Wedding") == "Occasion wishes"


def test_step_and_occasion_together_are_the_most_specific():
	assert pick_template(ALL, "Occasion", "On the day", "Anniversary") == "Anniversary day"
	assert pick_template(ALL, "Occasion", "42 days ahead", "Anniversary") == "Occasion wishes"


def test_no_template_for_a_reason_nobody_wrote_for():
	assert pick_template(ALL, "Lapsed") is None
	assert pick_template([CARE], "Post-purchase", "Check-in") is None


templates = st.lists(
	st.builds(
		TemplateChoice,
		name=st.text(alphabet="abcde", min_size=1, max_size=3),
		reason=st.sampled_from(["Occasion", "Lapsed"]),
		step=st.sampled_from(["", "Care", "On the day"]),
		occasion_type=st.sampled_from(["", "Birthday", "Anniversary"]),
	),
	max_size=8,
)


@given(
	templates,
	st.sampled_from(["Occasion", "Lapsed"]),
	st.sampled_from(["", "Care", "On the day"]),
	st.sampled_from(["", "Birthday"]),
)
def test_the_choice_fits_and_none_fits_better(choices, reason, step, occasion_type):
	picked = pick_template(choices, reason, step, occasion_type)

	def fits(t):
		return (
			t.reason == reason
			and t.step in ("", step)
			and (not t.step or step)
			and t.occasion_type in ("", occasion_type)
			and (not t.occasion_type or occasion_type)
		)

	fitting = [t for t in choices if fits(t)]
	if not fitting:
		assert picked is None
		return
	chosen = [t for t in fitting if t.name == picked]
	assert chosen, "the pick must be one of the templates that fit"

	def specificity(t):
		return (bool(t.step), bool(t.occasion_type))

	assert max(specificity(t) for t in chosen) == max(specificity(t) for t in fitting)
	assert pick_template(list(reversed(choices)), reason, step, occasion_type) == picked


def test_the_sign_off_seam_of_a_message_drafted_without_an_associate_is_found():
	from jewel_clienteling.domain.templates import seams

	assert seams("Dear Meera, bring it in any time., Kanak Jewellers") == [
		"punctuation after a sentence's end"
	]
	assert seams("Dear Meera, bring it in any time. — Kanak Jewellers") == []
	assert seams("Dear Meera, bring it in any time. — Priya, Kanak Jewellers") == []


def test_each_seam_is_named():
	from jewel_clienteling.domain.templates import seams

	cases = {
		"Dear , your piece is ready. — Priya": "an empty name",
		"Dear Meera, 's birthday is on 5 December. — Priya": "an empty name",
		"Dear Meera, your piece is ready. —": "an empty name",
		"Dear Meera, your's is ready. — Priya": "a possessive your",
		"Dear Meera,  your piece is ready.": "two spaces",
		"Dear Meera , your piece is ready.": "space before punctuation",
		" Dear Meera, your piece is ready.": "space at the start or end",
		"Dear Meera, your piece is ready.\n": "space at the start or end",
		"Dear Meera, your piece is ready. shall I keep it?": "a sentence starting in lower case",
		"Dear Meera, your None is ready.": "a missing value",
		"Dear Meera, your points expire on {{ expiry_date }}.": "template code",
		"Dear Meera, your the piece is ready.": None,
		"Dear Meera, your your piece is ready.": "a word twice",
		"Dear Meera, it is ready!. Come in.": "punctuation after a sentence's end",
		"Dear Meera, it is ready,. Come in.": "punctuation after a comma",
		"Dear Meera, it is ready... whenever you like.": "a sentence starting in lower case",
		"Dear Meera, it is ready (or nearly)? Come in: any time.": None,
		"Dear Meera, (25 years!) is a lot. — Priya, Kanak Jewellers": None,
		"Dear Meera, () is empty.": "an empty name",
	}
	for message, expected in cases.items():
		if expected is None:
			assert seams(message) == [], message
		else:
			assert expected in seams(message), message


TOKENS = [*"ab Aa.,;:!?'()—{}%\n\t", "Dear", "your's", "'s", " None", "null", "the the", "{{", "%}", "  "]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))
def test_has_seams_answers_as_the_list_of_seams_does(message):
	assert has_seams(message) == bool(seams(message))
