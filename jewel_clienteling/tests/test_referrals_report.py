"""The Referrals report: who sent whom, and what the customers they referred bought, by period and
store."""

import frappe
from erpnext.controllers.sales_and_purchase_return import make_return_doc
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.jewel_clienteling.report.referrals import referrals
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import (
	NECKLACE,
	RING,
	customer,
)


class TestReferralsReport(FrappeTestCase):
	def test_referrers_with_what_their_friends_bought(self):
		asha = customer()
		bina = customer()
		# Asha referred three: one bought twice and returned part, one only looked, one bought once
		buyer = customer(jc_referred_by=asha)
		looker = customer(jc_referred_by=asha)
		once = customer(jc_referred_by=asha)
		bina_friend = customer(jc_referred_by=bina)
		fx.make_pos_invoice(buyer, [(RING, 20000)])
		sale = fx.make_sales_invoice(buyer, [(NECKLACE, 50000)])
		returned = make_return_doc("Sales Invoice", sale.name)
		returned.insert(ignore_permissions=True)
		returned.submit()
		fx.make_pos_invoice(once, [(RING, 10000)])
		self.assertTrue(looker and bina_friend)

		rows = {row["referrer"]: row for row in referrals.execute({})[1] if row["referrer"] in (asha, bina)}
		self.assertEqual(set(rows), {asha, bina})
		mine = rows[asha]
		self.assertEqual((mine["referred"], mine["bought"]), (3, 2))
		self.assertAlmostEqual(mine["conversion"], 200 / 3)
		self.assertEqual(mine["revenue"], 30000)  # 20,000 + 50,000 - 50,000 returned + 10,000
		self.assertEqual(mine["first_purchase"], getdate(nowdate()))
		self.assertEqual(rows[bina]["referred"], 1)
		self.assertEqual(
			(rows[bina]["bought"], rows[bina]["revenue"], rows[bina]["first_purchase"]), (0, 0, None)
		)

	def test_the_period_and_store_choose_the_referred_customers(self):
		asha = customer()
		friend = customer(jc_referred_by=asha)
		fx.make_pos_invoice(friend, [(RING, 20000)])
		frappe.db.set_value("Customer", friend, "jc_home_store", fx.POS_PROFILE)
		tomorrow = add_days(nowdate(), 1)
		later = referrals.execute({"from_date": tomorrow, "to_date": add_days(tomorrow, 5)})[1]
		self.assertNotIn(asha, [row["referrer"] for row in later])
		here = referrals.execute({"store": fx.POS_PROFILE})[1]
		self.assertIn(asha, [row["referrer"] for row in here])
		elsewhere = referrals.execute({"store": "No Such Counter"})[1]
		self.assertNotIn(asha, [row["referrer"] for row in elsewhere])
		self.assertRaises(
			frappe.ValidationError, referrals.execute, {"from_date": tomorrow, "to_date": nowdate()}
		)
