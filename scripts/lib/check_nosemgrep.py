"""Every nosemgrep comment in the files semgrep scanned names rules that exist, as
frappe-semgrep-rules.rules.<rule>, and has its reason in a comment on the line above.

semgrep reads everything after "nosemgrep:" as rule ids, so a reason written there silences nothing,
and a bare "nosemgrep" silences every rule on its line. Run by scripts/lint-semgrep:

	python3 scripts/lib/check_nosemgrep.py RULES_DIR SEMGREP_JSON REPO
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PREFIX = "frappe-semgrep-rules.rules."
# semgrep's own pattern for a nosemgrep comment (semgrep/constants.py), run on the line as it does
NOSEM = re.compile(r"[:#/]+ nosem(?:grep)?(?:[:=][\s]?(?P<ids>([^,\s](?:[,\s]+)?)+))?$", re.IGNORECASE)
COMMENT = re.compile(r"^\s*(#|//)")
RULE_ID = re.compile(r"^\s*-\s+id:\s*(\S+)\s*$")


def rule_ids(rules_dir: Path) -> set[str]:
	"""The ids the rules folder defines, as semgrep names them when run on frappe-semgrep-rules/rules."""
	ids = set()
	for path in sorted(rules_dir.glob("*.yml")) + sorted(rules_dir.glob("*.yaml")):
		for line in path.read_text(encoding="utf-8").splitlines():
			match = RULE_ID.match(line)
			if match:
				ids.add(PREFIX + match.group(1).strip("'\""))
	return ids


def problems(text: str, known: set[str]) -> list[tuple[int, str]]:
	"""(line number, what is wrong) for each nosemgrep comment of a file that does not do its job."""
	found = []
	lines = text.splitlines()
	for number, line in enumerate(lines, 1):
		match = NOSEM.search(line.rstrip())
		if not match:
			continue
		ids = [word for word in re.split(r"[,\s]+", match.group("ids") or "") if word]
		if not ids:
			found.append((number, "a bare nosemgrep silences every rule: name the rule it is for"))
		unknown = [word for word in ids if word not in known]
		if unknown:
			found.append(
				(
					number,
					f"semgrep reads {' '.join(unknown)!r} as rule ids and no rule has them: "
					f"write the rule as {PREFIX}<rule> and the reason in a comment on the line above",
				)
			)
		above = lines[number - 2] if number > 1 else ""
		if ids and not unknown and (not COMMENT.match(above) or NOSEM.search(above.rstrip())):
			found.append((number, "give the reason in a comment on the line above"))
	return found


def main(argv: list[str]) -> int:
	rules_dir, report, repo = Path(argv[1]), Path(argv[2]), Path(argv[3]).resolve()
	known = rule_ids(rules_dir)
	if not known:
		print(f"FAILED: no rules found in {rules_dir}")
		return 2
	scanned = json.loads(report.read_text(encoding="utf-8"))["paths"]["scanned"]
	bad = 0
	for name in scanned:
		path = Path(name).resolve()
		for number, message in problems(path.read_text(encoding="utf-8", errors="replace"), known):
			shown = path.relative_to(repo) if path.is_relative_to(repo) else path
			print(f"{shown}:{number}: {message}")
			bad += 1
	return 1 if bad else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
