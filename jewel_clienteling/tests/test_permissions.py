"""Who may do what, on a real site: every app doctype and every whitelisted method, for Guest, an
associate (Sales User), a Clienteling Manager and a System Manager; and associates limited to their
store see only their store's customers."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate

from jewel_clienteling.api import dashboard as dashboard_api
from jewel_clienteling.services import planner, sync
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import customer, occasion
from jewel_clienteling.tests.test_repair_desk import take_in
from jewel_clienteling.tests.utils import as_request

GUEST = "Guest"
ASSOCIATE = "jc-matrix-associate@example.com"
MANAGER = "jc-matrix-manager@example.com"
ADMIN = "jc-matrix-admin@example.com"
USERS = {
	ASSOCIATE: ("Sales User", "Accounts User"),
	MANAGER: ("Sales Manager", "Sales Master Manager", "Accounts User", "Clienteling Manager"),
	ADMIN: ("System Manager",),
}
RING = "JC-RING-GLD-22K-PLK"

# The policy: r read, w write, c create, d delete, s submit. Audit rows (consent, points, privacy)
# and inbound messages are never edited by anyone; settings are the managers'.
MANAGERS_ALL, ASSOCIATE_RWC = "rwcd", "rwc"
POLICY = {
	# doctype: (associate, manager, system manager)
	"Occasion": (ASSOCIATE_RWC, MANAGERS_ALL, MANAGERS_ALL),
	"Preference": (ASSOCIATE_RWC, MANAGERS_ALL, MANAGERS_ALL),
	"Customer Note": (ASSOCIATE_RWC, MANAGERS_ALL, MANAGERS_ALL),
	"Client Outreach": (ASSOCIATE_RWC, MANAGERS_ALL, MANAGERS_ALL),
	"Repair Ticket": ("rwcs", "rwcds", "rwcds"),
	"Client Campaign": ("r", MANAGERS_ALL, MANAGERS_ALL),
	"Outreach Template": ("r", MANAGERS_ALL, MANAGERS_ALL),
	"Clienteling WhatsApp Template": ("r", MANAGERS_ALL, MANAGERS_ALL),
	"Festival": ("r", MANAGERS_ALL, MANAGERS_ALL),
	"Repair Service": ("r", MANAGERS_ALL, MANAGERS_ALL),
	"Clienteling WhatsApp Message": ("r", "r", "r"),
	# one WhatsApp number's conversation: kept by the app, answered through api/inbox.py
	"Clienteling Conversation": ("r", "r", "r"),
	"Consent Change": ("r", "rc", "rc"),
	"Loyalty Ledger": ("r", "rc", "rc"),
	"Clienteling Privacy Log": ("", "r", "r"),
	"Clienteling Settings": ("", "rwc", "rwc"),
	"Clienteling WhatsApp Settings": ("", "rwc", "rwc"),
	"Client Segment": ("r", MANAGERS_ALL, MANAGERS_ALL),
	"Walk-in Visit": ("rc", MANAGERS_ALL, MANAGERS_ALL),
	# made by the app when a store-limited associate records another store's mobile; managers settle it
	"Possible Duplicate Customer": ("", "rw", "rw"),
	# Meta's raw deliveries name customers of every store: the System Manager's, to read or clear
	"Clienteling Webhook Event": ("", "", "rd"),
	# what an associate shared from the counter; managers may withdraw it
	"Catalogue Share": ("rc", MANAGERS_ALL, MANAGERS_ALL),
	# her own answers: staff read them, managers mark a review given; only an admin deletes
	"Customer Feedback": ("r", "rw", "rwd"),
	# what the Clienteling Impact report adds up, kept by the app: read by managers, never edited
	"Clienteling Visit": ("", "r", "r"),
	"Clienteling Impact Month": ("", "r", "r"),
	# old gold taken at the counter: the associate records and submits it (the books follow); only a
	# manager cancels, which reverses the books
	"Old Gold Exchange": ("rwcs", "rwcds", "rwcds"),
}
PTYPES = {"r": "read", "w": "write", "c": "create", "d": "delete", "s": "submit"}

# Whitelisted methods, called by users as a store sets them up: an associate at the counter holds
# ERPNext's Sales User and Accounts User (POS invoices); a store manager adds Sales Manager, Sales
# Master Manager (customers) and Clienteling Manager. A System Manager alone manages settings and the app's records, but ERPNext
# gives that role no customers or invoices, and the app adds none: methods about a customer refuse
# him. "Let in" means past the permission checks (a validation error afterwards still counts).
# Guest may call only the WhatsApp webhook, which checks Meta's signature itself.
STAFF = {ASSOCIATE, MANAGER, ADMIN}
MANAGERS = {MANAGER, ADMIN}
WITH_CUSTOMERS = {ASSOCIATE, MANAGER}
# every number card and chart of the workspace: managers only
DASHBOARD = tuple(name for name, function in vars(dashboard_api).items() if function in frappe.whitelisted)
METHODS = {
	"outreach.today": ("GET", STAFF),
	"outreach.mark_done": ("POST", STAFF),
	"outreach.skip": ("POST", STAFF),
	"outreach.reassign": ("POST", MANAGERS),
	"customer.get_snapshot": ("GET", WITH_CUSTOMERS),
	"customer.add_note": ("POST", WITH_CUSTOMERS),
	"customer.make_occasion_from_note": ("POST", STAFF),
	"rhythm.set_rhythm": ("POST", WITH_CUSTOMERS),
	"loyalty.balance": ("GET", WITH_CUSTOMERS),
	"loyalty.adjust": ("POST", {MANAGER}),
	"loyalty.award_review_bonus": ("POST", WITH_CUSTOMERS),
	"loyalty.import_erpnext_balances": ("POST", MANAGERS),
	"repairs.move": ("POST", STAFF),
	"repairs.acknowledge_weight": ("POST", MANAGERS),
	"repairs.make_invoice": ("POST", WITH_CUSTOMERS),
	"campaigns.start": ("POST", MANAGERS),
	"campaigns.stop": ("POST", MANAGERS),
	"campaigns.progress": ("GET", STAFF),
	"privacy.export_customer": ("POST", {MANAGER}),
	"privacy.erase_customer": ("POST", {MANAGER}),
	# the workspace's cards and charts: store managers (Sales Manager or Clienteling Manager) and admins
	**{f"dashboard.{name}": ("GET", MANAGERS) for name in DASHBOARD},
	"segments.preview": ("GET", WITH_CUSTOMERS),
	"segments.saved_counts": ("GET", STAFF),
	"segments.make_campaign": ("POST", MANAGERS),
	"walk_ins.record_walk_in": ("POST", WITH_CUSTOMERS),
	"appointments.book": ("POST", WITH_CUSTOMERS),
	"appointments.today": ("GET", STAFF),
	"catalogue.share": ("POST", WITH_CUSTOMERS),
	# merging is ERPNext's rename-merge of Customer: a manager who may also write and delete customers
	"duplicates.merge": ("POST", {MANAGER}),
	"duplicates.not_the_same": ("POST", MANAGERS),
	"history.learn_history": ("POST", MANAGERS),
	"history.progress": ("GET", MANAGERS),
	# enquiries are ERPNext's Lead: its Sales User, Sales Manager and System Manager read and write them
	"leads.due": ("GET", STAFF),
	"leads.mark_won": ("POST", STAFF),
	"leads.find_by_mobile": ("GET", STAFF),
	"privacy.export_lead": ("POST", MANAGERS),
	"privacy.erase_lead": ("POST", MANAGERS),
	# the WhatsApp inbox: the store's staff, each limited to their stores' conversations
	"inbox.conversations": ("GET", STAFF),
	"inbox.conversation": ("GET", STAFF),
	"inbox.mark_read": ("POST", STAFF),
	"inbox.reply": ("POST", STAFF),
}


def whitelisted_methods() -> list[str]:
	"""Every whitelisted function in jewel_clienteling.api, as 'module.function'."""
	import importlib
	import pkgutil

	import jewel_clienteling.api as api

	found = []
	for module in pkgutil.iter_modules(api.__path__):
		imported = importlib.import_module(f"{api.__name__}.{module.name}")
		for attribute in vars(imported).values():
			if attribute in frappe.whitelisted and attribute.__module__ == imported.__name__:
				found.append(f"{module.name}.{attribute.__name__}")
	return found


def make_users():
	for user, roles in USERS.items():
		fx.make_user(user, roles[0])
		frappe.get_doc("User", user).add_roles(*roles)


def call(user: str, http_method: str, method: str, **kwargs):
	"""One API call of the app as Frappe's request handler makes it; the exception, or None."""
	return as_request(user, http_method, f"jewel_clienteling.api.{method}", **kwargs)


class TestPermissionMatrix(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_every_doctype_allows_each_role_exactly_its_policy(self):
		app_doctypes = set(
			frappe.get_all("DocType", filters={"module": "Jewel Clienteling", "istable": 0}, pluck="name")
		)
		self.assertEqual(app_doctypes, set(POLICY), "every app doctype needs a line in the policy")
		for doctype, allowed in POLICY.items():
			submittable = frappe.get_meta(doctype).is_submittable
			for user, letters in zip((GUEST, ASSOCIATE, MANAGER, ADMIN), ("", *allowed), strict=True):
				# the extra ERPNext roles of these users give nothing on the app's doctypes
				for letter, ptype in PTYPES.items():
					if letter == "s" and not submittable:
						continue
					with self.subTest(doctype=doctype, user=user, ptype=ptype):
						self.assertEqual(
							bool(frappe.has_permission(doctype, ptype, user=user)), letter in letters
						)

	def test_every_whitelisted_method_lets_in_exactly_its_roles(self):
		args = self.method_arguments()
		self.assertEqual(set(whitelisted_methods()) - {"whatsapp.inbound"}, set(METHODS))
		for method, (http_method, allowed) in METHODS.items():
			for user in (GUEST, ASSOCIATE, MANAGER, ADMIN):
				with self.subTest(method=method, user=user):
					error = call(user, http_method, method, **args[method])
					refused = isinstance(error, frappe.PermissionError)
					self.assertEqual(
						not refused, user in allowed, (repr(error), getattr(error, "messages", None))
					)

	def test_a_write_method_refuses_get(self):
		error = call(MANAGER, "GET", "loyalty.adjust", customer="x", points=1, reason="y")
		self.assertIsInstance(error, frappe.PermissionError)

	def method_arguments(self) -> dict[str, dict]:
		her = customer(jc_preferred_associate=ASSOCIATE)
		sale = fx.make_pos_invoice(her, [(RING, 20000, 1, "12")])
		occasion(her, 0)
		today = frappe.utils.getdate()
		planner.plan_days(today, today, today)
		outreach = frappe.get_all("Client Outreach", filters={"customer": her, "status": "Due"}, pluck="name")
		note = frappe.get_doc(
			{
				"doctype": "Customer Note",
				"customer": her,
				"note_type": "Life Event",
				"event_type": "Engagement",
				"event_date": nowdate(),
				"note": "Daughter engaged",
			}
		).insert()
		ticket = take_in(customer=her)
		campaign = frappe.get_doc(
			{"doctype": "Client Campaign", "campaign_name": "Matrix", "send_on": nowdate()}
		).insert()
		name = frappe.db.get_value("Customer", her, "customer_name")
		segment = frappe.get_doc(
			{
				"doctype": "Client Segment",
				"segment_name": f"Matrix {frappe.generate_hash(length=6)}",
				"rules": [{"criterion": "Purchases", "operator": "at least", "value": "1"}],
			}
		).insert()
		duplicate = frappe.get_doc(
			{
				"doctype": "Possible Duplicate Customer",
				"customer": customer(),
				"existing_customer": her,
				"mobile": "+919876543210",
			}
		).insert(ignore_permissions=True)
		lead = frappe.get_doc(
			{"doctype": "Lead", "first_name": "Matrix Lead", "mobile_no": "98111 22335"}
		).insert(ignore_permissions=True)
		conversation = frappe.get_doc(
			{
				"doctype": "Clienteling Conversation",
				"phone": "+9198" + str(abs(hash(frappe.generate_hash())) % 10**8).zfill(8),
				"customer": her,
				"title": name,
				"last_inbound_at": frappe.utils.now_datetime(),
			}
		).insert(ignore_permissions=True)
		return {
			"leads.due": {},
			"leads.mark_won": {"lead": lead.name},
			"leads.find_by_mobile": {"mobile": "98111 22335"},
			"privacy.export_lead": {"lead": lead.name},
			"privacy.erase_lead": {"lead": lead.name, "confirm_name": "Matrix Lead"},
			"inbox.conversations": {},
			"inbox.conversation": {"doctype": "Customer", "name": her},
			"inbox.mark_read": {"conversation": conversation.name},
			"inbox.reply": {"conversation": conversation.name, "text": "Of course"},
			"outreach.today": {},
			"outreach.mark_done": {"name": outreach[0]},
			"outreach.skip": {"name": outreach[0], "reason": "She is travelling"},
			"outreach.reassign": {"from_user": ASSOCIATE, "to_user": MANAGER},
			"customer.get_snapshot": {"customer": her},
			"customer.add_note": {"customer": her, "note": "Likes temple jewellery"},
			"customer.make_occasion_from_note": {"note": note.name},
			"rhythm.set_rhythm": {"customer": her, "how_often": "Monthly", "time_of_day": "Evening"},
			"loyalty.balance": {"customer": her},
			"loyalty.adjust": {"customer": her, "points": 10, "reason": "Goodwill"},
			"loyalty.award_review_bonus": {
				"customer": her,
				"invoice_type": "POS Invoice",
				"invoice": sale.name,
			},
			"loyalty.import_erpnext_balances": {},
			"repairs.move": {"name": ticket.name, "status": "Estimated"},
			"repairs.acknowledge_weight": {"name": ticket.name, "note": "Polish loss", "weight_out": 5.2},
			"repairs.make_invoice": {"name": ticket.name},
			"campaigns.start": {"name": campaign.name},
			"campaigns.stop": {"name": campaign.name},
			"campaigns.progress": {"name": campaign.name},
			"privacy.export_customer": {"customer": her},
			"privacy.erase_customer": {"customer": her, "confirm_name": name},
			**{f"dashboard.{name}": {} for name in DASHBOARD},
			"segments.preview": {"segment": segment.name},
			"segments.saved_counts": {"segments": json.dumps([segment.name])},
			"segments.make_campaign": {"segment": segment.name},
			"history.learn_history": {},
			"history.progress": {},
			"walk_ins.record_walk_in": {
				"visitor_name": "Matrix Walk-in",
				"mobile": "98111 22334",
				"wishlist": '[{"description": "Temple necklace"}]',
				"reason_not_bought": "Price",
			},
			"appointments.book": {
				"customer": her,
				"scheduled_time": "2035-01-02 11:00:00",
				"purpose": "Private viewing",
			},
			"appointments.today": {},
			"catalogue.share": {"customer": her, "selection": "Pieces", "items": json.dumps([RING])},
			"duplicates.merge": {"name": duplicate.name},
			"duplicates.not_the_same": {"name": duplicate.name},
		}


class TestStoreLimitedAssociates(FrappeTestCase):
	"""An associate with a User Permission on the JC Counter sees the counter's customers, and no
	other store's."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		cls.other_store = other_counter()

	def setUp(self):
		self.associate = f"jc-store-{frappe.generate_hash(length=6)}@example.com"
		fx.make_user(self.associate, "Sales User")
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": self.associate,
				"allow": "POS Profile",
				"for_value": fx.POS_PROFILE,
			}
		).insert(ignore_permissions=True)
		self.ours = customer(jc_preferred_associate=self.associate)
		fx.make_pos_invoice(self.ours, [(RING, 20000, 1, "12")])
		self.new_walk_in = customer(jc_preferred_associate=self.associate)
		# she first bought at the East counter (its manager set her home store there)
		self.theirs = customer(jc_preferred_associate=self.associate, jc_home_store=self.other_store)
		for name in (self.ours, self.theirs, self.new_walk_in):
			sync.run_refresh(name)
			occasion(name, 0)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_her_home_store_is_the_counter_she_first_bought_at_and_stays(self):
		self.assertEqual(frappe.db.get_value("Customer", self.ours, "jc_home_store"), fx.POS_PROFILE)
		self.assertFalse(frappe.db.get_value("Customer", self.new_walk_in, "jc_home_store"))
		fx.make_pos_invoice(self.theirs, [(RING, 9000, 1, "12")])
		sync.run_refresh(self.theirs)
		self.assertEqual(frappe.db.get_value("Customer", self.theirs, "jc_home_store"), self.other_store)

	def test_lists_and_documents_show_only_her_stores_customers(self):
		frappe.set_user(self.associate)
		seen = set(
			frappe.get_list("Occasion", filters={"customer": ("in", self.everyone())}, pluck="customer")
		)
		self.assertEqual(seen, {self.ours, self.new_walk_in})
		customers = set(frappe.get_list("Customer", filters={"name": ("in", self.everyone())}, pluck="name"))
		self.assertEqual(customers, {self.ours, self.new_walk_in})
		theirs = frappe.get_all("Occasion", filters={"customer": self.theirs}, pluck="name")[0]
		self.assertFalse(frappe.has_permission("Occasion", "read", theirs))
		ours = frappe.get_all("Occasion", filters={"customer": self.ours}, pluck="name")[0]
		self.assertTrue(frappe.has_permission("Occasion", "read", ours))

	def test_the_counters_api_refuses_another_stores_customer(self):
		self.assertIsInstance(
			call(self.associate, "GET", "customer.get_snapshot", customer=self.theirs), frappe.PermissionError
		)
		self.assertIsNone(call(self.associate, "GET", "customer.get_snapshot", customer=self.ours))
		today = frappe.utils.getdate()
		planner.plan_days(today, today, today)
		frappe.set_user(self.associate)
		from jewel_clienteling.api.outreach import today as queue

		shown = {row.customer for group in queue()["groups"] for row in group["outreach"]}
		self.assertIn(self.ours, shown)
		self.assertNotIn(self.theirs, shown)

	def test_a_manager_sees_every_store(self):
		frappe.set_user(MANAGER)
		seen = set(
			frappe.get_list("Occasion", filters={"customer": ("in", self.everyone())}, pluck="customer")
		)
		self.assertEqual(seen, set(self.everyone()))

	def everyone(self) -> list[str]:
		return [self.ours, self.theirs, self.new_walk_in]


def other_counter() -> str:
	"""A second store: a copy of the JC Counter."""
	name = "JC Counter East"
	if not frappe.db.exists("POS Profile", name):
		doc = frappe.copy_doc(frappe.get_doc("POS Profile", fx.POS_PROFILE))
		doc.name = doc.__newname = name
		doc.insert(ignore_permissions=True)
	return name
