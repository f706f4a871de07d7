"""The lint runs the same tools everywhere, and a semgrep suppression that silences nothing (or
everything) is refused: scripts/lib/check_nosemgrep.py, which scripts/lint-semgrep runs after semgrep."""

import importlib.util
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_nosemgrep", REPO / "scripts/lib/check_nosemgrep.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

COMMIT = "frappe-semgrep-rules.rules.frappe-manual-commit"
SQL = "frappe-semgrep-rules.rules.frappe-using-db-sql"
KNOWN = {COMMIT, SQL}


def pinned(pattern: str, path: str) -> list[str]:
	return re.findall(pattern, (REPO / path).read_text(encoding="utf-8"))


def test_ruff_and_semgrep_are_the_same_versions_in_the_test_command_pre_commit_and_pyproject():
	[ruff] = pinned(r"(?m)^RUFF_VERSION=(\S+)$", "scripts/run-tests")
	[semgrep] = pinned(r"(?m)^SEMGREP_VERSION=(\S+)$", "scripts/run-tests")
	assert pinned(r"ruff-pre-commit\n\s+rev: v(\S+)", ".pre-commit-config.yaml") == [ruff]
	assert pinned(r'"semgrep==([^"]+)"', ".pre-commit-config.yaml") == [semgrep]
	assert pinned(r'"ruff==([^"]+)"', "pyproject.toml") == [ruff]
	assert pinned(r'"semgrep==([^"]+)"', "pyproject.toml") == [semgrep]
	assert '"ruff==$RUFF_VERSION"' in (REPO / "scripts/run-tests").read_text()
	assert '"semgrep==$SEMGREP_VERSION"' in (REPO / "scripts/run-tests").read_text()


def test_a_suppression_by_rule_id_with_its_reason_above_passes():
	source = f"""
def drain():
	# each message's result is committed the moment it is known
	frappe.db.commit()  # nosemgrep: {COMMIT}


def explain(sql):
	# EXPLAIN, which frappe.qb cannot write
	# nosemgrep: {SQL}
	return frappe.db.sql("EXPLAIN " + sql)


def both():
	# a query that is also a commit: two rules on one line
	frappe.db.sql("COMMIT")  # nosemgrep: {COMMIT}, {SQL}
"""
	assert check.problems(source, KNOWN) == []
	js = f"// the reason\nfrappe.call(x); // nosemgrep: {COMMIT}\n"
	assert check.problems(js, KNOWN) == []


def test_prose_after_nosemgrep_is_refused_because_semgrep_reads_it_as_rule_ids():
	[(line, message)] = check.problems("x = 1\nfrappe.db.commit()  # nosemgrep: scheduler job\n", KNOWN)
	assert line == 2 and "'scheduler job'" in message and "frappe-semgrep-rules.rules.<rule>" in message


def test_a_bare_nosemgrep_is_refused_because_it_silences_every_rule():
	[(line, message)] = check.problems("# reason\nfrappe.db.commit()  # nosemgrep\n", KNOWN)
	assert line == 2 and "every rule" in message


def test_a_rule_that_does_not_exist_or_a_short_id_is_refused():
	source = (
		"# reason\nfrappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-comit\n"
		"# reason\nfrappe.db.commit()  # nosemgrep: frappe-manual-commit\n"
	)
	assert [line for line, _message in check.problems(source, KNOWN)] == [2, 4]


def test_a_suppression_without_its_reason_above_is_refused():
	source = f"x = 1\nfrappe.db.commit()  # nosemgrep: {COMMIT}\n# nosemgrep: {SQL}\nfrappe.db.sql(q)\n"
	problems = check.problems(source, KNOWN)
	assert [line for line, _message in problems] == [2, 3]
	assert all("reason" in message for _line, message in problems)


def test_text_that_only_mentions_nosemgrep_is_not_a_suppression():
	source = '"""Write nosemgrep: with the rule id."""\nmessage = "a bare nosemgrep is refused"\n'
	assert check.problems(source, KNOWN) == []


def test_main_reads_the_rules_and_checks_only_the_files_semgrep_scanned(tmp_path, capsys):
	rules = tmp_path / "rules"
	rules.mkdir()
	(rules / "frappe_correctness.yml").write_text(
		"rules:\n- id: frappe-manual-commit\n  pattern: frappe.db.commit()\n"
		"- id: frappe-using-db-sql\n  pattern: frappe.db.sql(...)\n"
	)
	assert check.rule_ids(rules) == KNOWN
	app = tmp_path / "app"
	app.mkdir()
	good, bad, unscanned = app / "good.py", app / "bad.py", app / "unscanned.py"
	good.write_text(f"# the job owns its transaction\nfrappe.db.commit()  # nosemgrep: {COMMIT}\n")
	bad.write_text("frappe.db.commit()  # nosemgrep: the job owns its transaction\n")
	unscanned.write_text("frappe.db.commit()  # nosemgrep\n")
	report = tmp_path / "report.json"
	report.write_text(json.dumps({"results": [], "paths": {"scanned": [str(good), str(bad)]}}))

	assert check.main(["check", str(rules), str(report), str(tmp_path)]) == 1
	assert capsys.readouterr().out.splitlines() == [
		"app/bad.py:1: semgrep reads 'the job owns its transaction' as rule ids and no rule has them: "
		"write the rule as frappe-semgrep-rules.rules.<rule> and the reason in a comment on the line above"
	]
	report.write_text(json.dumps({"results": [], "paths": {"scanned": [str(good)]}}))
	assert check.main(["check", str(rules), str(report), str(tmp_path)]) == 0
	assert check.main(["check", str(tmp_path / "app"), str(report), str(tmp_path)]) == 2  # no rules there
