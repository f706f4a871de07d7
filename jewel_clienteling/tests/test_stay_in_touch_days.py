"""Valued customers the store has been silent to: the days pass with the scheduler's own jobs. Those
already silent too long when the rule is switched on are caught up a few a day per associate, the most
valuable first, each once (a customer without consent counts once, then never again); the others get
their note the very day their silence reaches its length, counted from the last purchase or from the
last message, and never sooner than their own rhythm. The store's past is made with the app off and
learnt by the history job."""

from datetime import timedelta

import frappe
from frappe.query_builder import DocType
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.patches.v1 import catch_up_silent_customers
from jewel_clienteling.services import history, planner, planner_backlog
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.history_store import RING, make_fiscal_years
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import committed_settings, live_through

SETTINGS = "Clienteling Settings"
SINCE = "stay_in_touch_backlog_since"
# an associate of her own each run, so customers of an earlier run never share her allowance
ASHA = f"jc-silence-asha-{frappe.generate_hash(length=6)}@example.com"
SILENCE, PER_DAY, DAYS = 21, 2, 12
RULES = {
	"enabled": 1,
	"outreach_enabled": 1,
	"occasion_reminders_enabled": 0,
	"post_purchase_enabled": 0,
	"review_after_days": 0,
	"referral_ask_after_days": 0,
	"ask_wedding_date_after_days": 0,
	"festival_campaigns_enabled": 0,
	"old_gold_offers_enabled": 0,
	"lapsed_enabled": 0,
	"lapsed_backlog_per_associate": PER_DAY,
	"frequency_cap_days": 14,
	"stay_in_touch_days": 0,
	SINCE: None,
}
# label: (days ago of her two purchases, what she spent each time, her consent, her rhythm)
CUSTOMERS = {
	"no consent": ((160, 100), 90000, 0, None),  # the most valuable: asked first, counted once
	"long silent": ((150, 90), 70000, 1, None),
	"silent": ((120, 60), 50000, 1, None),
	"less silent": ((80, 40), 30000, 1, None),
	"least": ((60, 30), 10000, 1, None),
	"due day 6": ((30, 15), 20000, 1, None),
	"monthly, due day 5": ((40, 25), 20000, 1, rhythm.MONTHLY),
	"written to, due day 11": ((60, 50), 20000, 1, None),
}


class TestStayingInTouchAsDaysPass(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_fiscal_years()
		fx.make_user(ASHA, "Sales User")
		cls.start = getdate(nowdate())
		old = committed_settings(SETTINGS, enabled=0)  # the store's past, before the app arrived
		try:
			cls.who = {}
			for label, (days_ago, spent, consent, her_rhythm) in CUSTOMERS.items():
				cls.who[label] = fx.make_customer(
					mobile_no="+91" + unique_mobile(),
					jc_whatsapp_opt_in=consent,
					jc_preferred_associate=ASHA,
					jc_contact_rhythm=her_rhythm,
				)
				for ago in days_ago:
					fx.make_sales_invoice(
						cls.who[label], [(RING, spent)], posting_date=cls.start - timedelta(days=ago)
					)
			cls.once = fx.make_customer(mobile_no="+91" + unique_mobile(), jc_preferred_associate=ASHA)
			fx.make_sales_invoice(cls.once, [(RING, 80000)], posting_date=cls.start - timedelta(days=90))
		finally:
			committed_settings(SETTINGS, **old)
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: the days to come run the scheduler's jobs in their own transactions
		history.run(restart=True)
		# two festival greetings went to her ten days ago: her silence counts from them
		for cycle in ("greeting", "second greeting"):
			frappe.get_doc(
				{
					"doctype": "Client Outreach",
					"customer": cls.who["written to, due day 11"],
					"reason": outreach_rules.CAMPAIGN,
					"step": "Greeting",
					"purpose": outreach_rules.MARKETING,
					"status": lifecycle.SENT,
					"due_date": cls.start - timedelta(days=10),
					"channel": "WhatsApp",
					"cycle": cycle,
					"reference_doctype": "Customer",
					"reference_name": cls.who["written to, due day 11"],
				}
			).insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit

	def setUp(self):
		frappe.set_user("Administrator")
		old = committed_settings(SETTINGS, **RULES, last_planned_on=self.start - timedelta(days=1))
		self.addCleanup(committed_settings, SETTINGS, **old)
		self.addCleanup(self.forget_notes)

	def forget_notes(self):
		outreach = DocType("Client Outreach")
		frappe.qb.from_(outreach).delete().where(
			(outreach.reason == outreach_rules.STAY_IN_TOUCH) & (outreach.due_date >= self.start)
		).run()
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: what the scheduler's jobs committed is put back the same way

	def notes(self) -> dict[str, frappe._dict]:
		label_of = {name: label for label, name in self.who.items()} | {self.once: "once"}
		rows = frappe.get_all(
			"Client Outreach",
			filters={"reason": outreach_rules.STAY_IN_TOUCH, "customer": ("in", list(label_of))},
			fields=["customer", "due_date", "assigned_to", "status", "cycle"],
		)
		self.assertEqual(len(rows), len({row.customer for row in rows}), "one note a silence")
		return {label_of[row.customer]: row for row in rows}

	def switch_on(self, days: int) -> None:
		settings = frappe.get_single(SETTINGS)
		settings.stay_in_touch_days = days
		settings.save()
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: as the manager's save commits it, before the days to come

	def test_caught_up_a_few_a_day_then_each_on_the_day_her_silence_reaches_its_length(self):
		stages = {
			name: frappe.db.get_value("Customer", name, "jc_lifecycle_stage") for name in self.who.values()
		}
		self.assertTrue(all(stage in rhythm.VALUED_STAGES for stage in stages.values()), stages)
		self.assertNotIn(
			frappe.db.get_value("Customer", self.once, "jc_lifecycle_stage"), rhythm.VALUED_STAGES
		)
		self.switch_on(SILENCE)
		self.assertEqual(clienteling_settings.stored_date(SINCE), self.start)
		noted_on: dict[str, tuple] = {}

		def each_day_so_far(day):
			for label, row in self.notes().items():
				noted_on.setdefault(label, ((getdate(row.due_date) - self.start).days, row.status))

		live_through(self, days=DAYS, on_day=each_day_so_far)

		days = {label: day for label, (day, _status) in noted_on.items()}
		self.assertEqual(
			days,
			{
				"no consent": 0,
				"long silent": 0,
				"silent": 1,
				"less silent": 1,
				"least": 2,
				"monthly, due day 5": 5,
				"due day 6": 6,
				"written to, due day 11": 11,
			},
		)
		self.assertEqual(noted_on["no consent"][1], lifecycle.SKIPPED)
		self.assertTrue(
			all(
				status in lifecycle.COUNTED
				for label, (_d, status) in noted_on.items()
				if label != "no consent"
			)
		)
		notes = self.notes()
		self.assertEqual({row.assigned_to for row in notes.values()}, {ASHA})
		# each note's silence: from her last purchase, or from the greeting ten days before the start
		self.assertEqual(getdate(notes["written to, due day 11"].cycle), self.start - timedelta(days=10))
		self.assertEqual(getdate(notes["due day 6"].cycle), self.start - timedelta(days=15))

	def test_nobody_is_caught_up_when_the_store_says_none(self):
		committed_settings(SETTINGS, lapsed_backlog_per_associate=0)
		self.switch_on(SILENCE)
		planner.plan()
		self.assertEqual(
			{label for label, row in self.notes().items() if getdate(row.due_date) == self.start}, set()
		)

	def test_the_catching_up_ends_when_nobody_is_silent_too_long(self):
		# nobody on the site has been silent for fifty years
		self.switch_on(50 * 365)
		self.assertEqual(clienteling_settings.stored_date(SINCE), self.start)
		self.assertEqual(history.state().status, history.DONE)
		planner.plan()
		self.assertIsNone(clienteling_settings.stored_date(SINCE))
		self.assertEqual(self.notes(), {})
		# lengthening it later catches nobody up; shortening it starts again
		self.switch_on(60 * 365)
		self.assertIsNone(clienteling_settings.stored_date(SINCE))
		self.switch_on(SILENCE)
		self.assertEqual(clienteling_settings.stored_date(SINCE), self.start)

	def test_the_catching_up_starts_on_the_first_planning_day_and_after_an_upgrade(self):
		settings = frappe.get_single(SETTINGS)
		settings.stay_in_touch_days = SILENCE
		planner_backlog.start_if_first_run(self.start, ever_planned=True, settings=settings)
		self.assertIsNone(clienteling_settings.stored_date(SINCE), "a store that planned before")
		planner_backlog.start_if_first_run(self.start, ever_planned=False, settings=settings)
		self.assertEqual(clienteling_settings.stored_date(SINCE), self.start)
		# a store upgraded from a version that planned without it starts from its last planned day
		committed_settings(SETTINGS, stay_in_touch_days=SILENCE, **{SINCE: None})
		catch_up_silent_customers.execute()
		self.assertEqual(clienteling_settings.stored_date(SINCE), self.start - timedelta(days=1))
		committed_settings(SETTINGS, stay_in_touch_days=0, **{SINCE: None})
		catch_up_silent_customers.execute()
		self.assertIsNone(clienteling_settings.stored_date(SINCE), "nothing to catch up with the rule off")
