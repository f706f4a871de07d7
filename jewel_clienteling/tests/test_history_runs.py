"""The history job as a manager and the machinery meet it: stopped halfway and run again it goes on
after its last page and repeats none; killed, it is queued again and finishes; one run at a time;
queued after install without blocking it; started from the settings by managers only."""

import math
import os
import signal
import time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate
from frappe.utils.background_jobs import get_job

from jewel_clienteling import tasks
from jewel_clienteling.api import history as api
from jewel_clienteling.services import history
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests import history_store as past
from jewel_clienteling.tests.utils import committed_settings, run_in_bench


def run_queued_job(test) -> dict:
	"""Take the queued history job out of the real RQ queue and run it here, as a worker would."""
	frappe.db.commit()  # nosemgrep: the after-commit enqueue happens here
	job = get_job(history.JOB_ID)
	test.assertIsNotNone(job, "the history job should be queued")
	kwargs = job.kwargs["kwargs"]
	test.assertTrue(job.origin.endswith("long"), job.origin)
	test.assertEqual(job.kwargs["method"], history.JOB)
	job.delete()
	return history.run(**kwargs)


def learnt(customer: str) -> bool:
	return bool(frappe.db.get_value("Customer", customer, "jc_purchases"))


class TestHistoryRuns(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.store = past.make_past(frappe.generate_hash(length=5))
		cls.customers = [name for name in past.customers_of(cls.store) if name != cls.store.quiet]

	def setUp(self):
		past.forget(self.customers)
		self.addCleanup(self.clear_queue)

	def clear_queue(self):
		job = get_job(history.JOB_ID)
		if job:
			job.delete()

	def pages_up_to(self, customer: str, page_size: int) -> int:
		"""How many pages take the run from the first customer of the site to `customer`."""
		table = DocType("Customer")
		query = frappe.qb.from_(table).select(Count("*")).where(table.name <= customer)
		walk_in = frappe.db.get_single_value("Clienteling Settings", "walk_in_customer")
		if walk_in:
			query = query.where(table.name != walk_in)
		return math.ceil(query.run()[0][0] / page_size)

	def test_a_run_stopped_halfway_goes_on_after_its_last_page_and_repeats_none(self):
		total = history.count_customers(
			frappe.db.get_single_value("Clienteling Settings", "walk_in_customer")
		)
		middle = self.customers[len(self.customers) // 2]
		first = history.run(restart=True, page_size=5, max_pages=self.pages_up_to(middle, 5))
		self.assertEqual(first["status"], history.PAUSED)
		state = history.state()
		self.assertEqual(
			(state.status, state.cursor, state.done), (history.PAUSED, first["cursor"], first["learnt"])
		)
		self.assertGreaterEqual(state.cursor, middle)
		for name in self.customers:
			self.assertEqual(learnt(name), name <= state.cursor, name)

		second = history.run(page_size=5)
		self.assertEqual(second["status"], history.DONE)
		self.assertGreater(second["first"], first["cursor"], "it went on after the last committed page")
		self.assertEqual(first["learnt"] + second["learnt"], total, "every customer once, none twice")
		self.assertTrue(all(learnt(name) for name in self.customers))
		state = history.state()
		self.assertEqual(
			(state.status, state.cursor, state.done, state.total), (history.DONE, "", total, total)
		)
		self.assertTrue(state.finished_on)

	def test_a_killed_run_is_queued_again_and_finishes(self):
		history._save(status="", cursor="", done=0)
		frappe.db.commit()  # nosemgrep: the job runs in a process of its own
		job = run_in_bench("jewel_clienteling.services.history.run", restart=1, page_size=1)
		deadline = time.monotonic() + 120
		while time.monotonic() < deadline:
			frappe.db.commit()  # nosemgrep: see what the other process committed
			state = history.state()
			if state.status == history.RUNNING and state.done >= 2:
				break
			time.sleep(0.05)
		self.assertIsNone(job.poll(), "the run should still be going when it is killed")
		os.kill(job.pid, signal.SIGKILL)
		job.wait(30)
		frappe.db.commit()  # nosemgrep
		killed = history.state()
		self.assertEqual(killed.status, history.RUNNING, "killed, it could not say it stopped")
		self.assertGreaterEqual(killed.done, 2)
		self.assertFalse(killed.running, "the database let go of a dead process's lock")

		self.assertTrue(history.resume_if_stalled())
		summary = run_queued_job(self)
		self.assertEqual(summary["status"], history.DONE)
		self.assertGreater(summary["first"], killed.cursor)
		self.assertTrue(all(learnt(name) for name in self.customers))
		self.assertFalse(history.resume_if_stalled(), "a finished run is not queued again")

	def test_one_run_at_a_time(self):
		self.assertTrue(history._acquire_lock())  # this process is running it
		try:
			frappe.db.commit()  # nosemgrep
			other = run_in_bench("jewel_clienteling.services.history.run", restart=1)
			output = other.communicate(timeout=120)[0]
			self.assertIn('"already_running": true', output)
			self.assertTrue(history.state().running)
			self.assertTrue(api.learn_history()["already_running"])
			self.assertFalse(history.resume_if_stalled())
			frappe.db.commit()  # nosemgrep
			self.assertIsNone(get_job(history.JOB_ID), "nothing queued while it runs")
		finally:
			history._release()
		self.assertFalse(any(learnt(name) for name in self.customers), "the second run learnt nothing")

	def test_install_queues_the_first_learning_after_commit_and_never_fails(self):
		history.start_after_install()
		self.assertEqual(history.state().status, history.QUEUED)
		self.assertIsNone(get_job(history.JOB_ID), "nothing is queued before install-app commits")
		summary = run_queued_job(self)
		self.assertEqual(summary["status"], history.DONE)
		self.assertTrue(all(learnt(name) for name in self.customers))

		conf = frappe.local.conf
		original = conf.get("redis_queue")
		conf["redis_queue"] = "redis://127.0.0.1:9"  # the queue is down
		frappe.utils.background_jobs._redis_queue_conn = None
		try:
			history.start_after_install()
			frappe.db.commit()  # nosemgrep: the enqueue fails here, and must not raise
		finally:
			conf["redis_queue"] = original
			frappe.utils.background_jobs._redis_queue_conn = None
		self.assertEqual(history.state().status, history.QUEUED, "waiting for resume_if_stalled")
		self.assertTrue(history.resume_if_stalled())
		self.assertEqual(run_queued_job(self)["status"], history.DONE)

	def test_managers_start_it_from_the_settings_and_a_save_keeps_its_progress(self):
		frappe.set_user(fx.ASSOCIATE)
		try:
			self.assertRaises(frappe.PermissionError, api.learn_history)
			self.assertRaises(frappe.PermissionError, api.progress)
		finally:
			frappe.set_user("Administrator")
		state = api.learn_history(restart=True)
		self.assertEqual((state["status"], state["already_running"]), (history.QUEUED, False))
		self.assertNotIn("cursor", state)
		summary = run_queued_job(self)
		progress = api.progress()
		self.assertEqual((progress["status"], progress["done"]), (history.DONE, summary["learnt"]))

		settings = frappe.get_single("Clienteling Settings")
		settings.history_status, settings.history_done = history.PAUSED, 1
		settings.flags.ignore_mandatory = True
		settings.save()
		self.assertEqual((history.state().status, history.state().done), (history.DONE, summary["learnt"]))

	def test_the_daily_job_re_ages_due_profiles_a_page_at_a_time(self):
		history.run(restart=True)
		her = self.store.at_risk  # last bought 150 days ago
		# as learnt a month ago, when she was still active and due to change today
		frappe.db.set_value(
			"Customer", her, {"jc_lifecycle_stage": "Active", "jc_profile_due_on": add_days(nowdate(), -1)}
		)
		frappe.db.commit()  # nosemgrep
		self.addCleanup(lambda: (job := get_job("jewel_clienteling:plan-outreach")) and job.delete())
		tasks.daily()
		stage, due_on = frappe.db.get_value("Customer", her, ["jc_lifecycle_stage", "jc_profile_due_on"])
		self.assertEqual(stage, "At risk")
		self.assertGreater(getdate(due_on), getdate(nowdate()))

	def test_nothing_is_learnt_while_learning_from_sales_is_off(self):
		old = committed_settings("Clienteling Settings", enabled=0)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		self.assertEqual(history.run(restart=True)["status"], history.PAUSED)
		self.assertFalse(any(learnt(name) for name in self.customers))
		self.assertRaises(frappe.ValidationError, api.learn_history)
