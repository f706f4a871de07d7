"""Money moves once. Every points movement that must happen once has a key the database holds unique
(Loyalty Ledger's once_key), and each is proved here the way it goes wrong in a shop: two real
processes asking for the same movement at the same instant (tests/race.py). Exactly one row results,
and the other request returns cleanly, having found it done.

The contenders are other processes, so these tests commit what they prepare.
"""

import dataclasses

import frappe
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.services import loyalty
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.race import assert_raced, race
from jewel_clienteling.tests.test_loyalty_ledger import NECKLACE, RING, SETTINGS, LoyaltyCase, ledger, sell
from jewel_clienteling.tests.test_loyalty_statements import erpnext_program

PROBE = "jewel_clienteling.tests.loyalty_probe"
ALREADY = "already"  # in "The review bonus for … was given already."


def commit() -> None:
	frappe.db.commit()  # nosemgrep: the contenders are other processes


def programme(on: bool) -> None:
	frappe.db.set_single_value(SETTINGS, "loyalty_enabled", int(on))
	frappe.clear_document_cache(SETTINGS, SETTINGS)


def rows_of(customer: str, **match) -> list[frappe._dict]:
	return [row for row in ledger(customer) if all(row.get(k) == v for k, v in match.items())]


class OnceCase(LoyaltyCase):
	def race(self, method: str, calls: list[dict]) -> list[frappe._dict]:
		commit()
		outcomes = race(method, calls)
		commit()  # a fresh snapshot: see what the contenders committed
		assert_raced(self, outcomes)
		return outcomes

	def assert_all_clean(self, outcomes) -> None:
		self.assertTrue(all(outcome.ok for outcome in outcomes), [o.get("traceback") or o for o in outcomes])


class TestTheKey(OnceCase):
	def test_the_database_holds_each_key_once_and_a_repeat_names_the_row_that_did_it(self):
		index = frappe.db.sql(
			"show index from `tabLoyalty Ledger` where Column_name = 'once_key'", as_dict=True
		)
		self.assertEqual([row.Non_unique for row in index], [0], "once_key has a unique index")
		customer = fx.make_customer()
		voucher = f"POS Invoice::JC-ONCE-{frappe.generate_hash(length=8)}"
		move = loyalty_rules.earn(
			loyalty.new_name(),
			100,
			getdate(),
			voucher,
			kind=loyalty_rules.BONUS,
			key=loyalty_rules.keys.review(voucher),
		)
		frappe.local.message_log = []
		first, written = loyalty.write(customer, move, loyalty_rules.SOURCE_REVIEW)
		self.assertTrue(written)
		again, written_again = loyalty.write(
			customer, dataclasses.replace(move, name=loyalty.new_name()), loyalty_rules.SOURCE_REVIEW
		)
		self.assertEqual((again, written_again), (first, False))
		self.assertEqual(frappe.local.message_log, [], "a movement done already is no error for her")
		# it is the database that refuses, not our code: a raw insert of the same key fails
		raw = frappe.get_doc(
			{
				"doctype": "Loyalty Ledger",
				"name": loyalty.new_name(),
				"customer": customer,
				"entry_type": loyalty_rules.BONUS,
				"points": 100,
				"posting_date": getdate(),
				"expiry_date": add_days(getdate(), 365),
				"once_key": move.key,
			}
		)
		frappe.db.savepoint("jc_raw")
		with self.assertRaises(frappe.UniqueValidationError):
			raw.db_insert()
		frappe.db.rollback(save_point="jc_raw")
		self.assertEqual([row.name for row in rows_of(customer)], [first])

	def test_a_managers_adjustments_may_repeat_and_carry_no_key(self):
		from jewel_clienteling.api.loyalty import adjust

		customer = fx.make_customer()
		adjust(customer, 25, "Goodwill after a delayed delivery")
		adjust(customer, 25, "Goodwill after a delayed delivery")
		keys = frappe.get_all("Loyalty Ledger", filters={"customer": customer}, pluck="once_key")
		self.assertEqual(keys, [None, None])
		self.assertEqual(self.points(customer), 50)


class TestTwoRequestsAtOnce(OnceCase):
	def test_the_review_bonus_asked_twice_at_once_is_given_once(self):
		customer = fx.make_customer()
		sale = sell(customer, [(RING, 50000, 5000)])
		ask = {"customer": customer, "invoice_type": "POS Invoice", "invoice": sale.name}
		outcomes = self.race("jewel_clienteling.services.loyalty.award_review_bonus", [ask, ask])
		self.assert_all_clean(outcomes)
		(bonus,) = rows_of(customer, source="Review")
		self.assertEqual(sorted(tuple(o.value) for o in outcomes), [(bonus.name, 0), (bonus.name, 1)])
		self.assertEqual(self.points(customer), 150)

	def test_the_review_bonus_clicked_twice_at_once_through_the_api_is_given_once_and_said_so(self):
		from jewel_clienteling.tests.test_permissions import MANAGER, make_users

		make_users()
		user = frappe.get_doc("User", MANAGER)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		secret = frappe.generate_hash(length=15)
		user.api_secret = secret
		user.save(ignore_permissions=True)
		customer = fx.make_customer()
		sale = sell(customer, [(RING, 50000, 5000)])
		click = {
			"customer": customer,
			"invoice_type": "POS Invoice",
			"invoice": sale.name,
			"authorization": f"token {user.api_key}:{secret}",
		}
		outcomes = self.race(f"{PROBE}.review_by_api", [click, click])
		self.assert_all_clean(outcomes)
		(bonus,) = rows_of(customer, source="Review")
		answers = [o.value for o in outcomes]
		self.assertEqual([a["status"] for a in answers], [200, 200], answers)
		self.assertEqual([a["row"] for a in answers], [bonus.name, bonus.name])
		told = [a for a in answers if any(ALREADY in (m or "") for m in a["messages"])]
		self.assertEqual(len(told), 1, f"the second click is told it was given already: {answers}")
		self.assertEqual(self.points(customer), 150)

	def test_the_sweep_twice_at_once_posts_a_sales_points_once(self):
		customer = fx.make_customer()
		programme(False)
		sale = sell(customer, [(NECKLACE, 150000, 6000)])
		programme(True)
		# as a hook that could not post leaves it for the sweep
		frappe.db.set_value("POS Invoice", sale.name, "jc_loyalty_posted", 0)
		post = {"doctype": "POS Invoice", "name": sale.name}
		outcomes = self.race(f"{PROBE}.post", [post, post])
		self.assert_all_clean(outcomes)
		self.assertEqual([(r.entry_type, r.points) for r in rows_of(customer)], [("Earn", 60)])
		posted = frappe.db.get_value("POS Invoice", sale.name, ["jc_points_earned", "jc_loyalty_posted"])
		self.assertEqual(tuple(posted), (60, 1))
		self.assertEqual(self.points(customer), 60)

	def test_the_sweep_twice_at_once_takes_a_returns_points_back_once(self):
		customer = fx.make_customer()
		sale = sell(customer, [(NECKLACE, 100000, 10000), (RING, 50000, 5000)], "Sales Invoice")
		programme(False)
		ring_back = fx.make_return(sale, {RING: 1})
		programme(True)
		frappe.db.set_value("Sales Invoice", ring_back.name, "jc_loyalty_posted", 0)
		post = {"doctype": "Sales Invoice", "name": ring_back.name}
		outcomes = self.race(f"{PROBE}.post", [post, post])
		self.assert_all_clean(outcomes)
		taken = rows_of(customer, voucher_no=ring_back.name)
		self.assertEqual([(r.entry_type, r.points) for r in taken], [("Reverse", -50)])
		self.assertEqual(self.points(customer), 100)

	def test_the_sweep_twice_at_once_reverses_a_cancelled_sale_once(self):
		referrer = fx.make_customer()
		customer = fx.make_customer(jc_referred_by=referrer)
		sale = sell(customer, [(RING, 50000, 7000)], "Sales Invoice", is_pos=0)
		self.assertEqual((self.points(customer), self.points(referrer)), (70, 500))
		# cancelled, and its points left for the sweep (as a hook that could not reverse them leaves it)
		frappe.db.set_value("Sales Invoice", sale.name, {"docstatus": 2, "jc_loyalty_posted": 1})
		cancel = {"doctype": "Sales Invoice", "name": sale.name}
		outcomes = self.race(f"{PROBE}.reverse_cancelled", [cancel, cancel])
		self.assert_all_clean(outcomes)
		for who, earned in ((customer, 70), (referrer, 500)):
			reversed_ = rows_of(who, source="Cancellation")
			self.assertEqual([r.points for r in reversed_], [-earned], who)
			self.assertEqual(self.points(who), 0)

	def test_the_expiry_job_twice_at_once_lapses_a_lot_once(self):
		customer = fx.make_customer()
		sell(customer, [(RING, 50000, 4000)], "Sales Invoice", posting_date=add_days(nowdate(), -400))
		outcomes = self.race("jewel_clienteling.services.loyalty.expire_points", [{}, {}])
		self.assert_all_clean(outcomes)
		lapsed = rows_of(customer, entry_type="Expire")
		self.assertEqual([(r.points, r.source) for r in lapsed], [(-40, "Expiry")])
		self.assertEqual(self.points(customer), 0)

	def test_two_first_sales_at_two_counters_at_once_pay_the_referral_once(self):
		referrer = fx.make_customer()
		friend = fx.make_customer(jc_referred_by=referrer)
		sale = {"customer": friend, "item_code": RING, "rate": 50000, "making": 5000}
		outcomes = self.race(f"{PROBE}.first_sale", [sale, sale])
		self.assert_all_clean(outcomes)
		self.assertEqual(len({o.value for o in outcomes}), 2, "both counters sold")
		self.assertEqual([r.points for r in rows_of(referrer, source="Referral")], [500])
		self.assertEqual((self.points(referrer), self.points(friend)), (500, 100))

	def test_submit_clicked_twice_at_once_redeems_once(self):
		customer = fx.make_customer()
		sell(customer, [(NECKLACE, 150000, 15000)])
		draft = fx.make_pos_invoice(customer, [(RING, 20000)], submit=False, jc_redeem_points=100)
		fx._pay_in_cash(draft)
		draft.save(ignore_permissions=True)
		click = {"doctype": "POS Invoice", "name": draft.name}
		outcomes = self.race(f"{PROBE}.submit", [click, click])
		# the second submit of one draft is Frappe's to refuse; the points are taken once either way
		self.assertEqual(sorted(o.ok for o in outcomes), [False, True], outcomes)
		self.assertEqual([r.points for r in rows_of(customer, entry_type="Redeem")], [-100])
		self.assertEqual(frappe.db.get_value("POS Invoice", draft.name, "docstatus"), 1)
		self.points(customer)

	def test_two_imports_of_erpnext_balances_at_once_bring_each_lot_once(self):
		program = erpnext_program()
		customer = fx.make_customer(loyalty_program=program)
		sell(customer, [(RING, 50000, 5000)], "Sales Invoice", loyalty_program=program)
		held = sum(
			frappe.get_all("Loyalty Point Entry", filters={"customer": customer}, pluck="loyalty_points")
		)
		self.assertGreater(held, 0)
		outcomes = self.race("jewel_clienteling.services.loyalty.import_erpnext_balances", [{}, {}])
		self.assert_all_clean(outcomes)
		opening = rows_of(customer, source="Opening Balance")
		self.assertEqual([r.points for r in opening], [held])
		self.assertEqual(self.points(customer), held)


class TestAskedAgainLater(OnceCase):
	def test_a_rebilled_first_sale_pays_the_referral_again_and_only_once(self):
		referrer = fx.make_customer()
		friend = fx.make_customer(jc_referred_by=referrer)
		first = sell(friend, [(RING, 50000, 5000)], "Sales Invoice", is_pos=0)
		self.assertEqual(self.points(referrer), 500)
		first.reload()
		first.cancel()  # a billing mistake: cancelled, and billed again
		self.assertEqual(self.points(referrer), 0)
		again = sell(friend, [(RING, 50000, 5000)], "Sales Invoice", is_pos=0)
		self.assertEqual(self.points(referrer), 500)
		frappe.db.set_value("Sales Invoice", again.name, "jc_loyalty_posted", 0)
		loyalty.post_invoice(frappe.get_doc("Sales Invoice", again.name))  # the sweep, later
		paid = frappe.get_all(
			"Loyalty Ledger",
			filters={"customer": referrer, "source": "Referral"},
			pluck="once_key",
			order_by="creation",
		)
		self.assertEqual(
			paid, [loyalty_rules.keys.referral(friend, 0), loyalty_rules.keys.referral(friend, 1)]
		)
		self.assertEqual(self.points(referrer), 500)

	def test_asking_again_later_gives_nothing_more_and_says_so(self):
		from jewel_clienteling.api.loyalty import award_review_bonus

		customer = fx.make_customer()
		sale = sell(customer, [(RING, 50000, 5000)])
		first = award_review_bonus(customer, "POS Invoice", sale.name)
		frappe.local.message_log = []
		self.assertEqual(award_review_bonus(customer, "POS Invoice", sale.name), first)
		said = [frappe.parse_json(m).get("message") for m in frappe.local.message_log]
		self.assertTrue(any(ALREADY in (m or "") for m in said), said)
		self.assertEqual(self.points(customer), 150)


class TestUpgrade(OnceCase):
	def test_the_patch_keys_past_rows_and_takes_back_what_was_paid_twice(self):
		from jewel_clienteling.patches.v1 import key_loyalty_movements as patch

		customer = fx.make_customer()
		sale = sell(customer, [(RING, 50000, 5000)])
		(earned,) = rows_of(customer)
		voucher = loyalty.voucher_key("POS Invoice", sale.name)
		# a ledger from before keys: the sale's row unkeyed, the review bonus paid twice at once
		frappe.db.set_value("Loyalty Ledger", earned.name, "once_key", None)
		paid = [self.past_review(customer, sale.name) for _ in range(2)]
		loyalty.refresh_balance(customer)
		self.assertEqual(self.points(customer), 250)
		patch.execute()
		keys = dict(
			frappe.get_all(
				"Loyalty Ledger", filters={"customer": customer}, fields=["name", "once_key"], as_list=True
			)
		)
		self.assertEqual(keys[earned.name], loyalty_rules.keys.earning(voucher))
		self.assertEqual(keys[paid[0]], loyalty_rules.keys.review(voucher))
		self.assertIsNone(keys[paid[1]])
		(correction,) = rows_of(customer, source="Correction")
		self.assertEqual(
			(correction.entry_type, correction.points, correction.against_entry), ("Reverse", -100, paid[1])
		)
		self.assertEqual(keys[correction.name], loyalty_rules.keys.correction(paid[1]))
		self.assertEqual(self.points(customer), 150)
		notes = frappe.get_all(
			"Comment", filters={"reference_name": customer, "comment_type": "Info"}, pluck="content"
		)
		self.assertTrue(any(paid[1] in note and paid[0] in note for note in notes), notes)
		patch.execute()
		self.assertEqual(len(rows_of(customer)), 4, "running it again changes nothing")
		self.assertEqual(self.points(customer), 150)

	def past_review(self, customer: str, invoice: str) -> str:
		"""A review bonus as the app posted it before keys."""
		doc = frappe.get_doc(
			{
				"doctype": "Loyalty Ledger",
				"name": loyalty.new_name(),
				"customer": customer,
				"entry_type": loyalty_rules.BONUS,
				"points": 100,
				"posting_date": getdate(),
				"expiry_date": add_days(getdate(), 365),
				"source": loyalty_rules.SOURCE_REVIEW,
				"voucher_type": "POS Invoice",
				"voucher_no": invoice,
			}
		)
		doc.db_insert()
		return doc.name
