"""In a real browser (headless Chromium), against the real site: an associate at ERPNext's point of
sale knows the customer without asking her anything, adds to what is known and completes a sale;
a manager opens the workspace and the milestone calendar. Screenshots of every step are saved (the
folder is printed). See tests/browser.py for what this needs; without it the tests are skipped."""

import unittest

import frappe
from frappe.permissions import add_permission
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.tests import browser
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import occasion

REASON = browser.why_not()
ASSOCIATE = "jc-browser-associate@example.com"
MANAGER = "jc-browser-manager@example.com"
PRICED_ITEM = fx.COIN
PRICE = 64500
PAST_ITEM = "JC-RING-GLD-22K-PLK"


def counter_for(user: str):
	"""An open POS Opening Entry for `user` at the JC Counter, as the start of her shift. ERPNext lets
	only Sales Managers read opening entries, yet every POS sale reads its cashier's: a store gives its
	counter role that read permission (Role Permissions Manager), as here for Sales User."""
	if not frappe.db.exists("Custom DocPerm", {"parent": "POS Opening Entry", "role": "Sales User"}):
		add_permission("POS Opening Entry", "Sales User", 0)
	if frappe.db.exists("POS Opening Entry", {"user": user, "status": "Open", "docstatus": 1}):
		return
	frappe.get_doc(
		{
			"doctype": "POS Opening Entry",
			"company": fx.company(),
			"pos_profile": fx.POS_PROFILE,
			"user": user,
			"period_start_date": frappe.utils.now_datetime(),
			"posting_date": nowdate(),
			"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
		}
	).submit()


def price(item_code: str, rate: float):
	if not frappe.db.exists("Item Price", {"item_code": item_code, "price_list": "Standard Selling"}):
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": item_code,
				"price_list": "Standard Selling",
				"price_list_rate": rate,
			}
		).insert(ignore_permissions=True)


def her() -> dict:
	"""A customer the store knows: an anniversary coming, her ring size, a past purchase, a note, a
	piece in for repair and old gold exchanged. Committed, as the browser talks to another process."""
	name = fx.make_customer(mobile_no="+91 98450 11223", jc_whatsapp_opt_in=1)
	customer_name = frappe.db.get_value("Customer", name, "customer_name")
	occasion(name, 10, "Anniversary", relation="Spouse", person_name="Rahul")
	occasion(name, 0, "Child's Birthday", relation="Daughter", person_name="Anaya")
	frappe.get_doc(
		{
			"doctype": "Preference",
			"customer": name,
			"dimension": "Ring Size",
			"qualifier": "right ring finger",
			"value": "14",
			"source": "Stated",
		}
	).insert(ignore_permissions=True)
	fx.make_pos_invoice(name, [(PAST_ITEM, 52000)])
	frappe.get_doc(
		{
			"doctype": "Customer Note",
			"customer": name,
			"note": "Prefers antique finish; visits with her mother",
		}
	).insert(ignore_permissions=True)
	from jewel_clienteling.tests.test_repair_desk import take_in

	ticket = take_in(customer=name, piece_description="Polki bangle, loose stone")
	from jewel_clienteling.setup import old_gold
	from jewel_clienteling.tests.test_old_gold import exchange

	old_gold.add_missing()
	exchange(name).insert().submit()  # two old bangles: 9.272 g of fine gold
	return {"name": name, "customer_name": customer_name, "repair": ticket.name}


def overlap(a: dict, b: dict) -> bool:
	"""Whether two bounding boxes share any area (touching edges do not)."""
	return (
		a["x"] < b["x"] + b["width"]
		and b["x"] < a["x"] + a["width"]
		and a["y"] < b["y"] + b["height"]
		and b["y"] < a["y"] + a["height"]
	)


@unittest.skipIf(REASON, f"browser tests skipped: {REASON}")
class TestAtTheCounterAndTheDesk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		browser.make_user(ASSOCIATE, ("Sales User", "Accounts User"))
		browser.make_user(
			MANAGER, ("Sales Manager", "Sales Master Manager", "Accounts User", "Clienteling Manager")
		)
		counter_for(ASSOCIATE)
		price(PRICED_ITEM, PRICE)
		cls.customer = her()
		frappe.db.commit()
		cls.server = browser.Server(frappe.local.site)
		cls.addClassCleanup(cls.server.stop)

	def setUp(self):
		self.browser = browser.Browser(self.server, browser.screenshot_folder(self._testMethodName))
		self.addCleanup(self.browser.close)
		print(f"\nscreenshots: {self.browser.folder}")

	def tearDown(self):
		self.assertEqual(self.browser.errors, [], "the page raised JavaScript errors")

	def pick_customer(self, page):
		field = page.locator(".customer-field input")
		field.click()
		field.fill(self.customer["customer_name"])
		page.get_by_role("option").filter(has_text=self.customer["customer_name"]).first.click()

	def test_associate_knows_her_adds_an_occasion_and_completes_a_sale(self):
		page = self.browser.login(ASSOCIATE)
		self.browser.open(page, "/app/point-of-sale")
		page.wait_for_selector(".customer-cart-container .customer-field input")
		self.pick_customer(page)

		# her snapshot opens beside the cart, without anything asked of her
		snapshot = page.locator(f'.jc-pos-panel .jc-snapshot[data-customer="{self.customer["name"]}"]')
		snapshot.wait_for()
		text = snapshot.inner_text()
		for expected in (
			"Anniversary",
			"Rahul",
			"Anaya",
			"Ring Size",
			"14",
			PAST_ITEM,
			"Polki bangle, loose stone",
			"Prefers antique finish",
			"WhatsApp: yes",
			"1 exchange ·",
			"Gold: 9.272 g fine",
		):
			self.assertIn(expected, text)
		self.browser.screenshot(page, "her-snapshot-at-the-counter")

		# she mentions her mother's birthday: two clicks and a date
		page.click('.jc-pos-actions [data-action="occasion"]')
		birthday = getdate(add_days(nowdate(), 20))
		self.browser.fill_dialog(
			page,
			{
				"occasion_type": "Birthday",
				"relation": "Mother",
				"person_name": "Sunita",
				"date": str(birthday),
			},
		)
		self.browser.screenshot(page, "adding-her-mothers-birthday")
		self.browser.press_primary(page)
		snapshot = page.locator(".jc-pos-panel .jc-snapshot")
		snapshot.filter(has_text="Sunita").wait_for()
		frappe.db.rollback()  # see what the server committed
		self.assertTrue(
			frappe.db.exists(
				"Occasion",
				{
					"customer": self.customer["name"],
					"occasion_type": "Birthday",
					"relation": "Mother",
					"day": birthday.day,
					"month": str(birthday.month),
					"source": "Asked",
				},
			)
		)

		# she would rather hear from us once a month, in the evening
		page.click('.jc-pos-actions [data-action="rhythm"]')
		self.browser.fill_dialog(page, {"how_often": "Monthly", "time_of_day": "Evening"})
		self.browser.press_primary(page)
		snapshot.filter(has_text="Rhythm: Monthly · Evening").wait_for()
		frappe.db.rollback()  # see what the server committed
		self.assertEqual(
			frappe.db.get_value(
				"Customer", self.customer["name"], ["jc_contact_rhythm", "jc_preferred_time"]
			),
			("Monthly", "Evening"),
		)

		# this sale is an anniversary gift for her husband
		page.click('.jc-pos-actions [data-action="sale-occasion"]')
		self.browser.fill_dialog(
			page,
			{
				"jc_purchase_occasion": "Anniversary gift",
				"jc_recipient_name": "Rahul",
				"jc_recipient_relation": "Spouse",
			},
		)
		self.browser.press_primary(page)
		page.locator(".jc-sale-capture").filter(has_text="Rahul").wait_for()

		# the sale itself, through ERPNext's own screens, her profile still open beside them
		self.assertTrue(page.locator(".jc-pos-panel").is_visible())
		page.click(f'.item-wrapper[data-item-code="{PRICED_ITEM}"]')
		page.locator(f'.cart-item-wrapper:has-text("{PRICED_ITEM}")').first.wait_for()
		page.locator(".checkout-btn").first.click()
		page.locator(".submit-order-btn").wait_for()
		self.browser.screenshot(page, "payment")
		page.click(".submit-order-btn")
		page.wait_for_function("() => window.cur_dialog && cur_dialog.display")  # "Permanently submit?"
		self.browser.press_primary(page)
		page.locator(".new-btn").first.wait_for()
		self.browser.screenshot(page, "sale-complete")

		frappe.db.rollback()
		sales = frappe.get_all(
			"POS Invoice",
			filters={"customer": self.customer["name"], "docstatus": 1, "owner": ASSOCIATE},
			fields=[
				"name",
				"net_total",
				"grand_total",
				"paid_amount",
				"jc_purchase_occasion",
				"jc_recipient_name",
				"jc_recipient_relation",
			],
		)
		self.assertEqual(len(sales), 1)
		sale = sales[0]
		self.assertEqual(
			(sale.jc_purchase_occasion, sale.jc_recipient_name, sale.jc_recipient_relation),
			("Anniversary gift", "Rahul", "Spouse"),
		)
		self.assertEqual(sale.net_total, PRICE)
		self.assertEqual(sale.paid_amount, sale.grand_total)

	def test_a_walk_in_who_did_not_buy_is_remembered_and_followed_up(self):
		visitor = f"Kavya {frappe.generate_hash(length=5)}"
		mobile = f"+91 97{frappe.utils.cint(frappe.utils.now_datetime().timestamp()) % 10**8:08d}"
		page = self.browser.login(ASSOCIATE)
		self.browser.open(page, "/app/point-of-sale")
		page.wait_for_selector(".customer-cart-container .customer-field input")
		page.click(".jc-walk-in")
		self.browser.fill_dialog(
			page,
			{
				"visitor_name": visitor,
				"mobile": mobile,
				"whatsapp_consent": 1,
				"budget": 80000,
				"occasion": "Anniversary gift",
				"reason_not_bought": "Price",
			},
		)
		# the piece she liked, as a row of the dialog's table
		page.evaluate(
			"""(item) => {
				const table = cur_dialog.fields_dict.wishlist;
				table.df.data.push({ item, size: "14" });
				table.grid.refresh();
			}""",
			PAST_ITEM,
		)
		self.browser.screenshot(page, "walk-in")
		self.browser.press_primary(page)

		# the POS now knows her: she is picked and her snapshot shows the piece she liked
		snapshot = page.locator(".jc-pos-panel .jc-snapshot").filter(has_text=visitor)
		snapshot.wait_for()
		self.assertIn(PAST_ITEM, snapshot.inner_text())
		self.browser.screenshot(page, "walk-in-remembered")

		frappe.db.rollback()  # see what the server committed
		customer = frappe.db.get_value("Walk-in Visit", {"visitor_name": visitor}, "customer")
		self.assertTrue(customer)
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 1)
		visit = frappe.db.get_value("Walk-in Visit", {"visitor_name": visitor})
		self.assertEqual(
			frappe.get_all("Walk-in Wishlist Item", {"parent": visit}, pluck="item"), [PAST_ITEM]
		)
		follow_up = frappe.get_all(
			"Client Outreach",
			filters={"customer": customer, "reason": "Walk-in follow-up"},
			fields=["status", "assigned_to"],
		)
		self.assertEqual([(row.status, row.assigned_to) for row in follow_up], [("Planned", ASSOCIATE)])

	def test_the_profile_sits_beside_the_items_and_the_cart_at_both_screen_sizes(self):
		for width, height in ((1366, 768), (1920, 1080)):
			page = self.browser.login(ASSOCIATE, width, height)
			self.browser.open(page, "/app/point-of-sale")
			page.wait_for_selector(".customer-cart-container .customer-field input")
			page.locator(f'.item-wrapper[data-item-code="{PRICED_ITEM}"]').wait_for()
			self.pick_customer(page)
			panel = page.locator(".jc-pos-panel")
			panel.locator(f'.jc-snapshot[data-customer="{self.customer["name"]}"]').wait_for()
			page.wait_for_timeout(300)  # the grid settles into its new columns
			self.browser.screenshot(page, f"profile-beside-the-sale-{width}x{height}")

			boxes = {
				"panel": panel.bounding_box(),
				"item grid": page.locator(".items-selector").bounding_box(),
				"cart": page.locator(".customer-cart-container").bounding_box(),
				"launcher": page.locator(".jc-pos-launcher").bounding_box(),
			}
			for name, box in boxes.items():
				self.assertIsNotNone(box, f"{name} is not on the page at {width}x{height}")
			for other in ("item grid", "cart", "launcher"):
				self.assertFalse(
					overlap(boxes["panel"], boxes[other]),
					f"at {width}x{height} the profile {boxes['panel']} covers the {other} {boxes[other]}",
				)
			for other in ("item grid", "cart"):
				self.assertFalse(overlap(boxes["launcher"], boxes[other]), f"the launcher covers the {other}")
			# side by side, each wide enough to use, all within the window
			self.assertLessEqual(boxes["item grid"]["x"] + boxes["item grid"]["width"], boxes["cart"]["x"])
			self.assertLessEqual(boxes["cart"]["x"] + boxes["cart"]["width"], boxes["panel"]["x"])
			self.assertLessEqual(boxes["panel"]["x"] + boxes["panel"]["width"], width)
			self.assertGreaterEqual(boxes["panel"]["width"], 250)
			self.assertGreaterEqual(boxes["item grid"]["width"], 450)
			self.assertGreaterEqual(boxes["cart"]["width"], 300)

			# a note's time reads as words, not as markup
			notes = panel.locator('[data-section="notes"]').inner_text()
			self.assertIn("Prefers antique finish", notes)
			self.assertNotIn("frappe-timestamp", notes)
			self.assertNotIn("<span", notes)
			self.assertNotIn("Her Profile", page.locator(".jc-pos-launcher").inner_text())

			# the cashier picks an item with the profile open: it reaches the cart
			page.click(f'.item-wrapper[data-item-code="{PRICED_ITEM}"]')
			page.locator(f'.cart-item-wrapper:has-text("{PRICED_ITEM}")').first.wait_for()
			self.assertTrue(panel.is_visible())
			self.browser.screenshot(page, f"item-in-the-cart-profile-open-{width}x{height}")
			page.context.close()

	def test_her_snapshot_on_the_customer_form(self):
		page = self.browser.login(ASSOCIATE)
		self.browser.open(page, f"/app/customer/{self.customer['name']}")
		page.get_by_role("tab", name="Clienteling").click()
		snapshot = page.locator(f'.jc-snapshot[data-customer="{self.customer["name"]}"]')
		snapshot.wait_for()
		self.assertIn("Polki bangle, loose stone", snapshot.inner_text())
		notes = snapshot.locator('[data-section="notes"]').inner_text()
		self.assertIn("Prefers antique finish", notes)
		self.assertNotIn("frappe-timestamp", notes)
		self.assertNotIn(
			"Her Clienteling Data", page.locator(".page-head .page-actions").first.text_content()
		)
		self.browser.screenshot(page, "customer-form")

	def test_manager_sees_the_workspace_and_the_calendar(self):
		page = self.browser.login(MANAGER)
		self.browser.open(page, "/app/clienteling")
		cards = page.locator(".widget.number-widget-box")
		cards.nth(5).wait_for()
		# six of the store's day, two of the inbox, four of what remembering earns
		self.assertEqual(cards.count(), 12)
		open_repairs = page.locator('.widget.number-widget-box:has-text("Open Repairs") .number')
		open_repairs.wait_for()
		frappe.db.rollback()
		expected = frappe.db.count(
			"Repair Ticket", {"docstatus": 1, "status": ["not in", ("Delivered", "Cancelled")]}
		)
		self.assertEqual(int(open_repairs.inner_text().replace(",", "")), expected)
		charts = page.locator(".widget.dashboard-widget-box .frappe-chart")
		charts.nth(2).wait_for()
		self.browser.screenshot(page, "workspace")

		self.browser.open(page, "/app/occasion/view/calendar/default")
		event = page.locator(".fc-event").filter(has_text="Anaya")
		event.first.wait_for()
		self.browser.screenshot(page, "milestone-calendar")
