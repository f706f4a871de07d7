"""Every invoice path enriches (or un-enriches) the customer's profile, and never blocks the sale."""

from datetime import date

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, background_jobs, flt, getdate, nowdate

from jewel_clienteling.services import facts, sync
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.utils import (
	commit_and_run_queued_refresh,
	occasions,
	preferences,
	profile,
	run_in_bench,
	waiting_to_be_learnt,
)

EVERYONE = 1_000_000  # whatever else the site still has waiting, look at all of it
RING = "JC-RING-GLD-22K-PLK"
PLATINUM_RING = "JC-RING-PLT-950-DIA"
NECKLACE = "JC-NECK-GLD-22K-PLK"


class TestSaleEnrichment(FrappeTestCase):
	def test_pos_invoice_teaches_profile_occasion_and_preferences(self):
		customer = fx.make_customer()
		anniversary = add_days(nowdate(), 20)
		sale = fx.make_pos_invoice(
			customer,
			[(RING, 85000, 1, "12")],
			jc_purchase_occasion="Anniversary gift",
			jc_recipient_name="Rahul",
			jc_recipient_relation="Spouse",
			jc_occasion_date=anniversary,
		)
		commit_and_run_queued_refresh(self, customer)

		stats = profile(customer)
		self.assertEqual(stats.jc_purchases, 1)
		self.assertEqual(stats.jc_visits, 1)
		self.assertEqual(flt(stats.jc_lifetime_value), flt(sale.base_grand_total))
		self.assertEqual(getdate(stats.jc_first_purchase_date), getdate(sale.posting_date))
		self.assertEqual(stats.jc_lifecycle_stage, "New")

		[occasion] = occasions(customer)
		self.assertEqual(
			(occasion.occasion_type, occasion.person_name, occasion.relation, occasion.source),
			("Anniversary", "Rahul", "Spouse", "Captured at Sale"),
		)
		self.assertEqual(getdate(occasion.next_occurrence), getdate(anniversary))

		learnt = preferences(customer, "Inferred")
		for expected in [("Metal", "Gold"), ("Purity", "22K"), ("Stone", "Polki"), ("Category", "Rings")]:
			self.assertIn(expected, learnt)
		# a gift for her husband says nothing about her own ring size
		self.assertNotIn("Ring Size", {dimension for dimension, _ in learnt})

	def test_refreshing_twice_changes_nothing(self):
		customer = fx.make_customer()
		fx.make_pos_invoice(customer, [(RING, 50000, 1, "11")], jc_purchase_occasion="Self")
		commit_and_run_queued_refresh(self, customer)
		before = (profile(customer), preferences(customer), occasions(customer))
		sync.run_refresh(customer)
		sync.run_refresh(customer)
		self.assertEqual((profile(customer), preferences(customer), occasions(customer)), before)
		self.assertIn(("Ring Size", "11"), preferences(customer, "Inferred"))

	def test_repeat_purchase_strengthens_preference(self):
		customer = fx.make_customer()
		fx.make_pos_invoice(customer, [(RING, 50000)])
		commit_and_run_queued_refresh(self, customer)
		polki_once = preferences(customer)[("Stone", "Polki")].score
		fx.make_pos_invoice(customer, [(NECKLACE, 150000), (PLATINUM_RING, 90000)])
		commit_and_run_queued_refresh(self, customer)
		learnt = preferences(customer)
		self.assertGreater(learnt[("Stone", "Polki")].score, polki_once)
		self.assertGreater(learnt[("Stone", "Polki")].score, learnt[("Stone", "Diamond")].score)
		self.assertEqual(profile(customer).jc_purchases, 2)
		self.assertEqual(profile(customer).jc_lifecycle_stage, "Repeat")

	def test_sales_invoices_with_and_without_is_pos_count(self):
		customer = fx.make_customer()
		counter = fx.make_sales_invoice(customer, [(RING, 40000)], is_pos=1)
		desk = fx.make_sales_invoice(customer, [(NECKLACE, 60000)], posting_date=fx.days_ago(40))
		commit_and_run_queued_refresh(self, customer)
		stats = profile(customer)
		self.assertEqual(stats.jc_purchases, 2)
		self.assertEqual(stats.jc_visits, 2)
		self.assertEqual(flt(stats.jc_lifetime_value), flt(counter.base_grand_total + desk.base_grand_total))
		self.assertEqual(getdate(stats.jc_first_purchase_date), getdate(fx.days_ago(40)))

	def test_partial_return_lowers_value_and_forgets_the_returned_piece(self):
		customer = fx.make_customer()
		sale = fx.make_pos_invoice(customer, [(RING, 50000), (NECKLACE, 150000)])
		commit_and_run_queued_refresh(self, customer)
		self.assertIn(("Category", "Necklaces"), preferences(customer))

		fx.make_return(sale, {NECKLACE: 1})
		commit_and_run_queued_refresh(self, customer)
		stats = profile(customer)
		self.assertEqual(stats.jc_purchases, 1)
		self.assertAlmostEqual(flt(stats.jc_lifetime_value), flt(sale.base_grand_total) - 150000, places=2)
		self.assertNotIn(("Category", "Necklaces"), preferences(customer))
		self.assertIn(("Category", "Rings"), preferences(customer))

	def test_full_return_undoes_the_sale(self):
		customer = fx.make_customer()
		sale = fx.make_pos_invoice(
			customer,
			[(RING, 50000)],
			jc_purchase_occasion="Birthday gift",
			jc_recipient_name="Anaya",
			jc_recipient_relation="Daughter",
			jc_occasion_date=add_days(nowdate(), 10),
		)
		commit_and_run_queued_refresh(self, customer)
		self.assertEqual([o.occasion_type for o in occasions(customer)], ["Child's Birthday"])

		fx.make_return(sale)
		commit_and_run_queued_refresh(self, customer)
		stats = profile(customer)
		self.assertEqual((stats.jc_purchases, stats.jc_visits, flt(stats.jc_lifetime_value)), (0, 0, 0))
		self.assertFalse(stats.jc_lifecycle_stage)
		self.assertEqual(occasions(customer), [])
		self.assertEqual(preferences(customer, "Inferred"), {})

	def test_cancel_undoes_the_sale_but_keeps_what_she_told_us(self):
		customer = fx.make_customer()
		frappe.get_doc(
			{"doctype": "Preference", "customer": customer, "dimension": "Metal", "value": "Rose Gold"}
		).insert()
		sale = fx.make_sales_invoice(
			customer,
			[(RING, 70000)],
			jc_purchase_occasion="Wedding",
			jc_recipient_name="Meera",
			jc_recipient_relation="Sister",
			jc_occasion_date="2026-12-12",
		)
		commit_and_run_queued_refresh(self, customer)
		[wedding] = occasions(customer)
		self.assertEqual((wedding.occasion_type, wedding.year), ("Wedding", 2026))

		sale.reload()
		sale.cancel()
		commit_and_run_queued_refresh(self, customer)
		self.assertEqual(profile(customer).jc_purchases, 0)
		self.assertEqual(occasions(customer), [])
		self.assertEqual(list(preferences(customer)), [("Metal", "Rose Gold")])

	def test_stated_ring_size_is_never_overwritten(self):
		customer = fx.make_customer()
		frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": customer,
				"dimension": "Ring Size",
				"qualifier": "Right ring finger",
				"value": "14",
			}
		).insert()
		fx.make_pos_invoice(customer, [(RING, 50000, 1, "12")], jc_purchase_occasion="Self")
		commit_and_run_queued_refresh(self, customer)
		sizes = [(p.value, p.source) for key, p in preferences(customer).items() if key[0] == "Ring Size"]
		self.assertEqual(sizes, [("14", "Stated")])

	def test_pos_closing_consolidation_is_not_a_new_sale(self):
		customer = fx.make_customer()
		first = fx.make_pos_invoice(customer, [(RING, 50000)])
		second = fx.make_pos_invoice(customer, [(NECKLACE, 150000)])
		commit_and_run_queued_refresh(self, customer)

		merge = frappe.new_doc("POS Invoice Merge Log")
		merge.posting_date = nowdate()
		merge.customer = customer
		merge.set(
			"pos_invoices",
			[
				{"pos_invoice": first.name, "customer": customer},
				{"pos_invoice": second.name, "customer": customer},
			],
		)
		merge.save(ignore_permissions=True)
		merge.submit()
		consolidated = frappe.db.get_value("POS Invoice", first.name, "consolidated_invoice")
		self.assertTrue(frappe.db.get_value("Sales Invoice", consolidated, "is_consolidated"))
		frappe.db.commit()  # nosemgrep
		self.assertNotIn(customer, waiting_to_be_learnt(), "a consolidation must not look like a sale")

		sync.run_refresh(customer)
		stats = profile(customer)
		self.assertEqual(stats.jc_purchases, 2)
		self.assertEqual(flt(stats.jc_lifetime_value), flt(first.base_grand_total + second.base_grand_total))

	def test_walk_in_sale_enriches_nothing_and_submits(self):
		customer = fx.make_customer()
		with change_settings("Clienteling Settings", walk_in_customer=customer):
			sale = fx.make_pos_invoice(
				customer,
				[(RING, 50000)],
				jc_purchase_occasion="Anniversary gift",
				jc_occasion_date=add_days(nowdate(), 5),
			)
			self.assertEqual(sale.docstatus, 1)
			frappe.db.commit()  # nosemgrep
			self.assertNotIn(customer, waiting_to_be_learnt())
			self.assertNotIn(customer, sync.customers_needing_refresh(EVERYONE))
			sync.run_refresh(customer)
		self.assertEqual(profile(customer).jc_purchases, 0)
		self.assertEqual(occasions(customer), [])

	def test_sale_commits_when_redis_is_down_and_the_sweep_catches_up(self):
		customer = fx.make_customer()
		conf = frappe.local.conf
		original = conf.get("redis_queue")
		conf["redis_queue"] = "redis://127.0.0.1:9"  # nothing listens there: the queue is down
		background_jobs._redis_queue_conn = None
		try:
			sale = fx.make_pos_invoice(customer, [(RING, 50000)])
			frappe.db.commit()  # nosemgrep: the after-commit enqueue fails here, and must not raise
		finally:
			conf["redis_queue"] = original
			background_jobs._redis_queue_conn = None
		self.assertEqual(frappe.db.get_value("POS Invoice", sale.name, "docstatus"), 1)
		self.assertEqual(profile(customer).jc_purchases, 0)

		self.assertIn(customer, sync.customers_needing_refresh(EVERYONE))
		sync.sweep()
		self.assertEqual(profile(customer).jc_purchases, 1)
		after_first_sweep = (profile(customer), preferences(customer))
		sync.sweep()  # a second sweep finds nothing of hers left to learn and changes nothing
		self.assertEqual((profile(customer), preferences(customer)), after_first_sweep)

	def test_failing_refresh_is_logged_and_retried_while_the_sale_stands(self):
		customer = fx.make_customer()
		# a wedding date nobody could mean: the sale is the record and must stand; the Occasion refuses it
		sale = fx.make_sales_invoice(
			customer,
			[(RING, 50000)],
			jc_purchase_occasion="Wedding",
			jc_occasion_date="1850-02-10",
		)
		commit_and_run_queued_refresh(self, customer)
		self.assertEqual(frappe.db.get_value("Sales Invoice", sale.name, "docstatus"), 1)
		self.assertTrue(
			frappe.db.exists("Error Log", {"method": f"Clienteling: profile refresh failed for {customer}"})
		)
		self.assertIn(customer, sync.customers_needing_refresh(EVERYONE), "the sweep retries her")

		# once the bad date is corrected on the sale, the next sweep succeeds
		frappe.db.set_value("Sales Invoice", sale.name, "jc_occasion_date", "1998-02-10")
		sync.sweep()
		self.assertEqual(profile(customer).jc_purchases, 1)
		self.assertEqual([(o.occasion_type, o.year) for o in occasions(customer)], [("Wedding", 1998)])

	def test_a_refresh_job_that_times_out_on_a_lock_is_logged_and_the_sweep_finishes_it(self):
		customer = fx.make_customer()
		fx.make_pos_invoice(customer, [(RING, 50000)])
		frappe.db.commit()  # nosemgrep: the worker is another process
		self.addCleanup(frappe.db.commit)
		frappe.db.get_value("Customer", customer, "name", for_update=True)  # a long sale holds her row
		worker = run_in_bench("jewel_clienteling.tests.loyalty_probe.refresh", customer=customer, lock_wait=2)
		output = worker.communicate(timeout=120)[0]
		frappe.db.commit()  # nosemgrep: release her row
		self.assertIn("REFRESH DONE", output)
		self.assertTrue(
			frappe.db.exists("Error Log", {"method": f"Clienteling: profile refresh failed for {customer}"})
		)
		self.assertIsNone(profile(customer).jc_purchases or None, "nothing half-learnt")
		self.assertIn(customer, sync.customers_needing_refresh(EVERYONE))
		sync.sweep()
		self.assertEqual(profile(customer).jc_purchases, 1)
		self.assertNotIn(customer, sync.customers_needing_refresh(EVERYONE))

	def test_sweep_finds_exactly_the_sales_and_cancellations_her_profile_has_not_learnt(self):
		customer = fx.make_customer()
		first = fx.make_pos_invoice(customer, [(RING, 50000)])
		commit_and_run_queued_refresh(self, customer)
		self.assertNotIn(
			customer, sync.customers_needing_refresh(EVERYONE), "a learnt sale is not swept again"
		)

		# a refresh that read her sales just before the second sale committed learnt only the first
		read_before = [row for row in facts.customer_sales(customer) if row.name == first.name]
		second = fx.make_pos_invoice(customer, [(RING, 30000)])
		facts.mark_learnt(customer, read_before)
		frappe.db.commit()  # nosemgrep: the state the next sweep sees
		self.assertIn(
			customer, sync.customers_needing_refresh(EVERYONE), "the unread sale waits for the sweep"
		)
		sync.sweep()
		self.assertEqual(profile(customer).jc_purchases, 2)
		self.assertNotIn(customer, sync.customers_needing_refresh(EVERYONE))

		second.reload()
		second.cancel()
		frappe.db.commit()  # nosemgrep
		self.assertIn(customer, sync.customers_needing_refresh(EVERYONE), "a cancellation is news too")
		sync.sweep()
		self.assertEqual(profile(customer).jc_purchases, 1)
		self.assertNotIn(customer, sync.customers_needing_refresh(EVERYONE))

	def test_daily_job_moves_stage_when_she_drifts(self):
		customer = fx.make_customer()
		fx.make_sales_invoice(customer, [(RING, 50000)], posting_date=fx.days_ago(100))
		commit_and_run_queued_refresh(self, customer)
		self.assertEqual(profile(customer).jc_lifecycle_stage, "Active")
		due_on = getdate(profile(customer).jc_profile_due_on)
		self.assertGreater(due_on, getdate(nowdate()))

		from jewel_clienteling.services import profile as profile_service

		# the same facts, seen on the day her profile is due to change
		profile_service.refresh_customer(customer, today=date(due_on.year, due_on.month, due_on.day))
		self.assertEqual(profile(customer).jc_lifecycle_stage, "At risk")
