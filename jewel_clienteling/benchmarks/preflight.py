"""What a benchmark does before it measures: say in one line what the site lacks, and let no failure
be hidden. `bench execute` answers any exception of the function it runs by evaluating its dotted
name, which fails with "NameError: name 'jewel_clienteling' is not defined" in place of the real
error; a benchmark wrapped in `reported` prints the real one and exits with status 1."""

import functools
import traceback

import frappe


class Missing(Exception):
	"""The site lacks something the benchmark cannot make itself: the message says what and how."""


def require(condition: bool, what: str) -> None:
	if not condition:
		raise Missing(what)


def counter() -> None:
	"""What a sale at the counter needs, made when missing and committed for the other processes: a
	company with its accounts and item groups (on a site whose setup wizard has not run, completed as
	ERPNext's own test runner does: a test site only), the JC catalogue, the JC Counter POS profile
	and an open shift (tests/fixtures.py)."""
	from jewel_clienteling.tests import fixtures

	if not frappe.db.a_row_exists("Company"):
		print(f"{frappe.local.site} has no company (its setup wizard has not run): completing it", flush=True)
	fixtures.make_fixtures()
	# the workers, counters and web server are other processes: they must see all of it
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit


def has_columns(doctype: str, *columns: str) -> bool:
	return all(frappe.db.has_column(doctype, column) for column in columns)


def reported(function):
	"""Run a benchmark entry point: a Missing prints one line, any other failure its traceback and
	one line; both end the process with status 1 (SystemExit passes through `bench execute`)."""

	@functools.wraps(function)
	def run(*args, **kwargs):
		name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"
		try:
			return function(*args, **kwargs)
		except Missing as missing:
			print(f"{name} cannot run on {frappe.local.site}: {missing}", flush=True)
		except Exception as error:
			traceback.print_exc()
			print(f"{name} failed on {frappe.local.site}: {type(error).__name__}: {error}", flush=True)
		raise SystemExit(1)

	return run
