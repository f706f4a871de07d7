"""Two requests at the same instant, for real: each contender is a process of its own, connected to
this site with its own database connection and transaction, and all are held at a barrier until every
one is ready, then let go together. What each returned (or raised) comes back to the test.

What the contenders should see must be committed first: they are other processes.
"""

import multiprocessing
import os
import time
import traceback

import frappe

START_TIMEOUT = 180  # seconds for a contender to start (import Frappe, ERPNext, the app, connect)


def race(method: str, calls: list[dict], timeout: float = 300) -> list[frappe._dict]:
	"""Run `method` (a dotted path) once per kwargs in `calls`, each in a process of its own, all
	released at once. Returns, in the order of `calls`: ok, value (as JSON gives it back) or error,
	and when each passed the barrier and finished (time.time())."""
	context = multiprocessing.get_context("spawn")  # a fresh interpreter: no connection is shared
	barrier = context.Barrier(len(calls))
	answers = context.Queue()
	site, sites_path = frappe.local.site, os.path.abspath(frappe.local.sites_path)
	contenders = [
		context.Process(
			target=contend, args=(site, sites_path, method, kwargs, barrier, answers, index), daemon=True
		)
		for index, kwargs in enumerate(calls)
	]
	for process in contenders:
		process.start()
	outcomes = {}
	try:
		for _ in contenders:
			index, outcome = answers.get(timeout=timeout)
			outcomes[index] = frappe._dict(frappe.parse_json(outcome))
	finally:
		for process in contenders:
			process.join(30)
			if process.is_alive():
				process.kill()
	return [outcomes[index] for index in range(len(calls))]


def contend(site, sites_path, method, kwargs, barrier, answers, index) -> None:
	os.chdir(sites_path)  # Frappe's request handling finds the site from here
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	outcome = {}
	try:
		function = frappe.get_attr(method)
		barrier.wait(START_TIMEOUT)
		outcome["started"] = time.time()
		outcome["value"] = function(**kwargs)
		frappe.db.commit()  # nosemgrep: a request commits what it did
		outcome["ok"] = True
	except Exception as error:
		frappe.db.rollback()
		outcome.update(ok=False, error=f"{type(error).__name__}: {error}", traceback=traceback.format_exc())
	finally:
		outcome["finished"] = time.time()
		answers.put((index, frappe.as_json(outcome)))
		frappe.destroy()


def assert_raced(test, outcomes: list[frappe._dict], within: float = 2.0) -> None:
	"""Every contender passed the barrier, and they set off together."""
	test.assertTrue(all(outcome.started for outcome in outcomes), outcomes)
	starts = [outcome.started for outcome in outcomes]
	test.assertLess(max(starts) - min(starts), within, f"the contenders did not set off together: {outcomes}")
