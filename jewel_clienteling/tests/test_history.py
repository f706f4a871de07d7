"""A store that already sells: its invoices exist before the app learns anything (made with learning
off, days, months and years old), then the history job learns them, and every profile must be what
the live refresh makes of the same sales, field by field."""

from collections import Counter

import frappe
from frappe.query_builder import DocType
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, flt, getdate, nowdate

from jewel_clienteling.services import history, sync
from jewel_clienteling.tests import history_store as past
from jewel_clienteling.tests.utils import committed_settings, waiting_to_be_learnt

PAGE = 7  # small pages, so the test site's customers take several


class TestLearningHistory(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.store = past.make_past(frappe.generate_hash(length=5))
		cls.customers = past.customers_of(cls.store)
		cls.before_install = past.snapshot(cls.customers)

	def setUp(self):
		past.forget(self.customers)

	def learn_history(self, **kwargs) -> dict:
		summary = history.run(restart=True, page_size=PAGE, **kwargs)
		self.assertFalse(summary.get("already_running"))
		return summary

	def test_sales_made_before_the_app_learnt_taught_it_nothing(self):
		for name, learnt in self.before_install.items():
			self.assertFalse(learnt["profile"].jc_purchases, name)
			self.assertFalse([row for row in learnt["preferences"] if row[3] == "Inferred"], name)
			self.assertEqual(learnt["occasions"], [], name)
			self.assertFalse({row[3] for row in learnt["seen"]} - {0, None}, name)
			self.assertNotIn(name, waiting_to_be_learnt(), "no sale queued her for learning")

	def test_history_learns_what_the_live_refresh_learns_field_by_field(self):
		for name in self.customers:
			sync.run_refresh(name)  # the after-sale job, one customer at a time
		live = past.snapshot(self.customers)
		past.forget(self.customers)

		summary = self.learn_history()
		self.assertEqual(summary["status"], history.DONE)
		self.assertGreater(summary["pages"], 1)
		learnt = past.snapshot(self.customers)
		for name in self.customers:
			for part in ("profile", "occasions", "preferences", "seen"):
				with self.subTest(customer=name, part=part):
					self.assertEqual(learnt[name][part], live[name][part])

		# and the live refresh of what the job learnt has nothing left to write
		modified = {
			name: frappe.get_all("Preference", {"customer": name}, pluck="modified")
			for name in self.customers
		}
		for name in self.customers:
			sync.run_refresh(name)
		self.assertEqual(past.snapshot(self.customers), learnt)
		for name in self.customers:
			self.assertEqual(
				frappe.get_all("Preference", {"customer": name}, pluck="modified"), modified[name]
			)

	def test_days_months_and_years_old_sales_are_learnt_as_they_stand_today(self):
		self.learn_history()
		store, learnt = self.store, past.snapshot(self.customers)
		stage = {name: learnt[name]["profile"].jc_lifecycle_stage for name in self.customers}
		self.assertEqual(
			[stage[store[role]] for role in ("new", "at_risk", "lapsed", "loyal", "quiet")],
			["New", "At risk", "Lapsed", "Loyal", None],
		)
		lapsed = learnt[store.lapsed]["profile"]
		self.assertEqual(getdate(lapsed.jc_first_purchase_date), getdate(add_days(nowdate(), -3 * 365)))
		self.assertEqual((lapsed.jc_purchases, lapsed.jc_visits), (2, 2))
		[wedding] = learnt[store.lapsed]["occasions"]
		self.assertEqual(wedding[:6], ("Wedding", "", "Self", 10, "2", 2019))
		[anniversary] = learnt[store.new]["occasions"]
		self.assertEqual(anniversary[:3], ("Anniversary", "Rahul", "Spouse"))
		self.assertEqual(getdate(anniversary[6]), getdate(add_days(nowdate(), 20)))
		preferences = {(row[0], row[2]): row[3] for row in learnt[store.at_risk]["preferences"]}
		self.assertEqual(preferences[("Ring Size", "12")], "Inferred")
		self.assertEqual(preferences[("Stone", "Polki")], "Inferred")
		sizes = [(row[2], row[3]) for row in learnt[store.stated]["preferences"] if row[0] == "Ring Size"]
		self.assertEqual(sizes, [("14", "Stated")], "what she told us is never overwritten")

	def test_cancelled_returned_and_consolidated_invoices_count_as_they_do_live(self):
		self.learn_history()
		store, learnt = self.store, past.snapshot(self.customers)

		returned = learnt[store.returned]["profile"]
		self.assertEqual(returned.jc_purchases, 1)
		self.assertAlmostEqual(
			flt(returned.jc_lifetime_value), flt(store.returned_sale.base_grand_total) - 150000
		)
		self.assertNotIn(
			("Category", "Necklaces"), {(r[0], r[2]) for r in learnt[store.returned]["preferences"]}
		)

		cancelled = learnt[store.cancelled]["profile"]
		self.assertEqual((cancelled.jc_purchases, flt(cancelled.jc_lifetime_value)), (1, 40000))
		self.assertEqual(learnt[store.cancelled]["occasions"], [], "a cancelled gift names no occasion")
		self.assertIn(
			("Sales Invoice", store.cancelled_sale.name, 2, 2),
			learnt[store.cancelled]["seen"],
			"cancel learnt",
		)

		counter = learnt[store.counter]["profile"]
		self.assertEqual((counter.jc_purchases, flt(counter.jc_lifetime_value)), (2, store.counter_total))
		self.assertEqual(counter.jc_home_store, "JC Counter")
		self.assertIn(
			("Sales Invoice", store.consolidated, 1, 0),
			learnt[store.counter]["seen"],
			"a POS closing is not a sale: not read, not marked",
		)

	def test_tiers_and_their_timeline_notes_are_learnt_as_live(self):
		old = committed_settings("Clienteling Settings", loyalty_enabled=1)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		before = tier_notes(self.customers)
		for name in self.customers:
			sync.run_refresh(name)
		live = past.snapshot(self.customers)
		after_live = tier_notes(self.customers)
		self.assertEqual(live[self.store.counter]["profile"].jc_loyalty_tier, "Gold", "2,00,000 in a year")

		past.forget(self.customers)
		self.learn_history()
		learnt = past.snapshot(self.customers)
		after_history = tier_notes(self.customers)
		for name in self.customers:
			with self.subTest(customer=name):
				self.assertEqual(learnt[name]["profile"], live[name]["profile"])
				# the job tells each change of tier on her timeline as the live refresh told it
				self.assertEqual(after_history[name] - after_live[name], after_live[name] - before[name])
		self.assertTrue(after_live[self.store.counter] - before[self.store.counter])


def tier_notes(customers: list[str]) -> dict[str, Counter]:
	comment = DocType("Comment")
	notes = {name: Counter() for name in customers}
	for name, content in (
		frappe.qb.from_(comment)
		.select(comment.reference_name, comment.content)
		.where(
			(comment.reference_doctype == "Customer")
			& comment.reference_name.isin(customers)
			& comment.content.like("Loyalty tier%")
		)
		.run()
	):
		notes[name][content] += 1
	return notes
