"""Learning sale by sale, as the counters make them, ends where learning everything from scratch does.

Hypothesis draws short histories of two customers: POS sales, Sales Invoices made days ago (some
naming an occasion), returns of part or all of a sale, cancellations and POS closings that
consolidate a customer's POS sales. Each is made through ERPNext's own controllers and committed as a
request would; the learning job the sales queued runs after some events and not others, so it learns
one sale, or several of both customers, at once. Then everything learnt of them is forgotten and
learnt again from scratch in one go, and both must agree field by field. Few examples, drawn the
same way on every run (derandomize), so the test cannot pass or fail by chance."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate
from frappe.utils.background_jobs import get_job, get_queues
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from jewel_clienteling.services import learning, sync
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests import history_store as past
from jewel_clienteling.tests.utils import (
	committed_settings,
	discard_queued_jobs,
	profile,
	run_queued_learning,
	waiting_to_be_learnt,
)

SETTINGS = "Clienteling Settings"
ITEMS = [
	[(past.RING, 45000, 1, "12")],
	[(past.NECKLACE, 150000)],
	[(past.RING, 50000), (past.BANGLE, 30000)],
	[(past.PLATINUM_RING, 90000, 1, "14")],
]
KINDS = ("sale", "sale", "return", "cancel", "close")
EVENTS = st.lists(
	st.tuples(st.sampled_from(KINDS), st.integers(0, 1), st.integers(0, 10_000), st.booleans()),
	min_size=3,
	max_size=8,
)


def learning_jobs() -> list[str]:
	"""Ids of the learning jobs queued for this site."""
	prefix = f"{frappe.local.site}::{sync.job_id('')}"
	return [job_id for queue in get_queues() for job_id in queue.get_job_ids() if job_id.startswith(prefix)]


def _as_read(snapshot: dict) -> dict:
	"""An empty text field is NULL or "" depending on who wrote it last (a new Customer has "", a
	customer learnt with no sale NULL): the same to every reader."""
	for learnt in snapshot.values():
		learnt["profile"] = {key: None if value == "" else value for key, value in learnt["profile"].items()}
	return snapshot


class TestLiveLearning(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		past.make_fiscal_years(back=2)
		cls.old = committed_settings(SETTINGS, enabled=1)

	@classmethod
	def tearDownClass(cls):
		committed_settings(SETTINGS, **cls.old)
		super().tearDownClass()

	@settings(
		max_examples=5,
		deadline=None,
		derandomize=True,
		database=None,
		phases=[
			Phase.explicit,
			Phase.generate,
		],  # a failure is reported as drawn: shrinking takes minutes a step
		suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
	)
	@given(EVENTS)
	def test_learning_sale_by_sale_equals_learning_from_scratch(self, events):
		self.live_equals_scratch(events)

	def test_a_history_with_returns_cancellations_and_a_closing(self):
		"""Two POS sales, part of one returned, the other consolidated at closing; an occasion
		captured and then cancelled; a full return."""
		happened = self.live_equals_scratch(
			[
				("sale", 0, 0, False),
				("sale", 0, 2, False),
				("sale", 1, 8, True),
				("return", 0, 1, False),
				("close", 0, 0, True),
				("sale", 1, 5, False),
				("cancel", 1, 0, True),
				("return", 1, 0, False),
			]
		)
		self.assertEqual(happened, ["sale", "sale", "sale", "return", "close", "sale", "cancel", "return"])

	def test_sales_close_together_queue_one_job_that_learns_them_all(self):
		discard_queued_jobs()
		customers = [fx.make_customer() for _ in range(3)]
		for customer in customers:
			fx.make_pos_invoice(customer, ITEMS[0], jc_purchase_occasion="Self")
			frappe.db.commit()  # nosemgrep: each sale is a request of its own
		self.assertEqual(waiting_to_be_learnt(), set(customers))
		self.assertEqual(len(learning_jobs()), 1, "one job for all three sales, not one a sale")
		self.assertTrue(run_queued_learning())
		self.assertEqual(waiting_to_be_learnt(), set())
		self.assertEqual([profile(customer).jc_purchases for customer in customers], [1, 1, 1])
		self.assertEqual(learning_jobs(), [])

		# the job gave the set back when it found it empty: the next sale queues a new one
		fx.make_pos_invoice(customers[0], ITEMS[1])
		frappe.db.commit()  # nosemgrep: a request commits its sale
		self.assertEqual(len(learning_jobs()), 1)
		self.assertTrue(run_queued_learning())
		self.assertEqual(profile(customers[0]).jc_purchases, 2)

	def test_a_job_at_its_time_limit_hands_the_waiting_to_a_fresh_one(self):
		discard_queued_jobs()
		customer = fx.make_customer()
		fx.make_pos_invoice(customer, ITEMS[0])
		frappe.db.commit()  # nosemgrep: a request commits its sale
		[first] = learning_jobs()
		job = get_job(first.split("::", 1)[1])
		kwargs = job.kwargs["kwargs"]
		job.delete()
		self.assertEqual(sync.learn_pending(**{**kwargs, "gather": 0, "linger": 0, "max_seconds": 0}), 0)
		self.assertIn(customer, waiting_to_be_learnt())
		[second] = learning_jobs()
		self.assertNotEqual(first, second)
		self.assertTrue(run_queued_learning())
		self.assertEqual(profile(customer).jc_purchases, 1)

	def live_equals_scratch(self, events) -> list[str]:
		"""Make the events, learnt as they come; then learn it all from scratch; both must agree.
		Returns the events that could happen (a return needs a sale standing)."""
		discard_queued_jobs()
		customers = [fx.make_customer(), fx.make_customer()]
		frappe.db.commit()  # nosemgrep: the counters' requests see them
		made: list[tuple[str, str]] = []  # (doctype, name) of every invoice, in order
		happened = []
		for kind, who, pick, learn_now in events:
			if getattr(self, f"_{kind}")(customers[who], pick, made):
				happened.append(kind)
			frappe.db.commit()  # nosemgrep: a request commits its sale; the hook acts after it
			if learn_now:
				run_queued_learning()
		run_queued_learning()
		self.assertFalse(set(customers) & waiting_to_be_learnt(), "every sale was learnt")
		live = _as_read(past.snapshot(customers))

		# her home store is an assignment (the store of her first sale, or where she was registered)
		# that learning never moves, a cancellation included: forgetting keeps it
		homes = {name: frappe.db.get_value("Customer", name, "jc_home_store") for name in customers}
		past.forget(customers)
		for name, home in homes.items():
			frappe.db.set_value("Customer", name, "jc_home_store", home, update_modified=False)
		learning.learn(customers, getdate(nowdate()))
		frappe.db.commit()  # nosemgrep: learnt from scratch, as the history job commits a page
		scratch = _as_read(past.snapshot(customers))
		for name in customers:
			for part, learnt in live[name].items():
				self.assertEqual(learnt, scratch[name][part], f"{part} of {name} after {events}")
		return happened

	# ------------------------------------------------------------------------------- the events

	def _sale(self, customer: str, pick: int, made: list) -> bool:
		items = ITEMS[pick % len(ITEMS)]
		way = pick // len(ITEMS) % 3
		if way == 0:
			doc = fx.make_pos_invoice(customer, items, jc_purchase_occasion="Self")
		elif way == 1:
			doc = past.sale(customer, pick % 500, items)
		else:
			doc = past.sale(
				customer,
				pick % 90,
				items,
				jc_purchase_occasion="Anniversary gift",
				jc_recipient_name="Rahul",
				jc_recipient_relation="Spouse",
				jc_occasion_date=add_days(nowdate(), pick % 300 - 150),
			)
		made.append((doc.doctype, doc.name))
		return True

	def _return(self, customer: str, pick: int, made: list) -> bool:
		candidates = [doc for doc in self._standing(customer, made) if not doc.is_return]
		if candidates:
			original = candidates[pick % len(candidates)]
			partial = len(original.items) > 1 and pick % 2
			returned = fx.make_return(original, {original.items[0].item_code: 1} if partial else None)
			made.append((returned.doctype, returned.name))
		return bool(candidates)

	def _cancel(self, customer: str, pick: int, made: list) -> bool:
		candidates = self._standing(customer, made)
		if candidates:
			candidates[pick % len(candidates)].cancel()
		return bool(candidates)

	def _close(self, customer: str, pick: int, made: list) -> bool:
		counter_sales = [
			doc
			for doc in self._standing(customer, made)
			if doc.doctype == "POS Invoice" and not doc.is_return
		]
		if counter_sales:
			past.consolidate(customer, counter_sales)
		return bool(counter_sales)

	def _standing(self, customer: str, made: list) -> list:
		"""Her submitted invoices that can still be returned or cancelled: not consolidated at a POS
		closing, nothing returned against them."""
		docs = [frappe.get_doc(doctype, name) for doctype, name in made]
		returned = {(doc.doctype, doc.return_against) for doc in docs if doc.is_return and doc.docstatus == 1}
		return [
			doc
			for doc in docs
			if doc.customer == customer
			and doc.docstatus == 1
			and not doc.get("consolidated_invoice")
			and (doc.doctype, doc.name) not in returned
		]
