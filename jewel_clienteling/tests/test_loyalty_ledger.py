"""The Loyalty Ledger on a real ERPNext site: every invoice path, redemption at the counter, two
counters at once, expiry, manual adjustments, referral bonuses. (Statements and ERPNext's own Loyalty
Program: test_loyalty_statements.py; movements that must happen once: test_points_once.py.)"""

import random
import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, cint, flt, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import loyalty
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.utils import run_in_bench

RING = "JC-RING-GLD-22K-PLK"
NECKLACE = "JC-NECK-GLD-22K-PLK"
SETTINGS = "Clienteling Settings"
LOYALTY_SETTINGS = {
	"loyalty_enabled": 1,
	"earn_basis": "Making Charge",
	"making_charge_field": "jc_making_charge",
	"points_per_100": 1,
	"min_invoice_amount": 0,
	"value_per_point": 1,
	"points_expiry_days": 365,
	"birthday_multiplier": 1,
	"referral_bonus_points": 500,
	"review_bonus_points": 100,
	"skip_erpnext_loyalty": 1,
}


def enable_loyalty(test) -> None:
	frappe.set_user("Administrator")
	settings = frappe.get_single(SETTINGS)
	settings.update(LOYALTY_SETTINGS)
	settings.set("earning_rules", [{"applies_to": "Item Group", "value": "Gold Coins", "points_per_100": 0}])
	settings.save()

	def switch_off():
		frappe.db.set_single_value(SETTINGS, "loyalty_enabled", 0)
		frappe.db.commit()  # nosemgrep: tests that commit must not leave the programme on for others

	test.addCleanup(switch_off)


def sell(customer, lines, doctype="POS Invoice", is_pos=1, redeem=0, posting_date=None, **fields):
	"""A sale the way a counter makes it. lines: (item_code, rate, making charge)."""
	items = [(code, rate) for code, rate, _ in lines]
	if doctype == "POS Invoice":
		doc = fx.make_pos_invoice(customer, items, submit=False, jc_redeem_points=redeem, **fields)
	else:
		doc = fx.make_sales_invoice(
			customer,
			items,
			is_pos=is_pos,
			posting_date=posting_date,
			submit=False,
			jc_redeem_points=redeem,
			**fields,
		)
	for row, (_, _, making) in zip(doc.items, lines, strict=True):
		row.jc_making_charge = making
	if doc.doctype == "POS Invoice" or doc.is_pos:
		fx._pay_in_cash(doc)
	doc.save(ignore_permissions=True)
	doc.submit()
	return doc


def ledger(customer: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Loyalty Ledger",
		filters={"customer": customer},
		fields=["name", "entry_type", "points", "source", "voucher_no", "expiry_date", "against_entry"],
		order_by="creation",
	)


class LoyaltyCase(FrappeTestCase):
	def setUp(self):
		enable_loyalty(self)

	def points(self, customer: str) -> int:
		"""Her balance as the desk shows it, checked against a fresh reading of every ledger row."""
		shown = cint(frappe.db.get_value("Customer", customer, "jc_loyalty_points"))
		from_rows = loyalty_rules.balance(loyalty.customer_movements(customer), getdate(nowdate()))
		self.assertEqual(shown, from_rows, "the balance on the Customer must equal her ledger")
		self.assertGreaterEqual(shown, 0)
		return shown


class TestEarning(LoyaltyCase):
	def test_making_charge_earns_and_coins_earn_nothing(self):
		customer = fx.make_customer()
		sale = sell(customer, [(NECKLACE, 150000, 18000), (fx.COIN, 65000, 500)])
		# 18,000 of making at 1 point per 100; the coin is excluded
		self.assertEqual(self.points(customer), 180)
		posted = frappe.db.get_value("POS Invoice", sale.name, ["jc_points_earned", "jc_loyalty_posted"])
		self.assertEqual(posted, (180, 1))
		(row,) = ledger(customer)
		self.assertEqual(
			(row.entry_type, row.points, row.source, row.voucher_no), ("Earn", 180, "Sale", sale.name)
		)
		self.assertEqual(getdate(row.expiry_date), getdate(add_days(sale.posting_date, 365)))

	def test_a_partial_return_takes_back_its_share_and_cancelling_the_return_gives_it_back(self):
		customer = fx.make_customer()
		sale = sell(customer, [(NECKLACE, 100000, 10000), (RING, 50000, 5000)], "Sales Invoice")
		self.assertEqual(self.points(customer), 150)
		ring_back = fx.make_return(sale, {RING: 1})
		# a third of the invoice came back: a third of its 150 points goes
		self.assertEqual(self.points(customer), 100)
		ring_back.reload()
		ring_back.cancel()
		self.assertEqual(self.points(customer), 150)

	def test_a_full_return_in_two_parts_takes_back_exactly_what_was_earned(self):
		customer = fx.make_customer()
		sale = sell(customer, [(NECKLACE, 100000, 10001), (RING, 50000, 5000)], "Sales Invoice")
		self.assertEqual(self.points(customer), 150)
		fx.make_return(sale, {RING: 1})
		fx.make_return(sale, {NECKLACE: 1})
		self.assertEqual(self.points(customer), 0)
		self.assertEqual(sum(row.points for row in ledger(customer)), 0)

	def test_a_credit_sales_invoice_earns_and_cancelling_it_reverses(self):
		customer = fx.make_customer()
		sale = sell(customer, [(RING, 50000, 7000)], "Sales Invoice", is_pos=0)
		self.assertEqual(self.points(customer), 70)
		sale.reload()
		sale.cancel()
		self.assertEqual(self.points(customer), 0)
		self.assertEqual([row.source for row in ledger(customer)], ["Sale", "Cancellation"])
		# cancelling again through the sweep finds nothing more to reverse
		loyalty.cancel_invoice(sale)
		self.assertEqual(len(ledger(customer)), 2)

	def test_a_pos_closing_consolidation_earns_nothing_more(self):
		customer = fx.make_customer()
		first = sell(customer, [(RING, 50000, 5000)])
		second = sell(customer, [(NECKLACE, 150000, 20000)])
		self.assertEqual(self.points(customer), 250)
		merge = frappe.new_doc("POS Invoice Merge Log")
		merge.posting_date = nowdate()
		merge.customer = customer
		merge.set(
			"pos_invoices",
			[{"pos_invoice": doc.name, "customer": customer} for doc in (first, second)],
		)
		merge.save(ignore_permissions=True)
		merge.submit()
		consolidated = frappe.db.get_value("POS Invoice", first.name, "consolidated_invoice")
		self.assertTrue(frappe.db.get_value("Sales Invoice", consolidated, "is_consolidated"))
		self.assertEqual(self.points(customer), 250)
		self.assertEqual(len(ledger(customer)), 2)

	def test_points_follow_the_ledger_through_any_sequence_of_sales_returns_redemptions_and_cancels(self):
		customer = fx.make_customer()
		dice = random.Random(20261123)  # noqa: S311 - a reproducible sequence, not a secret
		sales = []
		for _ in range(14):
			step = dice.choice(["sale", "sale", "redeem", "return", "cancel", "adjust"])
			held = self.points(customer)
			if step == "sale" or not sales:
				sales.append(sell(customer, [(RING, 40000, dice.randint(1, 90) * 100)]))
			elif step == "redeem" and held:
				sales.append(sell(customer, [(RING, 40000, 1000)], redeem=dice.randint(1, held)))
			elif step == "return":
				sale = dice.choice(sales)
				if not frappe.db.exists("POS Invoice", {"return_against": sale.name, "docstatus": 1}):
					sales.remove(sale)
					fx.make_return(frappe.get_doc("POS Invoice", sale.name))
			elif step == "cancel":
				sale = dice.choice(sales)
				if not frappe.db.exists("POS Invoice", {"return_against": sale.name, "docstatus": 1}):
					sales.remove(sale)
					frappe.get_doc("POS Invoice", sale.name).cancel()
			elif step == "adjust":
				loyalty_api_adjust(customer, dice.choice([25, -min(held, 25) or 10]))
			self.points(customer)


def loyalty_api_adjust(customer: str, points: int) -> None:
	from jewel_clienteling.api.loyalty import adjust

	adjust(customer, points, "Goodwill after a delayed delivery")


class TestRedemption(LoyaltyCase):
	def test_redeeming_at_the_counter_is_a_discount_and_cancelling_gives_the_points_back(self):
		customer = fx.make_customer()
		sell(customer, [(NECKLACE, 100000, 15000)])
		self.assertEqual(self.points(customer), 150)
		sale = sell(customer, [(RING, 50000, 5000)], redeem=100)
		self.assertEqual(flt(sale.discount_amount), 100)
		self.assertEqual(flt(sale.jc_points_value), 100)
		self.assertEqual(flt(sale.grand_total), flt(sale.total + sale.total_taxes_and_charges - 100))
		# 150 held - 100 spent + 50 earned on this sale's making
		self.assertEqual(self.points(customer), 100)
		sale.reload()
		sale.cancel()
		self.assertEqual(self.points(customer), 150)

	def test_redeeming_on_a_sales_invoice_and_returning_it_gives_back_the_returned_share(self):
		customer = fx.make_customer()
		sell(customer, [(NECKLACE, 100000, 30000)], "Sales Invoice")
		sale = sell(customer, [(RING, 50000, 0), (NECKLACE, 50000, 0)], "Sales Invoice", redeem=200)
		self.assertEqual(self.points(customer), 100)
		fx.make_return(sale, {RING: 1})
		# half the invoice came back: half the 200 points spent on it are hers again
		self.assertEqual(self.points(customer), 200)

	def test_redeeming_more_than_she_holds_stops_the_sale_and_writes_nothing(self):
		customer = fx.make_customer()
		sell(customer, [(RING, 50000, 5000)])
		with self.assertRaises(frappe.ValidationError):
			sell(customer, [(RING, 50000, 5000)], redeem=51)
		self.assertEqual(self.points(customer), 50)
		self.assertEqual([row.entry_type for row in ledger(customer)], ["Earn"])

	def test_points_cannot_pay_for_more_than_the_invoice(self):
		customer = fx.make_customer()
		sell(customer, [(NECKLACE, 200000, 60000)])
		with self.assertRaises(frappe.ValidationError):
			sell(customer, [(fx.COIN, 100, 0)], redeem=500)
		self.assertEqual(self.points(customer), 600)


class TestTwoCounters(LoyaltyCase):
	def test_two_counters_cannot_spend_the_same_points(self):
		customer = fx.make_customer()
		sell(customer, [(NECKLACE, 100000, 15000)])
		frappe.db.commit()  # nosemgrep: the counters are other processes
		self.addCleanup(frappe.db.commit)
		# Hold her row while both counters start, so both check the balance before either spends it
		loyalty.lock_customer(customer)
		counters = [
			run_probe("redeem", customer=customer, points=100, item_code=RING, rate=20000) for _ in range(2)
		]
		wait_for_drafts(customer, 2, counters)
		time.sleep(2)  # both now submit, pass the balance check, and wait for her row
		frappe.db.commit()  # nosemgrep: let them go
		outputs = [counter.communicate(timeout=120)[0] for counter in counters]
		sold = [out for out in outputs if "SOLD" in out]
		refused = [out for out in outputs if "REFUSED" in out]
		self.assertEqual((len(sold), len(refused)), (1, 1), outputs)
		redeemed = [row for row in ledger(customer) if row.entry_type == "Redeem"]
		self.assertEqual([row.points for row in redeemed], [-100])
		self.assertEqual(self.points(customer), 50)


def run_probe(method: str, **kwargs):
	return run_in_bench(f"jewel_clienteling.tests.loyalty_probe.{method}", **kwargs)


def wait_for_drafts(customer: str, count: int, processes, timeout: float = 90) -> None:
	"""Until both counters have saved their drafts (or ended)."""
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		frappe.db.rollback()  # see what the others committed
		drafts = frappe.db.count("POS Invoice", {"customer": customer, "docstatus": 0})
		if drafts >= count or all(p.poll() is not None for p in processes):
			return
		time.sleep(0.2)


class TestJobsAndDesk(LoyaltyCase):
	def test_the_expiry_job_lapses_old_points_once(self):
		customer = fx.make_customer()
		sell(customer, [(RING, 50000, 4000)], "Sales Invoice", posting_date=add_days(nowdate(), -400))
		sell(customer, [(RING, 50000, 3000)], "Sales Invoice")
		# the old lot lapsed 35 days ago: she can spend only the new one
		self.assertEqual(self.points(customer), 30)
		loyalty.expire_points()
		loyalty.expire_points()
		lapsed = [row for row in ledger(customer) if row.entry_type == "Expire"]
		self.assertEqual([(row.points, row.source) for row in lapsed], [(-40, "Expiry")])
		self.assertEqual(self.points(customer), 30)
		self.assertEqual(sum(row.points for row in ledger(customer)), 30)
		lapse = frappe.db.get_value("Customer", customer, ["jc_points_next_expiry", "jc_points_expiring"])
		self.assertEqual((getdate(lapse[0]), lapse[1]), (getdate(add_days(nowdate(), 365)), 30))

	def test_a_hook_that_cannot_post_never_blocks_the_sale_and_the_sweep_posts_it(self):
		customer = fx.make_customer()
		frappe.db.commit()  # nosemgrep: the counter is another process
		self.addCleanup(frappe.db.commit)
		loyalty.lock_customer(customer)  # someone holds her row: the hook gives up after 2 s
		counter = run_probe("sell", customer=customer, item_code=RING, rate=50000, making=6000, lock_wait=2)
		output = counter.communicate(timeout=120)[0]
		frappe.db.commit()  # nosemgrep: release her row
		self.assertIn("SOLD", output)
		sale = output.split("SOLD ")[1].split()[0]
		self.assertEqual(frappe.db.get_value("POS Invoice", sale, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("POS Invoice", sale, "jc_loyalty_posted"), 0)
		self.assertEqual(ledger(customer), [])
		self.assertTrue(
			frappe.db.exists("Error Log", {"method": ["like", f"%points posting failed%{sale}%"]})
		)
		loyalty.sweep(add_days(nowdate(), -1))
		self.assertEqual(self.points(customer), 60)
		loyalty.sweep(add_days(nowdate(), -1))
		self.assertEqual(len(ledger(customer)), 1)

	def test_only_a_manager_adjusts_by_hand_with_a_reason_and_rows_never_change(self):
		customer = fx.make_customer()
		sell(customer, [(RING, 50000, 5000)])
		frappe.set_user(fx.ASSOCIATE)
		with self.assertRaises(frappe.PermissionError):
			loyalty_api_adjust(customer, 500)
		frappe.set_user("Administrator")
		row = frappe.get_doc(
			{"doctype": "Loyalty Ledger", "customer": customer, "entry_type": "Adjust", "points": 20}
		)
		with self.assertRaises(frappe.ValidationError):
			row.insert()
		with self.assertRaises(frappe.ValidationError):
			loyalty_api_adjust(customer, -51)
		loyalty_api_adjust(customer, -20)
		self.assertEqual(self.points(customer), 30)
		adjustment = frappe.get_doc("Loyalty Ledger", ledger(customer)[-1].name)
		self.assertEqual((adjustment.source, adjustment.posted_by), ("Manual", "Administrator"))
		adjustment.points = 1000
		with self.assertRaises(frappe.ValidationError):
			adjustment.save()
		with self.assertRaises(frappe.ValidationError):
			adjustment.delete()
		self.assertEqual(self.points(customer), 30)

	def test_a_referral_bonus_on_her_first_sale_only_and_taken_back_if_it_is_cancelled(self):
		referrer = fx.make_customer()
		friend = fx.make_customer(jc_referred_by=referrer)
		first = sell(friend, [(RING, 50000, 5000)])
		self.assertEqual(self.points(referrer), 500)
		sell(friend, [(RING, 50000, 5000)])
		self.assertEqual(self.points(referrer), 500)
		first.reload()
		first.cancel()
		self.assertEqual(self.points(referrer), 0)
		self.assertEqual(self.points(friend), 50)

	def test_her_tier_follows_twelve_months_of_spend_and_the_change_is_on_her_timeline(self):
		from jewel_clienteling.services import profile

		customer = fx.make_customer()
		sell(customer, [(NECKLACE, 250000, 1000)], "Sales Invoice", posting_date=add_days(nowdate(), -370))
		sell(customer, [(RING, 60000, 1000)], "Sales Invoice")
		profile.refresh_customer(customer)
		# the necklace is older than twelve months: only the ring's 60,000 counts, Silver from 50,000
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_loyalty_tier"), "Silver")
		comments = frappe.get_all(
			"Comment", filters={"reference_name": customer, "comment_type": "Info"}, pluck="content"
		)
		self.assertTrue(any("Silver" in text for text in comments), comments)
		self.assertLessEqual(
			getdate(frappe.db.get_value("Customer", customer, "jc_profile_due_on")),
			getdate(add_days(nowdate(), 366)),
		)
