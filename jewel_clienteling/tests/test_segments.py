"""Client segments on a real site: each ready-made segment picks exactly the customers it describes
from real sales, occasions and preferences; the count is the list; every criterion narrows as it
says; a rule that makes no sense is refused; and a campaign to a segment plans outreach only for
its members who agreed to hear from us and are not crowded by the frequency cap."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.domain.segments import month_after
from jewel_clienteling.services import profile, segments
from jewel_clienteling.setup.segments import SEGMENTS
from jewel_clienteling.setup.segments import add_missing as add_seeds
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import customer, occasion

RING = "JC-RING-GLD-22K-PLK"
DIAMOND_RING = "JC-RING-PLT-950-DIA"
OUTREACH = "Client Outreach"


def bought(name: str, *sales: tuple[str, float, int]) -> str:
	"""Her sales (item, rate, days ago) as real Sales Invoices, and her profile learnt from them (in
	the test's transaction: the refresh job would commit)."""
	for item, rate, days in sales:
		fx.make_sales_invoice(name, [(item, rate)], posting_date=fx.days_ago(days))
	profile.refresh_customer(name)
	return name


def dated(name: str, occasion_type: str, when, year: int | None = None) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Occasion",
				"customer": name,
				"occasion_type": occasion_type,
				"day": when.day,
				"month": str(when.month),
				"year": year,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_segment(*rows: dict) -> frappe.model.document.Document:
	return frappe.get_doc(
		{
			"doctype": "Client Segment",
			"segment_name": f"JC Segment {frappe.generate_hash(length=6)}",
			"rules": list(rows),
		}
	).insert()


def rule(criterion: str, operator: str, value: str = "", qualifier: str = "", days: int = 0, **extra) -> dict:
	return {
		"criterion": criterion,
		"operator": operator,
		"value": value,
		"qualifier": qualifier,
		"days": days,
		**extra,
	}


def restore_seed(name: str) -> None:
	description, rows = SEGMENTS[name]
	doc = frappe.get_doc("Client Segment", name)
	doc.description = description
	doc.rules = []
	for criterion, operator, value, qualifier, days in rows:
		doc.append("rules", rule(criterion, operator, value, qualifier, days or 0))
	doc.save()


class SegmentTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		add_seeds()

	def in_segment(self, segment, among) -> set[str]:
		"""Which of `among` the segment holds."""
		return set(segments.members(segment)) & set(among)


class TestReadyMadeSegments(SegmentTestCase):
	def test_birthdays_this_month(self):
		today = getdate(nowdate())
		on_the_day = customer()
		occasion(on_the_day, 0)
		on_the_first = customer()
		dated(on_the_first, "Birthday", today.replace(day=1))
		year, month = month_after(today, 1)
		next_month = customer()
		dated(next_month, "Birthday", today.replace(year=year, month=month, day=1))
		anniversary = customer()
		occasion(anniversary, 0, "Anniversary")
		nothing_on_file = customer()

		everyone = [on_the_day, on_the_first, next_month, anniversary, nothing_on_file]
		self.assertEqual(self.in_segment("Birthdays this month", everyone), {on_the_day, on_the_first})

	def test_inactive_for_180_days(self):
		long_ago = bought(customer(), (RING, 20000, 200))
		on_the_day = bought(customer(), (RING, 20000, 180))
		a_day_short = bought(customer(), (RING, 20000, 179))
		came_back = bought(customer(), (RING, 20000, 400), (RING, 20000, 30))
		never_bought = customer()

		everyone = [long_ago, on_the_day, a_day_short, came_back, never_bought]
		self.assertEqual(self.in_segment("Inactive for 180 days", everyone), {long_ago, on_the_day})

	def test_high_value_diamond_buyers(self):
		diamonds = bought(customer(), (DIAMOND_RING, 350000, 20))
		small_diamond = bought(customer(), (DIAMOND_RING, 50000, 20))
		big_gold = bought(customer(), (RING, 400000, 20))
		# she told us she loves diamonds and has spent enough on gold
		told_us = bought(customer(), (RING, 300000, 60))
		frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": told_us,
				"dimension": "Stone",
				"value": "Diamond",
				"source": "Stated",
			}
		).insert(ignore_permissions=True)

		everyone = [diamonds, small_diamond, big_gold, told_us]
		self.assertEqual(self.in_segment("High-value diamond buyers", everyone), {diamonds, told_us})

	def test_bridal_prospects(self):
		today = getdate(nowdate())
		wedding_next_year = customer()
		dated(wedding_next_year, "Wedding", today, today.year + 1)
		engaged_today = customer()
		dated(engaged_today, "Engagement", today, today.year)
		yesterday = getdate(add_days(today, -1))
		engaged_yesterday = customer()
		dated(engaged_yesterday, "Engagement", yesterday, yesterday.year)
		married_long_ago = customer()
		dated(married_long_ago, "Wedding", today, today.year - 9)
		birthday = customer()
		occasion(birthday, 0)

		everyone = [wedding_next_year, engaged_today, engaged_yesterday, married_long_ago, birthday]
		self.assertEqual(self.in_segment("Bridal prospects", everyone), {wedding_next_year, engaged_today})

	def test_first_time_buyers_not_yet_repeat(self):
		once = bought(customer(), (RING, 20000, 10))
		twice = bought(customer(), (RING, 20000, 40), (fx.COIN, 60000, 10))
		never_bought = customer()

		self.assertEqual(self.in_segment("First-time buyers", [once, twice, never_bought]), {once})

	def test_whatsapp_opted_in_leaves_out_do_not_contact_disabled_and_the_walk_in(self):
		agreed = customer()
		no_consent = customer(consent=False)
		do_not_contact = customer(jc_do_not_contact=1)
		disabled = customer(disabled=1)
		walk_in = customer()
		everyone = [agreed, no_consent, do_not_contact, disabled, walk_in]
		self.assertEqual(self.in_segment("WhatsApp opted in", everyone), {agreed, walk_in})

		before = frappe.db.get_single_value("Clienteling Settings", "walk_in_customer")
		frappe.db.set_single_value("Clienteling Settings", "walk_in_customer", walk_in)
		self.addCleanup(frappe.db.set_single_value, "Clienteling Settings", "walk_in_customer", before)
		self.assertEqual(self.in_segment("WhatsApp opted in", everyone), {agreed})

	def test_the_count_is_the_list_page_by_page_for_every_ready_made_segment(self):
		bought(customer(), (RING, 20000, 200))
		bought(customer(), (RING, 20000, 10))
		for name in SEGMENTS:
			with self.subTest(segment=name):
				everyone = segments.members(name)
				self.assertEqual(segments.count(name), len(everyone))
				self.assertEqual(len(everyone), len(set(everyone)))
				pages, after = [], ""
				while page := segments.members(name, after=after, limit=3):
					pages += page
					after = page[-1]
				self.assertEqual(pages, everyone)
				doc = frappe.get_doc("Client Segment", name)
				doc.save()
				self.assertEqual(doc.customer_count, len(everyone))

	def test_seeds_are_added_once_and_a_managers_edits_are_kept(self):
		name = "Inactive for 180 days"
		self.addCleanup(restore_seed, name)
		doc = frappe.get_doc("Client Segment", name)
		doc.rules[0].value = "365"
		doc.description = "Our own"
		doc.save()
		add_seeds()
		doc.reload()
		self.assertEqual((doc.rules[0].value, doc.description), ("365", "Our own"))
		self.assertEqual(frappe.db.count("Client Segment", {"name": ("in", list(SEGMENTS))}), len(SEGMENTS))


class TestCriteria(SegmentTestCase):
	def test_what_she_bought_and_spent_over_a_window(self):
		rings_and_coins = bought(customer(), (RING, 50000, 20), (fx.COIN, 100000, 100))
		coins = bought(customer(), (fx.COIN, 30000, 10))
		returned = customer()
		sale = fx.make_sales_invoice(returned, [(RING, 45000)], posting_date=fx.days_ago(5))
		fx.make_return(sale)
		profile.refresh_customer(returned)
		nothing = customer()
		everyone = [rings_and_coins, coins, returned, nothing]

		def members(*rows):
			return self.in_segment(make_segment(*rows), everyone)

		self.assertEqual(
			members(rule("Bought from item group", "in the last days", qualifier="Rings", days=30)),
			{rings_and_coins, returned},
		)
		self.assertEqual(
			members(rule("Bought from item group", "in the last days", qualifier="Gold Coins", days=30)),
			{coins},
		)
		self.assertEqual(
			members(rule("Bought from item group", "ever", qualifier="Gold Coins")), {rings_and_coins, coins}
		)
		self.assertEqual(
			members(rule("Bought from item group", "never", qualifier="Gold Coins")), {returned, nothing}
		)
		# a group counts what is under it
		self.assertEqual(
			members(rule("Bought from item group", "in the last days", qualifier="All Item Groups", days=15)),
			{coins, returned},
		)
		# the return cancels its sale: she spent nothing
		self.assertEqual(
			members(rule("Spent in the last days", "at least", "40000", days=30)), {rings_and_coins}
		)
		self.assertEqual(
			members(rule("Spent in the last days", "at most", "40000", days=30)), {coins, returned, nothing}
		)
		self.assertEqual(
			members(rule("Spent in the last days", "at least", "150000", days=120)), {rings_and_coins}
		)

	def test_her_profile_consent_and_store(self):
		usual = {"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})}
		group = frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"JC Segment {frappe.generate_hash(length=6)}",
				"parent_customer_group": "All Customer Groups",
				"is_group": 1,
			}
		).insert()
		child = frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"JC Segment {frappe.generate_hash(length=6)}",
				"parent_customer_group": group.name,
			}
		).insert()
		regular = bought(
			customer(jc_sms_opt_in=1, customer_group=child.name),
			(RING, 100000, 300),
			(RING, 100000, 200),
			(RING, 100000, 100),
			(RING, 100000, 10),
		)
		newcomer = bought(customer(jc_email_opt_in=1, consent=False, **usual), (RING, 20000, 5))
		at_counter = customer(jc_home_store=fx.POS_PROFILE, **usual)
		fx.make_pos_invoice(at_counter, [(RING, 20000, 1, "12")])
		profile.refresh_customer(at_counter)
		frappe.db.set_value("Customer", regular, "jc_loyalty_tier", "Gold")
		everyone = [regular, newcomer, at_counter]

		def members(*rows):
			return self.in_segment(make_segment(*rows), everyone)

		self.assertEqual(members(rule("Lifecycle stage", "is", "loyal")), {regular})
		self.assertEqual(members(rule("Lifecycle stage", "is not", "Loyal, Repeat")), {newcomer, at_counter})
		self.assertEqual(members(rule("Loyalty tier", "is", "Gold")), {regular})
		self.assertEqual(members(rule("Loyalty tier", "is not", "Gold")), {newcomer, at_counter})
		self.assertEqual(members(rule("Lifetime value", "at least", "400000")), {regular})
		self.assertEqual(members(rule("Lifetime value", "at most", "25000")), {newcomer, at_counter})
		self.assertEqual(members(rule("Purchases", "at least", "2")), {regular})
		self.assertEqual(members(rule("Purchases", "at most", "1")), {newcomer, at_counter})
		self.assertEqual(members(rule("Days since last purchase", "at most", "5")), {newcomer, at_counter})
		self.assertEqual(members(rule("SMS opt-in", "is", "Yes")), {regular})
		self.assertEqual(members(rule("Email opt-in", "is", "Yes")), {newcomer})
		self.assertEqual(members(rule("WhatsApp opt-in", "is", "No")), {newcomer})
		self.assertEqual(members(rule("Home store", "is", fx.POS_PROFILE)), {at_counter})
		self.assertEqual(members(rule("Customer group", "is", group.name)), {regular})
		self.assertEqual(members(rule("Customer group", "is not", group.name)), {newcomer, at_counter})
		# every rule must hold
		self.assertEqual(
			members(rule("Purchases", "at most", "1"), rule("Email opt-in", "is", "Yes")), {newcomer}
		)

	def test_preferences_with_a_minimum_score_and_occasions_ahead(self):
		today = getdate(nowdate())
		diamonds = bought(customer(), (DIAMOND_RING, 80000, 3))
		faded = bought(customer(), (DIAMOND_RING, 80000, 400))
		gold = bought(customer(), (RING, 80000, 3))
		occasion(gold, 10, "Anniversary")
		year, month = month_after(today, 1)
		dated(faded, "Child's Birthday", today.replace(year=year, month=month, day=1))
		everyone = [diamonds, faded, gold]
		score = {
			name: frappe.db.get_value("Preference", {"customer": name, "value": "Diamond"}, "score")
			for name in (diamonds, faded)
		}
		self.assertGreater(score[diamonds], score[faded], "a preference fades with time")
		middle = (score[diamonds] + score[faded]) / 2

		def members(*rows):
			return self.in_segment(make_segment(*rows), everyone)

		self.assertEqual(members(rule("Preference", "is", "diamond", qualifier="Stone")), {diamonds, faded})
		self.assertEqual(
			members(rule("Preference", "is", "Diamond", qualifier="Stone", min_score=middle)), {diamonds}
		)
		self.assertEqual(members(rule("Preference", "is not", "Diamond", qualifier="Stone")), {gold})
		self.assertEqual(members(rule("Occasion", "within days", qualifier="Anniversary", days=10)), {gold})
		self.assertEqual(members(rule("Occasion", "within days", qualifier="Anniversary", days=9)), set())
		# her anniversary in ten days may fall next month
		in_ten_days = getdate(add_days(today, 10))
		self.assertEqual(
			members(rule("Occasion", "next month")),
			{faded, gold} if in_ten_days.month == month else {faded},
		)
		self.assertEqual(members(rule("Occasion", "on file")), {faded, gold})

	def test_a_rule_that_makes_no_sense_is_refused_with_its_row_and_why(self):
		with self.assertRaises(frappe.ValidationError) as caught:
			make_segment(rule("Purchases", "at least", "1"), rule("Purchases", "exactly", "two"))
		self.assertIn("Rule 2", str(caught.exception))
		self.assertIn("two", str(caught.exception))
		with self.assertRaises(frappe.ValidationError) as caught:
			make_segment(rule("Occasion", "within days", qualifier="Birthday"))
		self.assertIn("days", str(caught.exception))
		with self.assertRaises(frappe.ValidationError):
			make_segment(rule("Preference", "is", "Diamond", qualifier="Sparkle"))
