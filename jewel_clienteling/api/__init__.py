"""The app's whitelisted endpoints. Each is typed, states its HTTP methods, checks permission first
(tests/test_api_contract.py holds them to it) and has its arguments checked (below)."""

import functools
import inspect

import frappe
from frappe import _


def arguments_required(fn):
	"""Under @frappe.whitelist: a call that leaves out an argument the function needs gets a clear,
	translated error (417) instead of Python's TypeError, which Frappe answers with a 500 and a
	stack trace."""
	signature = inspect.signature(fn)
	required = [
		name for name, parameter in signature.parameters.items() if parameter.default is parameter.empty
	]

	@functools.wraps(fn)
	def checked(*args, **kwargs):
		given = set(required[: len(args)]) | {
			name for name, value in kwargs.items() if value not in (None, "")
		}
		missing = [name for name in required if name not in given]
		if missing:
			frappe.throw(
				_("Missing: {0}").format(", ".join(_(frappe.unscrub(name)) for name in missing)),
				frappe.MandatoryError,
				title=_("Incomplete Request"),
			)
		return fn(*args, **kwargs)

	return checked
