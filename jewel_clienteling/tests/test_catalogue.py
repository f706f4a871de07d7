"""Catalogue sharing on a real site, the clock frozen: an associate shares pieces, an item group or new
arrivals in her category; the share is on her profile, the WhatsApp message with its signed link
goes through the queue (her consent needed); the no-login page shows that share's pieces only, as the
store chooses (weight, price), records each opening, and opens nothing once expired or tampered."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import getdate, nowdate, set_request
from frappe.website.serve import get_response_content

from jewel_clienteling.api import catalogue as api
from jewel_clienteling.services import catalogue
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_appointments import at
from jewel_clienteling.tests.test_walk_ins import customer, unique_mobile

RING = "JC-RING-GLD-22K-PLK"
NECKLACE = "JC-NECK-GLD-22K-PLK"
BANGLE = "JC-BANGLE-GLD-18K-PLN"
Y = getdate(nowdate()).year + 1


def page(token: str) -> str:
	set_request(method="GET", path=f"/catalogue?t={token}")
	frappe.form_dict.t = token
	return get_response_content("catalogue")


class TestCatalogue(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for template in defaults.TEMPLATES:
			if template["reason"] == "Catalogue share" and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)

	def setUp(self):
		frappe.db.set_value("Item", RING, {"weight_per_unit": 8.456, "weight_uom": "Gram"})  # rolled back
		frappe.set_user(fx.ASSOCIATE)
		self.settings = change_settings(
			"Clienteling Settings",
			{"catalogue_show_weights": 1, "catalogue_show_prices": 0, "frequency_cap_days": 0},
		)
		self.settings.__enter__()

	def tearDown(self):
		frappe.set_user("Administrator")
		self.settings.__exit__(None, None, None)
		frappe.db.rollback()

	def test_a_share_is_on_her_profile_and_its_link_goes_through_the_queue(self):
		her = customer(mobile_no=unique_mobile())
		with at(f"{Y}-03-01 12:00:00"):
			result = api.share(customer=her, selection="Pieces", items=f'["{RING}", "{NECKLACE}", "{RING}"]')
		self.assertEqual(result["pieces"], [RING, NECKLACE])
		self.assertEqual((result["status"], result["expires_on"]), ("Due", f"{Y}-03-15"))
		doc = frappe.get_doc("Catalogue Share", result["share"])
		self.assertEqual((doc.customer, doc.shared_by, doc.outreach), (her, fx.ASSOCIATE, result["outreach"]))
		message = frappe.db.get_value(
			"Client Outreach", result["outreach"], ["reason", "purpose", "channel", "message"], as_dict=True
		)
		self.assertEqual(
			(message.reason, message.purpose, message.channel), ("Catalogue share", "Marketing", "WhatsApp")
		)
		self.assertIn("2 pieces", message.message)
		self.assertIn(result["link"], message.message)

	def test_without_her_consent_the_share_is_recorded_but_no_message_goes(self):
		her = customer(consent=False, mobile_no=unique_mobile())
		result = api.share(customer=her, selection="Item group", item_group="Rings")
		self.assertEqual(set(result["pieces"]), {RING, "JC-RING-PLT-950-DIA"})
		self.assertEqual(result["status"], "Skipped")
		self.assertTrue(result["skip_reason"])

	def test_new_arrivals_in_her_category(self):
		her = customer(mobile_no=unique_mobile())
		frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": her,
				"dimension": "Category",
				"value": "Necklaces",
				"source": "Stated",
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Item", NECKLACE, "creation", frappe.utils.now_datetime(), update_modified=False)
		result = api.share(customer=her, selection="New arrivals in the customer's category")
		self.assertEqual(result["pieces"], [NECKLACE])

	def test_the_page_shows_only_its_pieces_records_each_opening_and_closes_on_its_day(self):
		her = customer(mobile_no=unique_mobile())
		other = customer(mobile_no=unique_mobile())
		with at(f"{Y}-03-01 12:00:00"):
			mine = api.share(customer=her, selection="Pieces", items=[RING])
			theirs = api.share(customer=other, selection="Pieces", items=[BANGLE])
		frappe.set_user("Guest")
		token = mine["link"].split("t=")[1]
		with at(f"{Y}-03-02 18:00:00"):
			html = page(token)
			page(token)
		ring_name = frappe.db.get_value("Item", RING, "item_name")
		bangle_name = frappe.db.get_value("Item", BANGLE, "item_name")
		self.assertIn(ring_name, html)
		self.assertIn("8.456 Gram", html)
		self.assertNotIn(bangle_name, html)
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Catalogue Share", mine["share"])
		self.assertEqual((doc.view_count, len(doc.views)), (2, 2))
		self.assertEqual(str(doc.last_viewed_on)[:16], f"{Y}-03-02 18:00")
		frappe.set_user("Guest")
		# another share's name under this signature, a tampered signature, an expired link: nothing
		share, day, signature = token.split(".")
		for bad in (f"{theirs['share']}.{day}.{signature}", f"{share}.{day}.{signature[:-2]}AA"):
			with at(f"{Y}-03-02 18:00:00"):
				self.assertNotIn(ring_name, page(bad))
		with at(f"{Y}-03-16 09:00:00"):
			closed = page(token)
		self.assertNotIn(ring_name, closed)
		self.assertIn("This link has closed", closed)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Catalogue Share", mine["share"], "view_count"), 2)
		self.assertEqual(frappe.db.get_value("Catalogue Share", theirs["share"], "view_count"), 0)

	def test_the_store_chooses_to_show_prices(self):
		her = customer(mobile_no=unique_mobile())
		frappe.set_user("Administrator")
		if not frappe.db.exists("Item Price", {"item_code": RING, "price_list": "Standard Selling"}):
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": RING,
					"price_list": "Standard Selling",
					"price_list_rate": 85000,
				}
			).insert()
		frappe.db.set_single_value("Selling Settings", "selling_price_list", "Standard Selling")
		frappe.db.set_single_value("Clienteling Settings", "catalogue_show_prices", 1)
		frappe.clear_document_cache("Clienteling Settings", "Clienteling Settings")
		result = catalogue.share(her, "Pieces", [RING])
		shown = catalogue.open_share(result["link"].split("t=")[1])
		self.assertTrue(shown["pieces"][0].price)
		self.assertEqual(shown["pieces"][0].weight, "8.456 Gram")
