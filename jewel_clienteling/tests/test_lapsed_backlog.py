"""A store installs the app with years of invoices: the customers already lapsed are asked back a few
a day per associate, the most valuable first, never twice, and the rest follow day by day. The store's
past is made with the app off, learnt by the history job, then the days pass with the scheduler's own
jobs."""

from datetime import timedelta

import frappe
from frappe.query_builder import DocType
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import history, planner
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.history_store import RING, make_fiscal_years
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import committed_settings, live_through

SETTINGS = "Clienteling Settings"
# associates of their own each run, so customers of an earlier run never share their allowance
TAG = frappe.generate_hash(length=6)
ASHA = f"jc-backlog-asha-{TAG}@example.com"
RAVI = f"jc-backlog-ravi-{TAG}@example.com"
PER_DAY = 2
# (associate, what she has spent with the store): Asha's four, then Ravi's three
LAPSED = [
	(ASHA, 10000),
	(ASHA, 20000),
	(ASHA, 30000),
	(ASHA, 40000),
	(RAVI, 15000),
	(RAVI, 25000),
	(RAVI, 35000),
]


class TestCatchingUpLapsedCustomers(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_fiscal_years()
		for user in (ASHA, RAVI):
			fx.make_user(user, "Sales User")
		cls.start = getdate(nowdate())
		old = committed_settings(SETTINGS, enabled=0)  # the store's past, before the app arrived
		try:
			cls.customers = {}
			for associate, spent in LAPSED:
				name = fx.make_customer(
					mobile_no="+91" + unique_mobile(), jc_whatsapp_opt_in=1, jc_preferred_associate=associate
				)
				fx.make_sales_invoice(name, [(RING, spent)], posting_date=cls.start - timedelta(days=400))
				cls.customers[name] = (associate, spent)
			cls.recent = fx.make_customer(mobile_no="+91" + unique_mobile(), jc_preferred_associate=ASHA)
			fx.make_sales_invoice(cls.recent, [(RING, 90000)], posting_date=cls.start - timedelta(days=30))
		finally:
			committed_settings(SETTINGS, **old)
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: the days to come run the scheduler's jobs in their own transactions
		history.run(restart=True)

	def setUp(self):
		frappe.set_user("Administrator")
		self.before = set(frappe.get_all("Client Outreach", {"reason": outreach_rules.LAPSED}, pluck="name"))
		# the planner has never run: this is the store's first morning with the app
		old = committed_settings(
			SETTINGS,
			enabled=1,
			outreach_enabled=1,
			lapsed_enabled=1,
			lapsed_backlog_per_associate=PER_DAY,
			lapsed_backlog_before=None,
			last_planned_on=None,
		)
		self.addCleanup(committed_settings, SETTINGS, **old)
		self.addCleanup(self.forget_win_backs)

	def forget_win_backs(self):
		"""The win-backs these days planned for anyone on the test site (ours and other tests')."""
		planned = set(frappe.get_all("Client Outreach", {"reason": outreach_rules.LAPSED}, pluck="name"))
		if planned - self.before:
			outreach = DocType("Client Outreach")
			frappe.qb.from_(outreach).delete().where(outreach.name.isin(list(planned - self.before))).run()
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: what the scheduler's jobs committed is put back the same way

	def win_backs(self) -> dict[str, frappe._dict]:
		rows = frappe.get_all(
			"Client Outreach",
			filters={
				"reason": outreach_rules.LAPSED,
				"customer": ("in", [*list(self.customers), self.recent]),
			},
			fields=["customer", "due_date", "assigned_to", "status", "dedupe_key"],
		)
		self.assertEqual(len(rows), len({row.dedupe_key for row in rows}))
		return {row.customer: row for row in rows}

	def test_lapsed_customers_are_asked_back_a_few_a_day_most_valuable_first(self):
		asked_on: dict[str, object] = {}

		def each_morning_so_far(day):
			for customer, row in self.win_backs().items():
				asked_on.setdefault(customer, (row.due_date, row.assigned_to))

		live_through(self, days=4, on_day=each_morning_so_far)

		day = lambda offset: self.start + timedelta(days=offset)  # noqa: E731
		by_spend = {spent: customer for customer, (_, spent) in self.customers.items()}
		expected = {
			by_spend[40000]: (day(0), ASHA),
			by_spend[30000]: (day(0), ASHA),
			by_spend[35000]: (day(0), RAVI),
			by_spend[25000]: (day(0), RAVI),
			by_spend[20000]: (day(1), ASHA),
			by_spend[10000]: (day(1), ASHA),
			by_spend[15000]: (day(1), RAVI),
		}
		self.assertEqual(asked_on, expected)
		self.assertNotIn(self.recent, self.win_backs(), "a customer who bought a month ago is not lapsed")
		self.assertEqual(getdate(frappe.db.get_single_value(SETTINGS, "lapsed_backlog_before")), self.start)

	def test_a_second_run_of_the_same_day_asks_nobody_more(self):
		planner.plan()
		first = self.win_backs()
		frappe.db.set_single_value(SETTINGS, "last_planned_on", None)  # as if the day's plan ran again
		planner.plan(self.start)
		self.assertEqual(self.win_backs(), first)
		per_associate = {}
		for row in first.values():
			per_associate[row.assigned_to] = per_associate.get(row.assigned_to, 0) + 1
		self.assertEqual(per_associate, {ASHA: PER_DAY, RAVI: PER_DAY})

	def test_nobody_is_caught_up_when_the_store_says_none(self):
		committed_settings(SETTINGS, lapsed_backlog_per_associate=0)
		planner.plan()
		self.assertEqual(self.win_backs(), {})

	def test_the_catching_up_ends_when_nobody_is_left_and_the_past_is_learnt(self):
		# nobody on the site lapsed before 1990: the backlog is empty
		committed_settings(
			SETTINGS, lapsed_backlog_before="1990-01-01", last_planned_on=self.start - timedelta(days=1)
		)
		self.assertEqual(history.state().status, history.DONE)
		planner.plan()
		self.assertIsNone(frappe.db.get_value(SETTINGS, SETTINGS, "lapsed_backlog_before"))
		self.assertEqual(self.win_backs(), {})
