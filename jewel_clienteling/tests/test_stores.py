"""Stores stay apart wherever a customer is found by mobile or name, on a real site with two stores
(the JC Counter and the JC Counter East) and an associate at each limited to it by a User
Permission, as ERPNext sets up a counter. Someone whose mobile belongs to the East store's customer
walks into the JC Counter: the visit or repair is kept for the JC Counter against a new customer,
nothing of the East customer is shown (neither her ID nor her name is anywhere in the answer) or
changed (her rows compare equal before and after), and the managers get a Possible Duplicate
Customer to merge. Segment previews and the workspace's figures count only the user's store."""

import json
from datetime import datetime, timezone

import frappe
from frappe import client as frappe_client
from frappe.desk.search import search_link
from frappe.handler import execute_cmd
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from jewel_clienteling.api import dashboard as dashboard_api
from jewel_clienteling.domain.incoming import InboundMessage
from jewel_clienteling.jewel_clienteling.report.referrals import referrals
from jewel_clienteling.services import webhook
from jewel_clienteling.services.duplicates import DUPLICATE
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_permissions import MANAGER, make_users, other_counter
from jewel_clienteling.tests.test_repair_desk import take_in
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.test_workspace import outreach_row

NORTH = fx.POS_PROFILE
RING = "JC-RING-GLD-22K-PLK"
# every record about a customer that a visit, a repair or a message could add or change
HER_RECORDS = (
	"Walk-in Visit",
	"Repair Ticket",
	"Preference",
	"Occasion",
	"Customer Note",
	"Consent Change",
	"Client Outreach",
	"Loyalty Ledger",
	"Clienteling WhatsApp Message",
)
CARDS = tuple(name for name, function in vars(dashboard_api).items() if function in frappe.whitelisted)


def limited_user(store: str, *roles: str) -> str:
	"""A user holding `roles`, limited to `store` by a User Permission on its POS Profile."""
	user = f"jc-{frappe.scrub(store)}-{frappe.generate_hash(length=6)}@example.com".replace("_", "-")
	fx.make_user(user, roles[0])
	frappe.get_doc("User", user).add_roles(*roles)
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "POS Profile", "for_value": store}
	).insert(ignore_permissions=True)
	return user


def answer(user: str, http_method: str, method: str, **kwargs) -> str:
	"""One call of jewel_clienteling.api.`method` through Frappe's request handler as `user`: the
	response body as the browser gets it (the answer and any messages), as JSON text."""
	frappe.set_user(user)
	frappe.local.message_log = []
	frappe.local.request = Request(EnvironBuilder(method=http_method, path="/api/method/x").get_environ())
	frappe.local.form_dict = frappe._dict(kwargs)
	try:
		result = execute_cmd(f"jewel_clienteling.api.{method}")
		return frappe.as_json({"message": result, "_server_messages": frappe.local.message_log})
	finally:
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.form_dict = frappe._dict()


def her_world(customer: str) -> dict:
	"""Her Customer row and every record about her, to compare before and after."""
	return {
		"customer": frappe.db.get_value("Customer", customer, "*", as_dict=True),
		"contacts": frappe.get_all(
			"Dynamic Link", filters={"link_doctype": "Customer", "link_name": customer}, fields=["*"]
		),
		"referred": frappe.get_all("Customer", filters={"jc_referred_by": customer}, pluck="name"),
		**{
			doctype: frappe.get_all(doctype, filters={"customer": customer}, fields=["*"], order_by="name")
			for doctype in HER_RECORDS
		},
	}


class StoresTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		cls.east = other_counter()
		cls.north_associate = limited_user(NORTH, "Sales User", "Accounts User")
		cls.east_associate = limited_user(cls.east, "Sales User", "Accounts User")
		for template in defaults.TEMPLATES:
			if template["reason"] == "Walk-in follow-up" and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)

	def setUp(self):
		frappe.set_user("Administrator")
		self.mobile = unique_mobile()
		# the East store's customer: her mobile typed the East counter's way
		self.theirs = fx.make_customer(
			mobile_no=f"+91 {self.mobile[:5]} {self.mobile[5:]}", jc_home_store=self.east
		)
		self.their_name = frappe.db.get_value("Customer", self.theirs, "customer_name")
		frappe.get_doc(
			{"doctype": "Preference", "customer": self.theirs, "dimension": "Metal", "value": "Platinum"}
		).insert(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	def assertRevealsNothing(self, body: str, *customers: str):
		for customer in customers or (self.theirs,):
			self.assertNotIn(customer, body)
			self.assertNotIn(frappe.db.get_value("Customer", customer, "customer_name") or customer, body)

	def walk_in(self, user: str, **fields) -> tuple[dict, str]:
		fields = {
			"visitor_name": "Anjali Walk-in",
			"mobile": f"0{self.mobile[:5]}-{self.mobile[5:]}",
			"whatsapp_consent": 1,
			"wishlist": json.dumps([{"item": RING, "size": "12"}]),
			"reason_not_bought": "Price",
			**fields,
		}
		body = answer(user, "POST", "walk_ins.record_walk_in", **fields)
		return json.loads(body)["message"], body

	def flags(self, customer: str) -> list[frappe._dict]:
		return frappe.get_all(
			DUPLICATE,
			filters={"customer": customer},
			fields=["name", "existing_customer", "store", "existing_store", "reference_doctype", "status"],
		)


class TestLookupsByMobile(StoresTestCase):
	def test_a_walk_in_with_another_stores_mobile_is_kept_for_her_store_and_reveals_and_changes_nothing(self):
		before = her_world(self.theirs)
		result, body = self.walk_in(self.north_associate)
		self.assertRevealsNothing(body)
		made = result["customer"]
		self.assertTrue(result["new_customer"])
		self.assertTrue(result["consent_recorded"])
		self.assertEqual(frappe.db.get_value("Customer", made, "jc_home_store"), NORTH)
		self.assertEqual(frappe.db.get_value("Customer", made, "jc_whatsapp_opt_in"), 1)
		self.assertTrue(frappe.get_all("Preference", filters={"customer": made}), "her liked ring was kept")
		self.assertEqual(frappe.db.get_value("Walk-in Visit", result["visit"], "store"), NORTH)
		self.assertEqual(her_world(self.theirs), before)

		(flag,) = self.flags(made)
		self.assertEqual(
			(flag.existing_customer, flag.store, flag.existing_store, flag.reference_doctype, flag.status),
			(self.theirs, NORTH, self.east, "Walk-in Visit", "Open"),
		)
		# the flag is the managers' alone
		self.assertFalse(frappe.has_permission(DUPLICATE, "read", user=self.north_associate))
		self.assertTrue(frappe.has_permission(DUPLICATE, "read", flag.name, user=MANAGER))

		# she comes back to the JC Counter: the counter's own record is found, nothing more is flagged
		again, body = self.walk_in(self.north_associate, visitor_name="Anjali")
		self.assertRevealsNothing(body)
		self.assertEqual((again["customer"], again["new_customer"]), (made, False))
		self.assertEqual(len(self.flags(made)), 1)
		self.assertEqual(her_world(self.theirs), before)

		# and the East counter finds its own customer, and is not told of the JC Counter's
		east, body = self.walk_in(self.east_associate, whatsapp_consent=0, wishlist=None)
		self.assertRevealsNothing(body, made)
		self.assertEqual((east["customer"], east["new_customer"]), (self.theirs, False))

	def test_another_stores_customer_cannot_be_named_as_who_referred_her(self):
		customers = frappe.db.count("Customer")
		with self.assertRaises(frappe.PermissionError):
			self.walk_in(self.north_associate, mobile=unique_mobile(), referred_by=self.theirs)
		frappe.set_user(self.north_associate)
		with self.assertRaises(frappe.PermissionError):
			self.quick_entry(jc_referred_by=self.theirs)
		self.assertEqual(frappe.db.count("Customer"), customers)

	def test_a_customer_she_makes_at_her_counter_is_her_stores(self):
		frappe.set_user(self.north_associate)
		self.assertEqual(frappe.db.get_value("Customer", self.quick_entry(), "jc_home_store"), NORTH)
		frappe.set_user(MANAGER)
		self.assertFalse(frappe.db.get_value("Customer", self.quick_entry(), "jc_home_store"))

	def quick_entry(self, **fields) -> str:
		"""A customer made as the POS's *Create a new Customer* makes her, by the session's user."""
		return (
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": f"Quick {frappe.generate_hash(length=6)}",
					"customer_type": "Individual",
					"mobile_no": unique_mobile(),
					**fields,
				}
			)
			.insert()
			.name
		)

	def test_a_repair_intake_with_another_stores_mobile_reveals_and_changes_nothing(self):
		before = her_world(self.theirs)
		frappe.set_user(self.north_associate)
		ticket = take_in(walk_in_name="Anjali Repair", walk_in_phone=f"+91{self.mobile}")
		body = frappe.as_json(ticket.as_dict())
		frappe.set_user("Administrator")
		self.assertRevealsNothing(body)
		self.assertNotEqual(ticket.customer, self.theirs)
		self.assertEqual(frappe.db.get_value("Customer", ticket.customer, "jc_home_store"), NORTH)
		self.assertEqual(her_world(self.theirs), before)
		(flag,) = self.flags(ticket.customer)
		self.assertEqual((flag.existing_customer, flag.reference_doctype), (self.theirs, "Repair Ticket"))

	def test_a_manager_who_sees_every_store_finds_her_wherever_she_is(self):
		result, _body = self.walk_in(MANAGER, whatsapp_consent=0, wishlist=None)
		self.assertEqual((result["customer"], result["new_customer"]), (self.theirs, False))

	def test_searching_customers_by_her_mobile_or_name_finds_none_of_another_store(self):
		frappe.set_user(self.north_associate)
		for text in (self.mobile, self.their_name):
			with self.subTest(text=text):
				found = frappe.as_json(search_link("Customer", text))
				self.assertRevealsNothing(found)
		frappe.set_user(self.east_associate)
		self.assertIn(self.theirs, frappe.as_json(search_link("Customer", self.their_name)))

	def test_the_referrals_report_does_not_name_another_stores_referrer(self):
		friend = fx.make_customer(jc_home_store=NORTH, jc_referred_by=self.theirs)  # set by a manager
		frappe.set_user(self.north_associate)
		_columns, rows = referrals.execute({})
		body = frappe.as_json(rows)
		self.assertRevealsNothing(body)
		(row,) = [row for row in rows if friend in row["referred_customers"]]
		self.assertEqual((row["referrer"], row["referrer_name"]), (None, "A customer of another store"))
		frappe.set_user(self.east_associate)
		self.assertNotIn(friend, frappe.as_json(referrals.execute({})[1]))

	def test_inbound_whatsapp_looks_in_every_store_and_a_stop_reaches_every_record_of_the_number(self):
		made, _body = self.walk_in(self.north_associate)
		frappe.db.set_value("Customer", self.theirs, "jc_whatsapp_opt_in", 1)
		frappe.set_user("Guest")  # as the webhook runs
		for number, text in enumerate(("Is my ring ready?", "STOP")):
			webhook.take_in(
				InboundMessage(
					message_id=f"wamid.stores-{frappe.generate_hash(length=8)}-{number}",
					from_phone=f"91{self.mobile}",
					timestamp=datetime.now(timezone.utc),  # as Meta stamps it: UTC
					kind="text",
					text=text,
				)
			)
		frappe.set_user("Administrator")
		linked = frappe.get_all(
			"Clienteling WhatsApp Message", filters={"phone": f"+91{self.mobile}"}, pluck="customer"
		)
		self.assertEqual(len(linked), 2)
		self.assertTrue(set(linked) <= {made["customer"], self.theirs}, linked)
		for customer in (made["customer"], self.theirs):
			self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 0, customer)
			self.assertTrue(
				frappe.db.exists(
					"Consent Change", {"customer": customer, "opted_in": 0, "channel": "WhatsApp"}
				)
			)


class TestFiguresOfHerStore(StoresTestCase):
	def test_the_segment_preview_counts_only_her_stores_customers(self):
		ours = fx.make_customer(jc_home_store=NORTH)
		segment = frappe.get_doc(
			{
				"doctype": "Client Segment",
				"segment_name": f"Both stores {frappe.generate_hash(length=6)}",
				"rules": [{"criterion": "Home store", "operator": "is", "value": f"{NORTH}, {self.east}"}],
			}
		).insert()
		north = frappe.db.count("Customer", {"jc_home_store": NORTH, "disabled": 0})
		east = frappe.db.count("Customer", {"jc_home_store": self.east, "disabled": 0})

		body = answer(self.north_associate, "GET", "segments.preview", segment=segment.name)
		self.assertRevealsNothing(body)
		preview = json.loads(body)["message"]
		self.assertEqual(preview["count"], north)
		shown = [row["name"] for row in preview["rows"]]
		self.assertTrue(shown, f"{ours} at least is the JC Counter's")
		self.assertEqual({frappe.db.get_value("Customer", name, "jc_home_store") for name in shown}, {NORTH})
		self.assertEqual(
			json.loads(answer(MANAGER, "GET", "segments.preview", segment=segment.name))["message"]["count"],
			north + east,
		)

		# the count saved on the segment is every store's: the managers' to read
		frappe.set_user(self.north_associate)
		self.assertIn(frappe_client.get("Client Segment", segment.name).get("customer_count"), (None, 0))
		frappe.set_user(MANAGER)
		self.assertEqual(
			frappe_client.get("Client Segment", segment.name).get("customer_count"), north + east
		)

	def test_the_workspace_figures_of_a_store_manager_are_his_stores(self):
		"""The East store's occasions, due outreach, lapsed customers, open repairs and points move
		every store's figures and none of the JC Counter manager's; the JC Counter's move his."""
		north_manager = limited_user(NORTH, "Sales Manager")
		for card in CARDS:
			with self.subTest(card=card):
				with self.assertRaises(frappe.PermissionError):
					answer(self.north_associate, "GET", f"dashboard.{card}")
		ours = fx.make_customer(jc_home_store=NORTH)
		before = {user: self.figures(user) for user in (north_manager, MANAGER)}
		self.add_figures(self.theirs)
		self.assertEqual(self.figures(north_manager), before[north_manager])
		moved = self.figures(MANAGER)
		for card in ("occasions_next_30_days", "outreach_due_today", "lapsed_customers", "open_repairs"):
			self.assertEqual(moved[card], before[MANAGER][card] + 1, card)
		self.assertGreater(moved["points_liability"], before[MANAGER]["points_liability"])
		self.add_figures(ours)
		mine = self.figures(north_manager)
		for card in ("occasions_next_30_days", "outreach_due_today", "lapsed_customers", "open_repairs"):
			self.assertEqual(mine[card], before[north_manager][card] + 1, card)
		self.assertGreater(mine["points_liability"], before[north_manager]["points_liability"])

	def figures(self, user: str) -> dict:
		found = {}
		for card in CARDS:
			body = answer(user, "GET", f"dashboard.{card}")
			self.assertRevealsNothing(body)
			message = json.loads(body)["message"]
			found[card] = message.get("value", message)
		return found

	def add_figures(self, customer: str) -> None:
		"""A birthday next week, an outreach due today, lapsed, a repair at the desk and points."""
		when = frappe.utils.getdate(add_days(nowdate(), 7))
		frappe.get_doc(
			{
				"doctype": "Occasion",
				"customer": customer,
				"occasion_type": "Birthday",
				"day": when.day,
				"month": str(when.month),
			}
		).insert(ignore_permissions=True)
		outreach_row(customer, nowdate(), status="Due")  # fallen due: the card counts it
		take_in(customer=customer)
		frappe.db.set_value("Customer", customer, {"jc_lifecycle_stage": "Lapsed", "jc_loyalty_points": 400})
