"""The Clienteling workspace on a real site: every card, chart and shortcut it shows exists and
answers, and each figure moves exactly as the store's records do."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_months, getdate, now_datetime, nowdate

from jewel_clienteling.api import dashboard as api
from jewel_clienteling.services import outreach_lifecycle, profile
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import RING, customer, occasion
from jewel_clienteling.tests.test_repair_desk import take_in

WORKSPACE = "Clienteling"


def card(method) -> float:
	return method()["value"]


def outreach_row(name: str, due, **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Client Outreach",
			"customer": name,
			"reason": "Lapsed",
			"status": "Planned",
			"due_date": due,
			"channel": "Manual",
			"cycle": frappe.generate_hash(length=6),
			**fields,
		}
	).insert(ignore_permissions=True)
	return doc.name


class TestWorkspace(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def test_everything_the_workspace_shows_exists(self):
		workspace = frappe.get_doc("Workspace", WORKSPACE)
		self.assertEqual({row.role for row in workspace.roles}, set(api.MANAGERS))
		for row in workspace.number_cards:
			number_card = frappe.get_doc("Number Card", row.number_card_name)
			self.assertIn(frappe.get_attr(number_card.method), frappe.whitelisted, number_card.name)
		for row in workspace.charts:
			chart = frappe.get_doc("Dashboard Chart", row.chart_name)
			self.assertTrue(frappe.db.exists("Dashboard Chart Source", chart.source), chart.name)
		for shortcut in workspace.shortcuts:
			doctype = {"DocType": "DocType", "Page": "Page", "Report": "Report"}[shortcut.type]
			self.assertTrue(frappe.db.exists(doctype, shortcut.link_to), shortcut.label)
			if shortcut.kanban_board:
				self.assertTrue(frappe.db.exists("Kanban Board", shortcut.kanban_board))
		for link in workspace.links:
			if link.type == "Link":
				self.assertTrue(frappe.db.exists(link.link_type, link.link_to), link.label)
		# the content blocks name only what the workspace holds
		names = {row.number_card_name for row in workspace.number_cards}
		names |= {row.chart_name for row in workspace.charts} | {s.label for s in workspace.shortcuts}
		names |= {link.label for link in workspace.links if link.type == "Card Break"}
		for block in json.loads(workspace.content):
			data = block["data"]
			name = (
				data.get("number_card_name")
				or data.get("chart_name")
				or data.get("shortcut_name")
				or data.get("card_name")
			)
			if name:
				self.assertIn(name, names)

	def test_occasions_in_the_next_30_days(self):
		before = card(api.occasions_next_30_days)
		her = customer()
		occasion(her, 29)
		occasion(her, 0, "Anniversary")
		occasion(her, 31, "Other")
		self.assertEqual(card(api.occasions_next_30_days), before + 2)

	def test_outreach_due_today_counts_only_what_is_really_due(self):
		before = card(api.outreach_due_today)
		her = customer()
		planned = outreach_row(her, nowdate())  # due once it falls due, her consent asked again
		outreach_row(her, add_days(nowdate(), -3), status="Due")  # overdue, still worth sending
		outreach_row(her, add_days(nowdate(), -40), status="Due")  # a win-back a month stale
		outreach_row(her, add_days(nowdate(), 1))
		outreach_row(her, nowdate(), status="Sent")
		self.assertEqual(card(api.outreach_due_today), before + 1)
		outreach_lifecycle.make_due()
		self.assertEqual(frappe.db.get_value("Client Outreach", planned, "status"), "Due")
		self.assertEqual(card(api.outreach_due_today), before + 2)

	def test_repeat_rate_lapsed_customers_and_points_liability_follow_profiles(self):
		once, twice = customer(), customer()
		fx.make_pos_invoice(once, [(RING, 50000)])
		for _ in range(2):
			fx.make_pos_invoice(twice, [(RING, 40000)])
		for name in (once, twice):
			profile.refresh_customer(name)
		buyers = frappe.get_all("Customer", filters={"jc_purchases": [">=", 1]}, pluck="jc_purchases")
		walk_in = frappe.db.get_single_value("Clienteling Settings", "walk_in_customer")
		if walk_in:
			buyers = frappe.get_all(
				"Customer", filters={"jc_purchases": [">=", 1], "name": ["!=", walk_in]}, pluck="jc_purchases"
			)
		expected = round(100 * sum(1 for p in buyers if p >= 2) / len(buyers), 1)
		self.assertEqual(card(api.repeat_purchase_rate), expected)

		lapsed = card(api.lapsed_customers)
		frappe.db.set_value("Customer", once, "jc_lifecycle_stage", "Lapsed")
		self.assertEqual(card(api.lapsed_customers), lapsed + 1)

		value_per_point = frappe.db.get_single_value("Clienteling Settings", "value_per_point")
		liability = card(api.points_liability)
		points = frappe.db.get_value("Customer", twice, "jc_loyalty_points") or 0
		frappe.db.set_value("Customer", twice, "jc_loyalty_points", points + 250)
		self.assertAlmostEqual(card(api.points_liability), liability + 250 * value_per_point, places=2)

	def test_open_repairs(self):
		before = card(api.open_repairs)
		ticket = take_in(customer=customer())
		self.assertEqual(card(api.open_repairs), before + 1)
		ticket.db_set("status", "Delivered")
		self.assertEqual(card(api.open_repairs), before)

	def test_outreach_funnel_and_attributed_revenue(self):
		her = customer()
		month = getdate(nowdate()).strftime("%b %Y")
		before = api.outreach_funnel()
		sale = fx.make_pos_invoice(her, [(RING, 61000)])
		outreach_row(her, nowdate(), status="Read", sent_on=now_datetime(), read_on=now_datetime())
		outreach_row(
			her,
			nowdate(),
			status="Replied",
			sent_on=now_datetime(),
			replied_on=now_datetime(),
			attributed_sale_type="POS Invoice",
			attributed_sale=sale.name,
			attributed_amount=61000,
		)
		outreach_row(
			her, nowdate(), status="Skipped", skip_reason="She asked not to be called."
		)  # never went: not in the funnel
		outreach_row(her, add_months(nowdate(), -13))  # before the chart's twelve months
		after = api.outreach_funnel()
		column = after["labels"].index(month)
		grew = {
			before_set["name"]: after_set["values"][column] - before_set["values"][column]
			for before_set, after_set in zip(before["datasets"], after["datasets"], strict=True)
		}
		self.assertEqual(list(grew.values()), [2, 2, 2, 2, 1, 1])

		revenue = dict(zip(*_revenue(api.attributed_revenue()), strict=True))
		self.assertGreaterEqual(revenue.get("Lapsed", 0), 61000)

	def test_returning_buyers_this_month(self):
		month = getdate(nowdate()).strftime("%b %Y")
		old, new = customer(), customer()
		fx.make_sales_invoice(old, [(RING, 30000)], posting_date=add_months(nowdate(), -3))
		fx.make_pos_invoice(old, [(RING, 30000)])
		fx.make_pos_invoice(new, [(RING, 30000)])
		for name in (old, new):
			profile.refresh_customer(name)
		chart = api.repeat_rate_by_month()
		share = chart["datasets"][0]["values"][chart["labels"].index(month)]
		self.assertGreater(share, 0)
		self.assertLess(share, 100)

	def test_months_are_named_in_the_users_language(self):
		month = getdate(nowdate())
		english = api.outreach_funnel()["labels"]
		self.assertEqual(english[-1], month.strftime("%b %Y"))
		lang = frappe.local.lang
		try:
			frappe.local.lang = "hi"
			hindi = api.repeat_rate_by_month()["labels"]
		finally:
			frappe.local.lang = lang
		self.assertEqual(len(hindi), len(english))
		self.assertTrue(hindi[-1].endswith(str(month.year)))
		self.assertNotIn(month.strftime("%b"), hindi[-1], "the month is written in Hindi")
		self.assertTrue(any("\u0900" <= char <= "\u097f" for char in hindi[-1]), hindi[-1])

	def test_associates_and_strangers_see_no_figures(self):
		fx.make_user(fx.ASSOCIATE, "Sales User")
		frappe.set_user(fx.ASSOCIATE)
		for method in (api.open_repairs, api.outreach_funnel, api.points_liability):
			with self.assertRaises(frappe.PermissionError):
				method()


def _revenue(chart):
	return chart["labels"], chart["datasets"][0]["values"]
