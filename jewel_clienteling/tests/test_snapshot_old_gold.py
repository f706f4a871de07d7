"""Her old gold on the counter's snapshot, on a real site: real exchanges, submitted (and one cancelled,
one left a draft), summed as the slips were paid, in one query; within the store limits the rest of
the snapshot keeps; nothing for a customer who never exchanged any."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.api.customer import get_snapshot
from jewel_clienteling.services import old_gold
from jewel_clienteling.setup import old_gold as setup
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_old_gold import VALUE, exchange
from jewel_clienteling.tests.test_permissions import other_counter

# 5.000 g net of 18K (750): 3.750 g fine; at 7,250.50 a gram 27,189.375 -> 27,189 (domain/old_gold.py)
BANGLE = {"purity": "18K", "gross_weight": 5.2, "net_weight": 5.0, "description": "A thin bangle"}
BANGLE_VALUE = 27189


def submitted(customer: str, **fields) -> str:
	doc = exchange(customer, **fields).insert()
	doc.submit()
	return doc.name


def store_associate(store: str) -> str:
	"""A Sales User limited to one store (a User Permission on its POS Profile)."""
	user = f"jc-ogs-{frappe.generate_hash(length=6)}@example.com"
	fx.make_user(user, "Sales User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "POS Profile", "for_value": store}
	).insert(ignore_permissions=True)
	return user


class TestSnapshotOldGold(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup.add_missing()
		cls.currency = frappe.get_cached_value("Company", fx.company(), "default_currency")

	def setUp(self):
		frappe.set_user("Administrator")
		self.her = fx.make_customer(jc_home_store=fx.POS_PROFILE)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_her_submitted_exchanges_are_counted_weighed_credited_and_dated(self):
		submitted(self.her, posting_date=add_days(nowdate(), -30))
		submitted(self.her, posting_date=add_days(nowdate(), -3), **BANGLE)
		cancelled = exchange(self.her).insert()
		cancelled.submit()
		cancelled.cancel()  # today, the latest of all: it must move neither the count nor the date
		exchange(self.her, purity="24K").insert()  # a draft paid nothing yet
		submitted(fx.make_customer(jc_home_store=fx.POS_PROFILE))  # someone else's

		associate = store_associate(fx.POS_PROFILE)
		frappe.set_user(associate)
		self.assertEqual(
			get_snapshot(self.her)["old_gold"],
			{
				"exchanges": 2,
				"last_on": getdate(add_days(nowdate(), -3)),
				# 9.272 g + 3.750 g, each as its slip paid it
				"fine_weights": [{"metal": "Gold", "fine_weight": 13.022}],
				"values": [{"currency": self.currency, "value": float(VALUE + BANGLE_VALUE)}],
			},
		)
		# what she reads is what the exchanges' own list shows her
		listed = frappe.get_list(
			"Old Gold Exchange",
			filters={"customer": self.her, "docstatus": 1},
			fields=["fine_weight", "value"],
		)
		self.assertEqual(
			(len(listed), round(sum(r.fine_weight for r in listed), 3), sum(r.value for r in listed)),
			(2, 13.022, VALUE + BANGLE_VALUE),
		)

	def test_gold_and_silver_are_weighed_apart_in_one_query_however_many_exchanges(self):
		submitted(self.her)
		submitted(self.her, **BANGLE)
		# 92.500 g of sterling (925) at 90 a gram of pure silver: 85.562 g fine (85.5625 down), 7,701
		submitted(self.her, metal="Silver", purity="Silver 925", gross_weight=93, net_weight=92.5, rate=90)
		old_gold.for_snapshot(self.her)  # the permission and metadata caches warm, as on a running counter
		with self.assertQueryCount(1):
			summary = old_gold.for_snapshot(self.her)
		self.assertEqual(summary["exchanges"], 3)
		self.assertEqual(
			summary["fine_weights"],
			[{"metal": "Gold", "fine_weight": 13.022}, {"metal": "Silver", "fine_weight": 85.562}],
		)
		self.assertEqual(
			summary["values"], [{"currency": self.currency, "value": VALUE + BANGLE_VALUE + 7701.0}]
		)

	def test_an_associate_of_another_store_sees_neither_her_nor_her_exchanges(self):
		submitted(self.her)
		frappe.set_user(store_associate(other_counter()))
		with self.assertRaises(frappe.PermissionError):
			get_snapshot(self.her)
		# the exchanges' own list agrees: another store's customer's exchanges are not hers to list
		self.assertEqual(frappe.get_list("Old Gold Exchange", filters={"customer": self.her}), [])

	def test_a_customer_who_never_exchanged_has_no_old_gold_section(self):
		frappe.set_user(store_associate(fx.POS_PROFILE))
		self.assertIsNone(get_snapshot(self.her)["old_gold"])
		frappe.set_user("Administrator")
		only = exchange(self.her).insert()
		only.submit()
		only.cancel()
		exchange(self.her).insert()  # and a draft
		self.assertIsNone(get_snapshot(self.her)["old_gold"], "a cancelled exchange or a draft paid nothing")

	def test_a_user_who_may_read_the_customer_but_not_exchanges_is_not_shown_them(self):
		submitted(self.her)
		clerk = f"jc-ogs-{frappe.generate_hash(length=6)}@example.com"
		fx.make_user(clerk, "Stock User")  # reads customers, not old gold exchanges
		frappe.set_user(clerk)
		snap = get_snapshot(self.her)
		self.assertEqual(snap["profile"]["name"], self.her)
		self.assertIsNone(snap["old_gold"])
