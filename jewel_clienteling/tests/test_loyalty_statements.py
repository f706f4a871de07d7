"""What the desk reads off the ledger and what it brings over: her statement at every step of a
year, the points liability, and balances from ERPNext's own Loyalty Program."""

import frappe
from frappe.utils import add_days, cint, flt, nowdate

from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_loyalty_ledger import NECKLACE, RING, LoyaltyCase, ledger, sell


class TestERPNextLoyaltyProgram(LoyaltyCase):
	def test_an_erpnext_loyalty_invoice_earns_nothing_here_and_its_balance_can_be_brought_over(self):
		program = erpnext_program()
		customer = fx.make_customer(loyalty_program=program)
		sale = sell(customer, [(RING, 50000, 5000)], "Sales Invoice", loyalty_program=program)
		self.assertEqual(frappe.db.get_value("Sales Invoice", sale.name, "jc_loyalty_posted"), 1)
		self.assertEqual(ledger(customer), [])
		erpnext_points = sum(
			frappe.get_all("Loyalty Point Entry", filters={"customer": customer}, pluck="loyalty_points")
		)
		self.assertGreater(cint(erpnext_points), 0)
		from jewel_clienteling.api.loyalty import import_erpnext_balances

		import_erpnext_balances()
		import_erpnext_balances()
		(opening,) = ledger(customer)
		self.assertEqual((opening.entry_type, opening.points), ("Adjust", cint(erpnext_points)))
		self.assertEqual(self.points(customer), cint(erpnext_points))


def erpnext_program() -> str:
	name = "JC ERPNext Points"
	if not frappe.db.exists("Loyalty Program", name):
		company = fx.company()
		frappe.get_doc(
			{
				"doctype": "Loyalty Program",
				"loyalty_program_name": name,
				"loyalty_program_type": "Single Tier Program",
				"auto_opt_in": 0,
				"from_date": add_days(nowdate(), -30),
				"conversion_factor": 1,
				"expiry_duration": 365,
				"company": company,
				"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
				"expense_account": frappe.db.get_value(
					"Account", {"company": company, "root_type": "Expense", "is_group": 0}
				),
				"collection_rules": [{"tier_name": "Base", "min_spent": 0, "collection_factor": 1000}],
			}
		).insert(ignore_permissions=True)
	return name


class TestStatements(LoyaltyCase):
	def test_the_statement_is_right_at_every_step_of_a_customers_year(self):
		from jewel_clienteling.jewel_clienteling.report.loyalty_statement.loyalty_statement import (
			execute as statement,
		)
		from jewel_clienteling.jewel_clienteling.report.points_liability.points_liability import (
			execute as liability,
		)

		customer = fx.make_customer()

		def last_line():
			_columns, data, _message, _chart, summary = statement({"customer": customer})
			held = next(item["value"] for item in summary if item["datatype"] == "Int")
			self.assertEqual(held, self.points(customer))
			return data[-1] if data else None, len(data)

		sale = sell(customer, [(NECKLACE, 100000, 12000), (fx.COIN, 60000, 400)])
		line, count = last_line()
		self.assertEqual((line["entry_type"], line["points"], line["balance"], count), ("Earn", 120, 120, 1))
		fx.make_return(sale, {fx.COIN: 1})
		# the coin earned nothing, so returning it takes nothing back: no row, still 120
		line, count = last_line()
		self.assertEqual((line["points"], line["balance"], count), (120, 120, 1))
		spend = sell(customer, [(RING, 30000, 0)], redeem=75)
		line, count = last_line()
		self.assertEqual((line["entry_type"], line["points"], line["balance"], count), ("Redeem", -75, 45, 2))
		fx.make_return(sale, {NECKLACE: 1})
		line, count = last_line()
		self.assertEqual((line["source"], line["points"], line["balance"], count), ("Return", -120, 0, 3))
		spend.reload()
		spend.cancel()
		# the 75 she spent come back, but 75 of the necklace's points were owed: she holds nothing
		line, count = last_line()
		self.assertEqual((line["source"], line["points"], line["balance"], count), ("Cancellation", 75, 0, 4))
		sell(customer, [(RING, 30000, 9000)])
		_columns, owed, *_rest = liability({})
		mine = next(row for row in owed if row.customer == customer)
		self.assertEqual((mine.points, flt(mine.value)), (90, 90.0))
