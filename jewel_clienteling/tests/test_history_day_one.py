"""The store's first day with the app: its past is learnt, and what the manager and the associate see
(the counter's snapshot, segments, the lapsed list, the milestone calendar, the workspace's figures)
already knows every customer of that past, exactly as if each sale had been learnt when it was made."""

from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, cint, getdate, nowdate

from jewel_clienteling.domain import segments as seg
from jewel_clienteling.services import dashboard, history, segments, snapshot
from jewel_clienteling.tests import history_store as past


def _segment(*rules: seg.Rule) -> set[str]:
	customer, query = segments.customers(list(rules))
	return {row[0] for row in query.select(customer.name).run()}


def _figures() -> dict:
	return {
		"lapsed": cint(dashboard.lapsed_customers()),
		"occasions in 30 days": cint(dashboard.occasions_ahead(30)),
	}


class TestTheFirstDayAfterTheHistoryIsLearnt(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.store = past.make_past(frappe.generate_hash(length=5))
		cls.customers = past.customers_of(cls.store)

	def test_what_the_store_sees_knows_every_customer_of_its_past(self):
		store = self.store
		past.forget(self.customers)
		before = _figures()
		lapsed_rule = seg.Rule(seg.LIFECYCLE_STAGE, seg.IS, names=("Lapsed",))
		big_spenders = seg.Rule(seg.LIFETIME_VALUE, seg.AT_LEAST, number=Decimal(100000))
		self.assertFalse(_segment(lapsed_rule) & set(self.customers), "nothing learnt yet")

		self.assertEqual(history.run(restart=True)["status"], history.DONE)

		# the workspace's figures count them: two more lapsed customers (the one who last bought two
		# years ago, the one whose only kept sale is 400 days old), one more occasion ahead
		after = _figures()
		self.assertEqual(after["lapsed"] - before["lapsed"], 2)
		self.assertEqual(after["occasions in 30 days"] - before["occasions in 30 days"], 1)

		# segments and the lapsed list find them by what they bought years ago
		self.assertEqual(_segment(lapsed_rule) & set(self.customers), {store.lapsed, store.returned})
		self.assertIn(store.lapsed, _segment(big_spenders))
		self.assertNotIn(store.quiet, _segment(big_spenders))
		lapsed_list = frappe.get_all("Customer", {"jc_lifecycle_stage": "Lapsed"}, pluck="name")
		self.assertIn(store.lapsed, lapsed_list)

		# the milestone calendar shows the anniversary captured at a sale made before the install
		calendar = frappe.get_all(
			"Occasion",
			filters={
				"customer": store.new,
				"next_occurrence": ("between", [nowdate(), add_days(nowdate(), 30)]),
			},
			fields=["occasion_type", "next_occurrence"],
		)
		self.assertEqual(
			[(row.occasion_type, getdate(row.next_occurrence)) for row in calendar],
			[("Anniversary", getdate(add_days(nowdate(), 20)))],
		)

		# the counter's snapshot: her purchases, her stage, her size, her occasion
		seen = snapshot.build(store.at_risk)
		self.assertEqual(seen["profile"].jc_lifecycle_stage, "At risk")
		self.assertEqual(seen["profile"].jc_purchases, 1)
		self.assertTrue(seen["purchases"], "her last purchases are listed")
		self.assertIn(
			("Ring Size", "12"),
			{(row.dimension, row.value) for row in seen["preferences"]},
			"the ring size of her old sale is on the snapshot",
		)
		self.assertEqual(
			[row["occasion_type"] for row in snapshot.build(store.new)["occasions"]], ["Anniversary"]
		)
