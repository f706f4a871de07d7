"""Message text a manager wrote, turned into words for one customer, and nothing else.

Every text the app renders from something a user wrote (Outreach Templates, WhatsApp template
parameters, anything added later) goes through the one environment here: Jinja's immutable sandbox
with no globals (no `range`, `cycler`, `joiner`, `namespace`, `lipsum`, no frappe), a handful of
filters that only reshape words, and no way to call anything. It is handed only the message's own
variables, from `VARIABLES`.

A template is checked before it is saved and again before it is rendered (one saved before this
check existed is refused too): it may name only those variables, filter them with those filters,
test them, compare them, and loop once over a list it is given. Calls, attributes (other than the
loop's own), subscripts other than positions, assignments, macros, imports and includes are
refused with a `TemplateRefused` whose code and details the Frappe layer turns into a sentence.
At render time the sandbox makes the same things harmless, and every failure is a `RenderFailed`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# What a message may say, by what plans it. One home: the doctype descriptions and the refusals
# list these names.
VARIABLES: dict[str, tuple[str, ...]] = {
	"every message": ("first_name", "customer_name", "associate_name", "store_name", "preferred_category"),
	"occasions": ("occasion_type", "person_name", "relation", "occasion_date", "days_ahead", "years"),
	"after a purchase": ("purchase_date", "items", "care_topic", "last_purchase_date"),
	"festivals and campaigns": ("festival", "festival_date", "campaign"),
	"loyalty": ("points", "expiry_date", "referred_name"),
	"repairs and walk-ins": (
		"piece",
		"pieces",
		"budget",
		"reason_not_bought",
		"purchase_occasion",
		"purchase_occasion_date",
		"visit_date",
	),
	"appointments": (
		"appointment_date",
		"appointment_day",
		"appointment_time",
		"appointment_purpose",
		"appointment_store",
		"appointment_is_tomorrow",
	),
	"custom orders": (
		"order_stage",
		"order_piece",
		"order_promised_date",
		"order_name",
		"order_advance",
	),
	"catalogue sharing": ("catalogue_link", "catalogue_pieces", "catalogue_expires_on"),
	"feedback": ("feedback_link",),
}
NAMES: frozenset[str] = frozenset(name for group in VARIABLES.values() for name in group)
# the filters that only reshape words and numbers (the default templates use `lower`)
FILTERS: frozenset[str] = frozenset(
	(
		"abs",
		"capitalize",
		"count",
		"d",
		"default",
		"first",
		"float",
		"int",
		"join",
		"last",
		"length",
		"lower",
		"round",
		"string",
		"title",
		"trim",
		"truncate",
		"upper",
	)
)
LOOP_ATTRIBUTES = frozenset(("index", "index0", "revindex", "revindex0", "first", "last", "length"))
MAX_TEMPLATE = 10_000  # characters of template text
MAX_REPEAT = 5_000  # characters or items a `*` may make

# nodes a message may be made of; anything else (Assign, With, Macro, CallBlock, Include, Import,
# FromImport, Extends, Block, Pow, Dict, NSRef, Scope, EvalContextModifier...) is refused
_ALLOWED = (
	nodes.Template,
	nodes.Output,
	nodes.TemplateData,
	nodes.Const,
	nodes.Name,
	nodes.If,
	nodes.CondExpr,
	nodes.And,
	nodes.Or,
	nodes.Not,
	nodes.Neg,
	nodes.Pos,
	nodes.Compare,
	nodes.Operand,
	nodes.Concat,
	nodes.Filter,
	nodes.FilterBlock,
	nodes.Test,
	nodes.For,
	nodes.Getitem,
	nodes.Getattr,
	nodes.Slice,
	nodes.List,
	nodes.Tuple,
	nodes.Keyword,
	nodes.Add,
	nodes.Sub,
	nodes.Mul,
	nodes.Div,
	nodes.FloorDiv,
	nodes.Mod,
)
_TAGS = {
	nodes.Assign: "set",
	nodes.AssignBlock: "set",
	nodes.With: "with",
	nodes.Macro: "macro",
	nodes.CallBlock: "call",
	nodes.Include: "include",
	nodes.Import: "import",
	nodes.FromImport: "from",
	nodes.Extends: "extends",
	nodes.Block: "block",
	nodes.Scope: "autoescape",
	nodes.ScopedEvalContextModifier: "autoescape",
	nodes.EvalContextModifier: "autoescape",
}


class TemplateRefused(ValueError):
	"""A template that may not be used. `code` names the rule; `details` fill the sentence:
	syntax (line, detail), too_long (most), unknown_name (name), private (name), attribute (name),
	call (), filter (name), tag (tag), operator (operator), loop_nested (), loop_source (),
	subscript (), too_deep (). Every refusal has `line`."""

	def __init__(self, code: str, line: int | None = None, **details: Any):
		super().__init__(code, line, details)
		self.code = code
		self.line = line
		self.details = details


class RenderFailed(Exception):
	"""The template could not become words for this customer (refused, or failed on her values)."""


class MessageEnvironment(ImmutableSandboxedEnvironment):
	"""The sandbox, narrowed: nothing is callable, `*` makes nothing huge, `**` and string `%`
	formatting are refused (and none of them is folded at compile time)."""

	intercepted_binops = frozenset(("*", "**", "%"))

	def call(__self, __context, __obj, *args, **kwargs):
		raise SecurityError("a message cannot call anything")

	def unsafe_undefined(self, obj, attribute):
		raise SecurityError(f"{attribute!r} is not part of a message")

	def call_binop(self, context, op: str, left, right):
		if op == "**":
			raise SecurityError("a message cannot raise to a power")
		if op == "%" and isinstance(left, str):
			raise SecurityError("a message cannot format with %")
		if op == "*":
			for sequence, times in ((left, right), (right, left)):
				if isinstance(sequence, str | list | tuple) and isinstance(times, int):
					if len(sequence) * max(times, 0) > MAX_REPEAT:
						raise SecurityError("a repetition this long is not a message")
		return {"*": operator.mul, "%": operator.mod}[op](left, right)


# the names a render printed while they had no value (one list per render, safe across threads)
_PRINTED_EMPTY: ContextVar[list | None] = ContextVar("jc_printed_empty", default=None)


class MissingWord(Undefined):
	"""A variable with no value. Tested (`{% if x %}`, `|default`) it is simply false; printed, it
	renders empty and is written down, as a word the message needed and did not have."""

	__slots__ = ()

	def __str__(self) -> str:
		printed = _PRINTED_EMPTY.get()
		if printed is not None and self._undefined_name not in printed:
			printed.append(self._undefined_name)
		return ""


def _finalize(value):
	return "" if value is None else value


def _make_environment() -> MessageEnvironment:
	env = MessageEnvironment(
		autoescape=False, finalize=_finalize, keep_trailing_newline=False, undefined=MissingWord
	)
	env.globals.clear()
	env.filters = {name: env.filters[name] for name in FILTERS}
	return env


_ENVIRONMENT = _make_environment()


def environment() -> MessageEnvironment:
	"""The one environment messages are rendered with (shared; it holds no state of its own)."""
	return _ENVIRONMENT


# --- on save and before rendering ----------------------------------------------------------------


def check(source: str, names: Iterable[str] = NAMES) -> None:
	"""Refuse (TemplateRefused) a template that is more than words about these variables."""
	source = source or ""
	if len(source) > MAX_TEMPLATE:
		raise TemplateRefused("too_long", 1, most=MAX_TEMPLATE, given=len(source))
	try:
		tree = _ENVIRONMENT.parse(source)
		_Checker(frozenset(names)).visit(tree, frozenset(), 0)
	except TemplateSyntaxError as error:
		raise TemplateRefused("syntax", error.lineno, detail=error.message) from None
	except RecursionError:
		raise TemplateRefused("too_deep", 1) from None


class _Checker:
	def __init__(self, names: frozenset[str]):
		self.names = names

	def visit(self, node: nodes.Node, bound: frozenset[str], loops: int) -> None:
		line = getattr(node, "lineno", None)
		if isinstance(node, nodes.Call):
			raise TemplateRefused("call", line)
		if type(node) in _TAGS:
			raise TemplateRefused("tag", line, tag=_TAGS[type(node)])
		if isinstance(node, nodes.Pow):
			raise TemplateRefused("operator", line, operator="**")
		if not isinstance(node, _ALLOWED):
			raise TemplateRefused("tag", line, tag=type(node).__name__.lower())
		handler = getattr(self, f"visit_{type(node).__name__}", None)
		if handler:
			handler(node, bound, loops)
			return
		for child in node.iter_child_nodes():
			self.visit(child, bound, loops)

	def visit_Name(self, node: nodes.Name, bound, loops) -> None:
		if node.name.startswith("_"):
			raise TemplateRefused("private", node.lineno, name=node.name)
		if node.name in bound or (node.name == "loop" and loops):
			return
		if node.name not in self.names:
			raise TemplateRefused("unknown_name", node.lineno, name=node.name)

	def visit_Getattr(self, node: nodes.Getattr, bound, loops) -> None:
		if node.attr.startswith("_"):
			raise TemplateRefused("private", node.lineno, name=node.attr)
		is_loop = isinstance(node.node, nodes.Name) and node.node.name == "loop" and loops
		if not (is_loop and node.attr in LOOP_ATTRIBUTES):
			self.visit(node.node, bound, loops)  # an unknown name says so first
			raise TemplateRefused("attribute", node.lineno, name=node.attr)

	def visit_Getitem(self, node: nodes.Getitem, bound, loops) -> None:
		key = node.arg
		if isinstance(key, nodes.Const) and isinstance(key.value, str) and key.value.startswith("_"):
			raise TemplateRefused("private", node.lineno, name=key.value)
		positional = isinstance(key, nodes.Slice) or (isinstance(key, nodes.Const) and type(key.value) is int)
		if not positional and not (isinstance(key, nodes.Neg) and isinstance(key.node, nodes.Const)):
			raise TemplateRefused("subscript", node.lineno)
		self.visit(node.node, bound, loops)
		self.visit(key, bound, loops)

	def visit_Filter(self, node: nodes.Filter, bound, loops) -> None:
		if node.name not in FILTERS:
			raise TemplateRefused("filter", node.lineno, name=node.name)
		for child in node.iter_child_nodes():
			self.visit(child, bound, loops)

	def visit_For(self, node: nodes.For, bound, loops) -> None:
		if loops:
			raise TemplateRefused("loop_nested", node.lineno)
		if node.recursive:
			raise TemplateRefused("tag", node.lineno, tag="recursive")
		if not self._is_given_list(node.iter):
			raise TemplateRefused("loop_source", node.lineno)
		self.visit(node.iter, bound, loops)
		target = node.target
		targets = (
			[target.name] if isinstance(target, nodes.Name) else [n.name for n in target.find_all(nodes.Name)]
		)
		for name in targets:
			if name.startswith("_"):
				raise TemplateRefused("private", node.lineno, name=name)
		inner = bound | frozenset(targets)
		if node.test is not None:
			self.visit(node.test, inner, loops + 1)
		for child in node.body:
			self.visit(child, inner, loops + 1)
		for child in node.else_:
			self.visit(child, bound, loops)

	def _is_given_list(self, node: nodes.Node) -> bool:
		"""A loop goes over a variable it was given (maybe filtered or sliced), never over a text
		the template makes up."""
		while isinstance(node, nodes.Filter | nodes.Getitem):
			node = node.node
		return isinstance(node, nodes.Name) and node.name in self.names


# --- rendering ----------------------------------------------------------------------------------


def compile_template(source: str, names: Iterable[str] = NAMES):
	"""The checked, compiled template. Raises TemplateRefused."""
	check(source, names)
	return _ENVIRONMENT.from_string(source or "")


def render(template, context: Mapping[str, Any]) -> str:
	"""A compiled template's words for this context (only its known variables are handed over)."""
	return render_draft(template, context)[0]


def render_draft(template, context: Mapping[str, Any]) -> tuple[str, list[str]]:
	"""A compiled template's words for this context, and the names it printed that had no value
	(missing, None or blank), in the order met: each a word the customer would find missing."""
	variables = {name: value for name, value in context.items() if name in NAMES and not _blank(value)}
	printed: list[str] = []
	token = _PRINTED_EMPTY.set(printed)
	try:
		return template.render(variables).strip(), printed
	except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, RecursionError) as error:
		raise RenderFailed(f"{type(error).__name__}: {error}") from None
	finally:
		_PRINTED_EMPTY.reset(token)


def _blank(value: Any) -> bool:
	"""No value at all: None, or text of nothing but spaces (0 and an empty list are values)."""
	return value is None or (isinstance(value, str) and not value.strip())


def render_text(source: str, context: Mapping[str, Any]) -> str:
	"""Check, compile and render in one go. Raises RenderFailed (a refusal included)."""
	try:
		template = compile_template(source)
	except TemplateRefused as error:
		raise RenderFailed(f"refused: {error.code}") from None
	return render(template, context)


# --- WhatsApp template parameters ----------------------------------------------------------------


def is_variable_name(source: str) -> bool:
	"""A parameter written as a bare variable name (`first_name`), not as template text."""
	source = (source or "").strip()
	return bool(source) and source.isidentifier()


def check_parameter(source: str) -> None:
	"""A parameter is one variable's name, or template text about the variables."""
	source = (source or "").strip()
	if is_variable_name(source):
		if source not in NAMES:
			raise TemplateRefused("unknown_name", 1, name=source)
		return
	check(source)


def parameter_text(source: str, context: Mapping[str, Any]) -> str:
	"""One parameter's words for this context ("" when the variable is empty). Raises RenderFailed."""
	source = (source or "").strip()
	if is_variable_name(source):
		if source not in NAMES:
			raise RenderFailed(f"refused: unknown_name {source}")
		value = context.get(source)
		return "" if value is None else str(value).strip()
	return render_text(source, context)
