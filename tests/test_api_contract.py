"""Every whitelisted method keeps the app's contract, read from the source itself (no Frappe needed):
typed arguments, the methods it answers named explicitly, POST for anything that writes, and a
permission check before it does anything else. The WhatsApp webhook is the one guest endpoint and
must verify Meta's signature instead."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "jewel_clienteling"
# Answer GET: they only read. Anything else must be POST only.
READ_ONLY = {"today", "get_snapshot", "balance", "progress"}
# a segment's count and first customers; its saved figures (api/segments.py)
READ_ONLY |= {"preview", "saved_counts"}
READ_ONLY |= {"due", "find_by_mobile"}  # the leads whose next step is due; who has a mobile (api/leads.py)
READ_ONLY |= {"conversations", "conversation"}  # the WhatsApp inbox and one conversation (api/inbox.py)
# the workspace's number cards and charts: every method of this module only reads
READ_ONLY_MODULES = {"jewel_clienteling/api/dashboard.py"}
GUEST = {"inbound"}  # the WhatsApp webhook
PERMISSION_CALLS = {"has_permission", "require_manager", "require_any", "only_for", "check_permission"}


def _whitelist_decorator(function: ast.FunctionDef) -> ast.Call | None:
	for decorator in function.decorator_list:
		target = decorator.func if isinstance(decorator, ast.Call) else decorator
		if isinstance(target, ast.Attribute) and target.attr == "whitelist":
			return decorator if isinstance(decorator, ast.Call) else ast.Call(target, [], [])
	return None


def whitelisted() -> list[tuple[str, ast.FunctionDef, ast.Call]]:
	found = []
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.parts or "testing" in path.parts:
			continue
		for node in ast.walk(ast.parse(path.read_text(), str(path))):
			if isinstance(node, ast.FunctionDef) and (decorator := _whitelist_decorator(node)):
				found.append((f"{path.relative_to(APP.parent)}:{node.name}", node, decorator))
	return found


METHODS = whitelisted()
IDS = [where for where, _, _ in METHODS]


def _keyword(call: ast.Call, name: str):
	return next((ast.literal_eval(k.value) for k in call.keywords if k.arg == name), None)


def _calls(statement: ast.AST) -> set[str]:
	names = set()
	for node in ast.walk(statement):
		if isinstance(node, ast.Call):
			func = node.func
			names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
	return names


def test_the_app_has_whitelisted_methods_to_check():
	assert len(METHODS) >= 15


@pytest.mark.parametrize(("where", "function", "decorator"), METHODS, ids=IDS)
def test_every_argument_and_the_result_are_typed(where, function, decorator):
	arguments = function.args.args + function.args.kwonlyargs
	untyped = [a.arg for a in arguments if a.annotation is None and a.arg != "self"]  # a controller's method
	assert not untyped, f"{where}: untyped arguments {untyped}"
	assert function.returns is not None, f"{where}: no return type"


@pytest.mark.parametrize(("where", "function", "decorator"), METHODS, ids=IDS)
def test_methods_are_explicit_and_writes_are_post_only(where, function, decorator):
	methods = _keyword(decorator, "methods")
	assert methods, f"{where}: say which HTTP methods it answers"
	if function.name not in READ_ONLY | GUEST and where.split(":")[0] not in READ_ONLY_MODULES:
		assert methods == ["POST"], f"{where}: a method that may write must be POST only"


@pytest.mark.parametrize(("where", "function", "decorator"), METHODS, ids=IDS)
def test_a_permission_check_comes_first(where, function, decorator):
	body = function.body
	if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
		body = body[1:]  # the docstring
	if _keyword(decorator, "allow_guest"):
		assert function.name in GUEST, f"{where}: only the WhatsApp webhook may allow guests"
		assert "signature_is_valid" in set().union(*map(_calls, body)), (
			f"{where}: guest without a signature check"
		)
		return
	assert body, f"{where}: empty"
	assert _calls(body[0]) & PERMISSION_CALLS, f"{where}: the first statement must check permission"
