"""A manager writes a general message per reason and special ones where they matter; the most
specific template that fits is used, and one written for another step or occasion never is."""

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.templates import TemplateChoice, pick_template

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
