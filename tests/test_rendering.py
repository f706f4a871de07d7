"""A manager's message renders words about one customer, never code: every escape a template could
try is refused when it is checked, and the environment itself makes the same escapes harmless for a
template that was never checked."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError, TemplateError

from jewel_clienteling.domain import rendering as text
from jewel_clienteling.domain.default_templates import TEMPLATES

CONTEXT = {
	"first_name": "Asha",
	"customer_name": "Asha Rao",
	"associate_name": "Meera",
	"store_name": "Rao Jewellers",
	"preferred_category": "Rings",
	"occasion_type": "Anniversary",
	"person_name": "Vikram",
	"relation": "Spouse",
	"occasion_date": "12 March",
	"days_ahead": 7,
	"years": 25,
	"items": ["Polki ring", "Gold bangle"],
	"care_topic": "polki",
	"festival": "Diwali",
	"festival_date": "8 November",
	"points": 120,
	"expiry_date": "01-01-2027",
	"piece": "Gold chain",
	"pieces": ["Gold chain", "Temple necklace"],
	"referred_name": "Kavya",
	"reason_not_bought": "Price",
	"budget": "1,50,000",
	"campaign": "Dhanteras preview",
}

ESCAPES = {
	# what a template tries: the rule that refuses it
	"{{ frappe.get_doc({'doctype': 'Has Role'}).insert() }}": "call",
	"{{ frappe.db.set_value('User', 'x', 'enabled', 1) }}": "call",
	"{{ frappe }}": "unknown_name",
	"{{ frappe.session.user }}": "unknown_name",
	"{{ ''.__class__.__mro__[1].__subclasses__() }}": "call",
	"{{ ''.__class__.__mro__ }}": "private",
	"{{ first_name.__class__ }}": "private",
	"{{ items['__class__'] }}": "private",
	"{{ items[first_name] }}": "subscript",
	"{{ first_name|attr('__class__') }}": "filter",
	"{{ first_name|format(1) }}": "filter",
	"{{ self }}": "unknown_name",
	"{{ self._TemplateReference__context }}": "private",
	"{{ cycler('a') }}": "call",
	"{{ joiner }}": "unknown_name",
	"{{ namespace }}": "unknown_name",
	"{{ lipsum }}": "unknown_name",
	"{{ range }}": "unknown_name",
	"{{ _ }}": "private",
	"{{ first_name.upper() }}": "call",
	"{{ items.append }}": "attribute",
	"{% set x = first_name %}": "tag",
	"{% with x = 1 %}{% endwith %}": "tag",
	"{% macro m() %}{% endmacro %}": "tag",
	"{% include 'x.html' %}": "tag",
	"{% import 'x.html' as x %}": "tag",
	"{% extends 'x.html' %}": "tag",
	"{% for p in pieces %}{% for q in items %}{% endfor %}{% endfor %}": "loop_nested",
	"{% for c in 'a very long text' %}{% endfor %}": "loop_source",
	"{% for p in pieces recursive %}{% endfor %}": "tag",
	"{% for p in pieces %}{{ loop.cycle('a', 'b') }}{% endfor %}": "call",
	"{% for p in pieces %}{{ loop.__class__ }}{% endfor %}": "private",
	"{{ loop.index }}": "unknown_name",
	"{{ 9 ** 9 ** 9 }}": "operator",
	"{{ {'a': 1} }}": "tag",
	"{{ first_name ": "syntax",
	"{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}": "too_long",
}


@pytest.mark.parametrize("template", [t["template_name"] for t in TEMPLATES])
def test_every_default_template_passes_the_check_and_renders_words(template):
	source = next(t["message"] for t in TEMPLATES if t["template_name"] == template)
	text.check(source)
	words = text.render_text(source, CONTEXT)
	assert words.startswith("Dear Asha"), words
	assert "{" not in words and "None" not in words


def test_the_default_templates_read_as_before():
	occasion = next(t["message"] for t in TEMPLATES if t["template_name"] == "Occasion reminder")
	assert text.render_text(occasion, CONTEXT) == (
		"Dear Asha, Vikram's anniversary (25 years!) is on 12 March. We would love to help make it "
		"special: shall I keep a few pieces aside for you to see? — Meera, Rao Jewellers"
	)
	on_the_day = text.render_text(occasion, {**CONTEXT, "days_ahead": 0, "person_name": ""})
	assert on_the_day.startswith("Dear Asha, warm wishes on your anniversary today: 25 wonderful years!")


def test_a_missing_or_empty_variable_says_nothing_rather_than_none():
	assert text.render_text("Dear {{ first_name }}{{ person_name }}", {"person_name": None}) == "Dear"


@pytest.mark.parametrize(("source", "code"), ESCAPES.items())
def test_each_escape_is_refused_when_checked_and_never_renders(source, code):
	with pytest.raises(text.TemplateRefused) as refused:
		text.check(source)
	assert refused.value.code == code
	assert refused.value.line == 1
	with pytest.raises(text.RenderFailed):
		text.render_text(source, CONTEXT)


def test_a_refusal_names_the_line_it_is_on():
	with pytest.raises(text.TemplateRefused) as refused:
		text.check("Dear {{ first_name }},\n\n{{ first_name.__class__ }}")
	assert (refused.value.code, refused.value.line, refused.value.details) == (
		"private",
		3,
		{"name": "__class__"},
	)


def test_what_a_message_may_do():
	source = (
		"{% for p in pieces[:2] if p %}{{ loop.index }}. {{ p | title }}"
		"{% if not loop.last %}, {% endif %}{% else %}nothing{% endfor %}"
		" {{ items[0] if items else 'piece' }} {{ items[-1] }} {{ points * 2 }}"
		" {{ (person_name or 'you') ~ '!' }} {{ first_name * 2 }} {{ years is number }}"
		" {{ occasion_type in ('Birthday', 'Anniversary') }} {{ pieces | join(', ') }}"
		" {% filter upper %}{{ store_name }}{% endfilter %} {{ relation | default('-') | lower }}"
	)
	text.check(source)
	assert text.render_text(source, CONTEXT) == (
		"1. Gold Chain, 2. Temple Necklace Polki ring Gold bangle 240 Vikram! AshaAsha True True "
		"Gold chain, Temple necklace RAO JEWELLERS spouse"
	)


def test_only_the_messages_own_variables_are_handed_over():
	template = text.environment().from_string("[{{ secret }}][{{ first_name }}]")  # never checked
	assert text.render(template, {"secret": "token", "first_name": "Asha"}) == "[][Asha]"


# --- the environment alone, for a template that skipped the check ----------------------------------


@pytest.mark.parametrize(
	"source",
	[
		"{{ ''.__class__ }}",
		"{{ ''.__class__.__mro__[1].__subclasses__() }}",
		"{{ first_name.upper() }}",
		"{{ items.append('x') }}",
		"{{ range(10) }}",
		"{{ lipsum() }}",
		"{{ cycler('a').next() }}",
		"{{ '{0.__class__}'.format(first_name) }}",
		"{{ 'x' * 100000 }}",
		"{{ items * 100000 }}",
		"{{ 2 ** 100000 }}",
		"{{ '%0999999d' % 1 }}",
		"{{ first_name|attr('upper') }}",
		"{% include 'x.html' %}",
		"{% import 'x.html' as x %}",
	],
)
def test_the_sandbox_itself_refuses_calls_dunders_and_huge_output(source):
	with pytest.raises((SecurityError, TemplateError, TypeError)):
		text.environment().from_string(source).render(CONTEXT)


@pytest.mark.parametrize(
	"name", ["frappe", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "self"]
)
def test_the_sandbox_holds_no_globals(name):
	assert name not in text.environment().globals
	rendered = text.environment().from_string("{{ " + name + " is defined }}").render()
	assert rendered == ("True" if name == "self" else "False")  # `self` is Jinja's own: refused on check


def test_the_sandbox_keeps_only_harmless_filters():
	assert set(text.environment().filters) == text.FILTERS
	assert not {"attr", "format", "map", "center", "indent", "wordwrap", "xmlattr", "tojson"} & text.FILTERS


# --- WhatsApp template parameters ---------------------------------------------------------------


def test_a_parameter_is_a_variable_or_words_about_them():
	assert text.parameter_text("first_name", CONTEXT) == "Asha"
	assert text.parameter_text(" occasion_type ", CONTEXT) == "Anniversary"
	assert text.parameter_text("person_name", {}) == ""
	assert text.parameter_text("{{ occasion_type | lower }} wishes", CONTEXT) == "anniversary wishes"
	text.check_parameter("first_name")
	text.check_parameter("{{ points }} points")


@pytest.mark.parametrize(
	("source", "code"),
	[
		("favourite_piece", "unknown_name"),
		("frappe", "unknown_name"),
		("__class__", "unknown_name"),
		("{{ frappe.db.get_value('User', 'Administrator', 'api_key') }}", "call"),
		("{{ first_name.__class__ }}", "private"),
	],
)
def test_a_parameter_naming_anything_else_is_refused_and_never_read(source, code):
	with pytest.raises(text.TemplateRefused) as refused:
		text.check_parameter(source)
	assert refused.value.code == code
	with pytest.raises(text.RenderFailed):
		text.parameter_text(source, {**CONTEXT, "favourite_piece": "x", "frappe": "x", "__class__": "x"})


@given(st.text(max_size=200))
def test_any_text_is_either_refused_or_renders_to_a_string(source):
	try:
		template = text.compile_template(source)
	except text.TemplateRefused:
		return
	try:
		assert isinstance(text.render(template, CONTEXT), str)
	except text.RenderFailed:
		pass
