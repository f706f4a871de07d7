"""The names a Frappe app defines on a site, read from its source files (pure: no frappe).

A name is (kind, name): kind is a doctype whose records are global to the site (DocType, Report,
Page, Workspace, Print Format, Dashboard Chart, Number Card, Role) or "Field <DocType>" for a field
of a doctype. Run as a script it writes a neighbour's names from a git mirror into a data file:

    python3 tests/neighbour_names/extract.py GIT_DIR REF SOURCE > tests/neighbour_names/APP.txt
"""

import json
import re
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterable

KINDS = ("DocType", "Report", "Page", "Workspace", "Print Format", "Dashboard Chart", "Number Card")
_DEFINITION = re.compile(
	r"/(doctype|report|page|workspace|print_format|dashboard_chart|number_card)/([^/]+)/\2\.json$"
)


def names_in(paths: Iterable[str], read: Callable[[str], bytes]) -> set[tuple[str, str]]:
	found = set()
	for path in paths:
		if not _DEFINITION.search(path):
			continue
		try:
			doc = json.loads(read(path))
		except ValueError:
			continue
		if not isinstance(doc, dict) or doc.get("doctype") not in KINDS or not doc.get("name"):
			continue
		found.add((doc["doctype"], doc["name"]))
		for perm in doc.get("permissions") or []:
			if perm.get("role"):
				found.add(("Role", perm["role"]))
		if doc["doctype"] == "DocType":
			for field in doc.get("fields") or []:
				if field.get("fieldname"):
					found.add((f"Field {doc['name']}", field["fieldname"]))
	return found


def names_in_tarball(path: str) -> set[tuple[str, str]]:
	with tarfile.open(path) as tar:
		members = {m.name: m for m in tar.getmembers() if m.isfile() and _DEFINITION.search(m.name)}
		return names_in(members, lambda name: tar.extractfile(members[name]).read())


def names_in_git(git_dir: str, ref: str) -> set[tuple[str, str]]:
	def git(*args: str) -> bytes:
		return subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True, check=True).stdout  # noqa: S603, S607

	paths = git("ls-tree", "-r", "--name-only", ref).decode().splitlines()
	return names_in(["/" + p for p in paths], lambda p: git("show", f"{ref}:{p[1:]}"))


def read_data_file(path: str) -> set[tuple[str, str]]:
	with open(path) as f:
		return {
			tuple(line.rstrip("\n").split("\t", 1)) for line in f if line.strip() and not line.startswith("#")
		}


if __name__ == "__main__":
	git_dir, ref, source = sys.argv[1:4]
	commit = subprocess.run(  # noqa: S603
		["git", "--git-dir", git_dir, "rev-parse", ref],  # noqa: S607
		capture_output=True,
		text=True,
		check=True,
	).stdout.strip()
	print(f"# {source} at commit {commit}, read by tests/neighbour_names/extract.py")
	print("# kind<TAB>name; 'Field X' rows are the fields of doctype X")
	for kind, name in sorted(names_in_git(git_dir, ref)):
		print(f"{kind}\t{name}")
