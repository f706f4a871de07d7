"""The Clienteling Impact report kept up and read safely: the ten-minute job learns a new sale and its
cancel (its counts then equal the SQL again), and with read_from_replica on, the report and the
workspace cards read through Frappe's replica connection (pointed at the same MariaDB here): what the
primary connection has not committed is not in their answer."""

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, now_datetime, nowdate
from frappe.utils.background_jobs import get_job

from jewel_clienteling.api import dashboard as api
from jewel_clienteling.domain import impact as rules
from jewel_clienteling.services import impact_months, impact_upkeep
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_impact import REPORT, RING, assert_report_is_the_sql, months_ago, period

PROBE_STORE = "JC Replica Probe"


class TestKeepingUp(FrappeTestCase):
	"""The job commits as it goes, as it does in production: this test's sale stays on the site
	(cancelled at the end)."""

	def test_the_job_learns_a_sale_and_its_cancel(self):
		frappe.set_user("Administrator")
		her = fx.make_customer(jc_home_store=fx.POS_PROFILE)
		fx.make_sales_invoice(her, [(RING, 22000)], is_pos=1, posting_date=months_ago(3))
		frappe.db.commit()  # nosemgrep: the job reads what is committed
		impact_upkeep.rebuild_everything()
		whole = period(months_ago(12, 15))
		assert_report_is_the_sql(self, whole, "side", [rules.BEFORE, rules.AFTER])
		# she comes back today: a new visit this month, and her visit three months ago came back
		sale = fx.make_pos_invoice(her, [(RING, 31000)])
		frappe.db.commit()  # nosemgrep
		self.assertTrue(impact_upkeep.keep_up()["done"])
		self.assertEqual(
			frappe.get_all(
				"Clienteling Visit",
				filters={"customer": her},
				fields=["amount", "first_visit", "next_visit"],
				order_by="visit_date",
			),
			[
				{"amount": 22000.0, "first_visit": 1, "next_visit": getdate(nowdate())},
				{"amount": 31000.0, "first_visit": 0, "next_visit": None},
			],
		)
		assert_report_is_the_sql(self, whole, "side", [rules.BEFORE, rules.AFTER])
		sale.cancel()
		frappe.db.commit()  # nosemgrep
		self.assertTrue(impact_upkeep.keep_up()["done"])
		self.assertEqual(len(frappe.get_all("Clienteling Visit", filters={"customer": her})), 1)
		assert_report_is_the_sql(self, whole, "side", [rules.BEFORE, rules.AFTER])
		self.assertIsNotNone(impact_upkeep.status()["synced_to"])

	def test_counting_every_month_goes_to_a_long_job_of_its_own(self):
		frappe.set_user("Administrator")
		impact_upkeep.rebuild_everything()
		impact_upkeep.set_state(impact_upkeep.RECOUNTED_ON, None)  # as after learning the past
		frappe.db.commit()  # nosemgrep
		self.assertTrue(impact_upkeep.keep_up()["recount_queued"])
		job = get_job(impact_upkeep.RECOUNT_JOB)
		self.assertIsNotNone(job, "the count of every month should be queued")
		self.assertEqual(
			(job.origin.rsplit(":", 1)[-1], job.timeout), ("long", impact_upkeep.RECOUNT_TIMEOUT)
		)
		job.delete()
		self.assertTrue(impact_upkeep.recount_daily())  # what the job runs
		self.assertIsNotNone(impact_upkeep.state(impact_upkeep.RECOUNTED_ON))
		self.assertFalse(impact_upkeep.keep_up().get("recount_queued"))


class TestIndexes(FrappeTestCase):
	def test_the_indexes_the_counts_read_are_there_after_install_and_migrate(self):
		for table, index, first_columns in (
			("tabClient Outreach", impact_months.OUTREACH_INDEX, ["sent_on", "status", "reason", "channel"]),
			("tabClienteling Visit", "jc_impact_report", ["visit_date", "first_visit", "store", "associate"]),
			("tabClienteling Impact Month", "month_source_index", ["month", "source"]),
		):
			with self.subTest(index=index):
				columns = [
					row.Column_name
					for row in frappe.db.sql(
						f"SHOW INDEX FROM `{table}` WHERE Key_name = %s", index, as_dict=True
					)
				]
				self.assertEqual(columns[: len(first_columns)], first_columns)


class TestOnTheReplica(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		conf = frappe.local.conf
		old = {key: conf.get(key) for key in ("read_from_replica", "replica_host")}
		self.addCleanup(conf.update, old)
		conf.replica_host = conf.db_host or "127.0.0.1"
		# a month counted by the primary connection and not committed: a replica cannot see it
		now = now_datetime()
		frappe.db.bulk_insert(
			"Clienteling Impact Month",
			[
				"name",
				"creation",
				"modified",
				"month",
				"source",
				"store",
				"first_visit",
				"referred",
				"visits",
				"amount",
			],
			[
				(
					"jc-replica-probe",
					now,
					now,
					getdate(nowdate()).replace(day=1),
					"Visits",
					PROBE_STORE,
					1,
					1,
					7,
					10**9,
				)
			],
		)

	def read(self, on_replica: bool, call):
		"""`call`'s answer, with read_from_replica on or off, as one request would get it."""
		frappe.local.conf.read_from_replica = int(on_replica)
		try:
			answer = call()
			if on_replica:
				# Frappe connected to replica_host for the call, then went back to the primary
				self.assertEqual(frappe.local.replica_db.host, frappe.local.conf.replica_host)
				self.assertIs(frappe.local.db, frappe.local.primary_db)
			return answer
		finally:
			# as a new request would: the next read-only call connects again
			for attribute in ("replica_db", "primary_db"):
				if hasattr(frappe.local, attribute):
					delattr(frappe.local, attribute)

	def answers(self, on_replica: bool) -> tuple[list[str], float]:
		"""The report's store columns and the referral card's value."""
		filters = period(months_ago(12, 15), compare=rules.STORE)
		result = self.read(on_replica, lambda: run(REPORT, filters=filters, ignore_prepared_report=True))
		card = self.read(on_replica, lambda: api.referred_spend()["value"])
		return [column["label"] for column in result["columns"][1:-1]], card

	def test_the_report_and_the_cards_read_on_the_replica(self):
		stores, card = self.answers(on_replica=False)
		self.assertIn(PROBE_STORE, stores)
		self.assertGreaterEqual(card, 10**9)
		stores, card = self.answers(on_replica=True)
		self.assertNotIn(PROBE_STORE, stores)
		self.assertLess(card, 10**9)
