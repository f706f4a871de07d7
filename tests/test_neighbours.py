"""No name this app defines is a name Frappe, ERPNext, HRMS, Helpdesk, Frappe CRM or frappe_whatsapp
defines on the same site (doctype names, roles, reports, pages, workspaces… are global to a site).

Frappe, ERPNext and frappe_whatsapp are read from their release tarballs ($JC_VENDOR, else
../shared/vendor beside the repository); HRMS, Helpdesk and Frappe CRM from the data files in
tests/neighbour_names/ (each says the commit it was read from)."""

import ast
import glob
import os
from pathlib import Path

import pytest

from jewel_clienteling.setup.custom_fields import field_names
from jewel_clienteling.setup.neighbours import CRM_PROBES, MODULE, RENAMED
from tests.neighbour_names.extract import names_in, names_in_tarball, read_data_file

REPO = Path(__file__).resolve().parent.parent
APP_DIR = REPO / "jewel_clienteling"
DATA = Path(__file__).resolve().parent / "neighbour_names"
VENDOR = Path(os.environ.get("JC_VENDOR") or REPO.parent / "shared" / "vendor")
TARBALLS = ("frappe", "erpnext", "frappe_whatsapp")
FILES = ("hrms", "helpdesk", "crm")


def _manager_role() -> str:
	tree = ast.parse((APP_DIR / "setup" / "install.py").read_text())
	for node in tree.body:
		if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MANAGER_ROLE":
			return node.value.value
	raise AssertionError("setup/install.py defines no MANAGER_ROLE")


def our_names() -> set[tuple[str, str]]:
	"""Every site-global name this app brings: its records by kind, its role, its module, and the
	fields it adds to other apps' doctypes."""
	paths = [str(p) for p in APP_DIR.rglob("*.json")]
	found = {(kind, name) for kind, name in names_in(paths, lambda p: Path(p).read_bytes())}
	# roles in our permissions are other apps' roles we grant to; the one we make is ours
	found = {(kind, name) for kind, name in found if kind != "Role" and not kind.startswith("Field ")}
	found.add(("Role", _manager_role()))
	found.add(("Module Def", MODULE))
	found |= {(f"Field {doctype}", fieldname) for doctype, fieldname in field_names()}
	return found


def _tarball(app: str) -> str:
	found = sorted(glob.glob(str(VENDOR / f"{app}-[0-9]*.tar.gz")))
	if not found:
		pytest.skip(f"no {app}-*.tar.gz in {VENDOR} (set JC_VENDOR to the vendor folder)")
	return found[-1]


_cache: dict[str, set] = {}


def neighbour_names(app: str) -> set[tuple[str, str]]:
	if app not in _cache:
		_cache[app] = (
			names_in_tarball(_tarball(app)) if app in TARBALLS else read_data_file(str(DATA / f"{app}.txt"))
		)
	return _cache[app]


def test_our_names_are_read_from_the_sources():
	ours = our_names()
	kinds = {kind for kind, _ in ours}
	assert {"DocType", "Report", "Page", "Workspace", "Role", "Print Format"} <= kinds
	assert ("DocType", "Clienteling WhatsApp Message") in ours
	assert ("DocType", "Occasion") in ours
	assert ("Role", "Clienteling Manager") in ours
	assert ("Field Customer", "jc_whatsapp_opt_in") in ours or any(k == "Field Customer" for k, _ in ours)


@pytest.mark.parametrize("app", TARBALLS + FILES)
def test_no_name_of_ours_is_a_neighbours(app):
	theirs = neighbour_names(app)
	assert len({name for kind, name in theirs if kind == "DocType"}) > 5, f"read no doctypes of {app}"
	clashes = sorted(our_names() & theirs)
	assert clashes == [], f"{app} defines these too: {clashes}"


def test_the_old_whatsapp_names_did_clash_so_the_check_can_see_one():
	"""The check catches what it must: frappe_whatsapp defines the names we used to."""
	theirs = neighbour_names("frappe_whatsapp")
	assert ("DocType", "WhatsApp Message") in theirs
	assert ("DocType", "WhatsApp Settings") in theirs
	assert {("DocType", old) for old, _ in RENAMED} & theirs


def test_frappe_crm_sees_frappe_whatsapp_and_nothing_of_ours():
	"""Frappe CRM decides WhatsApp is installed when a "WhatsApp Settings" doctype exists, and then
	reads frappe_whatsapp's fields: only frappe_whatsapp may define what it probes."""
	ours = {name for kind, name in our_names() if kind == "DocType"}
	assert ours.isdisjoint(CRM_PROBES)
	whatsapp = {name for kind, name in neighbour_names("frappe_whatsapp") if kind == "DocType"}
	assert set(CRM_PROBES) <= whatsapp
	assert ("Field WhatsApp Settings", "default_outgoing_account") in neighbour_names("frappe_whatsapp")
	assert ("Field CRM Lead", "mobile_no") in neighbour_names("crm")  # the CRM data file was read


def test_nothing_of_ours_answers_to_a_name_we_renamed_from():
	ours = {name for kind, name in our_names() if kind == "DocType"}
	for old, new in RENAMED:
		assert old not in ours and new in ours
