"""The permission matrix's second axis, on the real site: for each role, what it can write that a job
(running as Administrator), a webhook or another user later acts on, and proof that what a lower
role writes cannot make that later use do more than she may. test_permissions.py proves who may call
and write what; this proves what the writing can then make happen."""

import importlib
import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.services import campaigns, planner, segments, whatsapp
from jewel_clienteling.services.rendering import Drafter
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_permissions import POLICY
from jewel_clienteling.tests.utils import (
	ASSOCIATE_USER,
	CLIENTELING_MANAGER_USER,
	SALES_MANAGER_USER,
	SYSTEM_MANAGER_USER,
	as_request,
	make_role_users,
	plan_outreach,
	send_at_any_hour,
)

ASSOCIATE, SALES_MANAGER = ASSOCIATE_USER, SALES_MANAGER_USER
MANAGER, ADMIN = CLIENTELING_MANAGER_USER, SYSTEM_MANAGER_USER
TOKEN = "trust-token"  # noqa: S105 - the stand-in server's token
ESCALATE = "{{ frappe.get_doc('User', '" + MANAGER + "').add_roles('System Manager') }}"
INJECTIONS = ("x' OR '1'='1", "x') OR ('1'='1", "x\\' OR 1=1 -- ", "x`) OR 1=1 -- ")
HERE = "jewel_clienteling.tests.test_write_trust.TestWhatLowerRolesWrite"
SANDBOX = "jewel_clienteling.tests.test_template_sandbox.TestHarmlessWhenRendered"

# doctype: (who below System Manager writes it, what later acts on it, the test proving it cannot
# escalate; None where nothing acts on it beyond people reading it)
SECOND_AXIS = {
	"Outreach Template": ("Clienteling Manager", "the planner and campaign jobs render it", f"{SANDBOX}.test_the_daily_planner_renders_no_attack_and_leaves_the_message_to_the_associate"),
	"Clienteling WhatsApp Template": ("Clienteling Manager", "the sender renders its parameters", f"{SANDBOX}.test_the_whatsapp_sender_renders_no_attacking_parameter_and_sends_nothing"),
	"Client Campaign": ("Clienteling Manager", "the campaign job queries by its filters", f"{HERE}.test_campaign_filters_are_values_never_sql"),
	"Client Segment": ("Sales Manager, Clienteling Manager", "the campaign job queries by its rules", f"{HERE}.test_segment_rules_are_values_never_sql_and_a_running_campaigns_stay_put"),
	"Clienteling Settings": ("Clienteling Manager", "every job reads it", f"{HERE}.test_settings_are_the_managers_and_name_only_real_fields"),
	"Clienteling WhatsApp Settings": ("Clienteling Manager", "the sender posts the token to its URL", f"{HERE}.test_only_a_system_manager_points_the_sender_elsewhere"),
	"Client Outreach": ("Sales User", "the sender sends it", f"{HERE}.test_an_outreach_an_associate_writes_goes_only_to_her_customer_with_consent"),
	"Occasion": ("Sales User", "the planner puts it in a message", f"{HERE}.test_what_an_associate_writes_reaches_a_message_as_words"),
	"Preference": ("Sales User", "the planner puts it in a message", f"{HERE}.test_what_an_associate_writes_reaches_a_message_as_words"),
	"Repair Ticket": ("Sales User", "its piece is put in a message", f"{HERE}.test_what_an_associate_writes_reaches_a_message_as_words"),
	"Walk-in Visit": ("Sales User", "its wishlist is put in a message", f"{HERE}.test_what_an_associate_writes_reaches_a_message_as_words"),
	"Customer Note": ("Sales User", "an associate makes an occasion of it", f"{HERE}.test_what_an_associate_writes_reaches_a_message_as_words"),
	"Festival": ("Clienteling Manager", "the planner puts its name in a message", f"{HERE}.test_what_an_associate_writes_reaches_a_message_as_words"),
	"Repair Service": ("Clienteling Manager", "names shown to people", None),
	"Consent Change": ("Clienteling Manager", "recording consent is the manager's own task", None),
	"Loyalty Ledger": ("Clienteling Manager", "balances (points paid once: issue 17 item 3)", None),
	"Possible Duplicate Customer": ("Clienteling Manager", "a merge acts on its two customers", f"{HERE}.test_a_merge_acts_with_the_managers_own_rights_on_both_customers"),
	"Catalogue Share": ("Sales User", "the page shows its pieces to whoever holds its signed link; the queue sends it with consent", "jewel_clienteling.tests.test_catalogue.TestCatalogue.test_the_page_shows_only_its_pieces_records_each_opening_and_closes_on_its_day"),
	"Customer Feedback": ("Clienteling Manager", "a review given pays the review bonus, once", "jewel_clienteling.tests.test_feedback.TestReferralsAndFeedback.test_a_high_score_is_recorded_once_offered_the_review_link_and_earns_the_bonus_once"),
	"Old Gold Exchange": ("Sales User", "its submit books stock and a journal entry; segments and the planner count it", "jewel_clienteling.tests.test_old_gold.TestOldGoldExchange.test_the_value_is_worked_out_on_the_site_never_taken_from_the_form"),
}  # fmt: skip


class TestWhatLowerRolesWrite(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_role_users()

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_every_doctype_a_lower_role_writes_says_what_trusts_it_and_proves_it(self):
		writable = {
			doctype
			for doctype, (associate, manager, _admin) in POLICY.items()
			if {"w", "c"} & set(associate + manager)
		}
		self.assertEqual(writable, set(SECOND_AXIS))
		for doctype, (_who, _what, proof) in SECOND_AXIS.items():
			if proof:
				module, cls, method = proof.rsplit(".", 2)
				self.assertTrue(hasattr(getattr(importlib.import_module(module), cls), method), doctype)

	def test_segment_rules_are_values_never_sql_and_a_running_campaigns_stay_put(self):
		for field, crafted in (("criterion", "Purchases` OR 1=1 -- "), ("operator", "is' OR '1'='1")):
			rule = {"criterion": "Purchases", "operator": "at least", "value": "1", field: crafted}
			error = as_request(
				SALES_MANAGER, "POST", "frappe.client.insert", doc=json.dumps(_segment([rule]))
			)
			self.assertIsInstance(error, frappe.ValidationError, field)
		rule = {"criterion": "Preference", "operator": "is", "value": "Gold", "qualifier": "Metal' OR '1'='1"}
		error = as_request(SALES_MANAGER, "POST", "frappe.client.insert", doc=json.dumps(_segment([rule])))
		self.assertIsInstance(error, frappe.ValidationError)
		self.assertGreater(frappe.db.count("Customer", {"disabled": 0}), 1)
		for criterion in ("Loyalty tier", "Customer group", "Home store"):
			for value in INJECTIONS:
				with self.subTest(criterion=criterion, value=value):
					rules = [{"criterion": criterion, "operator": "is", "value": value}]
					name = self.insert_as(SALES_MANAGER, _segment(rules))
					self.assertEqual(segments.count(name), 0)
					self.assertEqual(self.run_campaign(segment=name), 0, "the job reaches nobody")

		group = _customer_group()
		member = fx.make_customer(mobile_no="+919822200011", customer_group=group)
		rules = [{"criterion": "Customer group", "operator": "is", "value": group}]
		name = self.insert_as(SALES_MANAGER, _segment(rules))
		campaign = self.start_campaign(segment=name)
		doc = frappe.get_doc("Client Segment", name).as_dict()
		doc["rules"] = [{"criterion": "Purchases", "operator": "at least", "value": "0"}]
		error = as_request(SALES_MANAGER, "POST", "frappe.client.save", doc=json.dumps(doc, default=str))
		self.assertIsInstance(error, frappe.ValidationError)
		self.assertIn("stop it before changing the rules", " ".join(error.messages))
		campaigns.run(campaign)  # the job, as Administrator
		self.assertEqual(
			frappe.get_all("Client Outreach", {"reference_name": campaign}, pluck="customer"), [member]
		)

	def test_campaign_filters_are_values_never_sql(self):
		for value in INJECTIONS:
			with self.subTest(loyalty_tier=value):
				self.assertEqual(self.run_campaign(loyalty_tier=value), 0)
		for field, crafted in (
			("lifecycle_stage", "Active' OR '1'='1"),
			("customer_group", "All Customer Groups' OR '1'='1"),
			("territory", "All Territories` OR 1=1 -- "),
		):
			with self.subTest(field=field):
				error = as_request(
					MANAGER, "POST", "frappe.client.insert", doc=json.dumps(_campaign(**{field: crafted}))
				)
				self.assertIsInstance(error, frappe.ValidationError)

	def test_settings_are_the_managers_and_name_only_real_fields(self):
		before = frappe.db.get_single_value("Clienteling Settings", "store_manager")
		for user in (ASSOCIATE, SALES_MANAGER):
			for doctype in ("Clienteling Settings", "Clienteling WhatsApp Settings"):
				with self.subTest(user=user, doctype=doctype):
					error = as_request(
						user,
						"POST",
						"frappe.client.set_value",
						doctype=doctype,
						name=doctype,
						fieldname="enabled",
						value=1,
					)
					self.assertIsInstance(error, frappe.PermissionError)
			error = as_request(user, "POST", "frappe.client.set_value", doctype="Clienteling Settings", name="Clienteling Settings", fieldname="store_manager", value=user)  # fmt: skip
			self.assertIsInstance(error, frappe.PermissionError)
		self.assertEqual(frappe.db.get_single_value("Clienteling Settings", "store_manager"), before)
		crafted = "item_name`, (SELECT password FROM `__Auth` LIMIT 1) AS `x"
		for change in (
			{
				"preference_sources": [
					{"dimension": "Metal", "source_type": "Item Field", "source_name": crafted}
				]
			},
			{"loyalty_enabled": 1, "earn_basis": "Making Charge", "making_charge_field": crafted},
			{
				"earning_rules": [
					{"applies_to": "Item Field", "item_field": crafted, "value": "x", "points_per_100": 1}
				]
			},
		):
			with self.subTest(change=list(change)):
				doc = {**frappe.get_doc("Clienteling Settings").as_dict(), **change}
				error = as_request(MANAGER, "POST", "frappe.client.save", doc=json.dumps(doc, default=str))
				self.assertIsInstance(error, frappe.ValidationError)
				self.assertIn("has no field called", " ".join(error.messages))

	def test_only_a_system_manager_points_the_sender_elsewhere(self):
		send_at_any_hour(self)
		meta, attacker = (CloudAPIServer(token=TOKEN, phone_number_id="5353").start() for _ in range(2))
		self.addCleanup(meta.stop)
		self.addCleanup(attacker.stop)
		self.whatsapp(meta.base_url)
		for user, kept in ((MANAGER, meta.base_url), (ADMIN, attacker.base_url)):
			doc = {
				**frappe.get_doc("Clienteling WhatsApp Settings").as_dict(),
				"graph_url": attacker.base_url,
			}
			self.assertIsNone(
				as_request(user, "POST", "frappe.client.save", keep=True, doc=json.dumps(doc, default=str))
			)
			self.assertEqual(
				frappe.db.get_single_value("Clienteling WhatsApp Settings", "graph_url"), kept, user
			)
			if user == MANAGER:
				mobile = "+919822200022"
				plan_outreach(fx.make_customer(mobile_no=mobile, jc_whatsapp_opt_in=1), step=self.wa_step)
				whatsapp.drain(max_seconds=10)  # the sender's job, as Administrator
				self.assertEqual(len(meta.sent_to(mobile)), 1)
				self.assertEqual(attacker.requests, [], "the token never went to her server")

	def test_an_outreach_an_associate_writes_goes_only_to_her_customer_with_consent(self):
		send_at_any_hour(self)
		api = CloudAPIServer(token=TOKEN, phone_number_id="5353").start()
		self.addCleanup(api.stop)
		self.whatsapp(api.base_url, reason="Repair ready")
		her = fx.make_customer(mobile_no="98222 00033", jc_preferred_associate=ASSOCIATE)
		crafted = {
			"doctype": "Client Outreach",
			"customer": her,
			"reason": "Repair ready",  # a utility message needs no marketing consent
			"status": "Due",
			"due_date": nowdate(),
			"channel": "WhatsApp",
			"assigned_to": ASSOCIATE,
			"message": "Limited offer!",
			"phone": "+919822299999",
			"context": json.dumps({"first_name": "Limited offer", "whatsapp_template": "x"}),
			"reference_doctype": "Customer",
			"reference_name": her,
			"wa_message_id": "wamid.crafted",
			"sent_on": "2020-01-01 00:00:00",
			"claim": "crafted",
		}
		self.assertIsNone(
			as_request(ASSOCIATE, "POST", "frappe.client.insert", keep=True, doc=json.dumps(crafted))
		)
		row = frappe.get_all("Client Outreach", filters={"customer": her}, fields=["*"])[0]
		self.assertEqual((row.phone, row.purpose, row.status), ("+919822200033", "Marketing", "Due"))
		for field in ("context", "reference_doctype", "wa_message_id", "sent_on", "claim"):
			self.assertFalse(row.get(field), field)
		doc = frappe.get_doc("Client Outreach", row.name).as_dict()
		doc.update(phone="+919822299999", context=json.dumps({"first_name": "Limited offer"}))
		self.assertIsNone(
			as_request(ASSOCIATE, "POST", "frappe.client.save", keep=True, doc=json.dumps(doc, default=str))
		)
		self.assertEqual(
			frappe.db.get_value("Client Outreach", row.name, ["phone", "context"]), ("+919822200033", None)
		)
		frappe.db.commit()  # nosemgrep: the sender runs on its own
		whatsapp.drain(max_seconds=10)  # as Administrator
		self.assertEqual(api.sent_to("+919822299999"), [])
		self.assertEqual(api.sent_to("+919822200033"), [], "no consent to marketing")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Client Outreach", row.name, "status"), "Skipped")

	def test_what_an_associate_writes_reaches_a_message_as_words(self):
		her = fx.make_customer(
			mobile_no="+919822200044", jc_whatsapp_opt_in=1, jc_preferred_associate=ASSOCIATE
		)
		when = getdate(frappe.utils.add_days(nowdate(), 7))
		occasion = {"doctype": "Occasion", "customer": her, "occasion_type": "Birthday", "day": when.day, "month": str(when.month), "person_name": ESCALATE}  # fmt: skip
		self.assertIsNone(
			as_request(ASSOCIATE, "POST", "frappe.client.insert", keep=True, doc=json.dumps(occasion))
		)
		before = frappe.db.count("Has Role", {"parent": MANAGER, "role": "System Manager"})
		planner.plan_days(getdate(nowdate()), getdate(nowdate()), getdate(nowdate()))  # as Administrator
		message = frappe.db.get_value("Client Outreach", {"customer": her, "reason": "Occasion"}, "message")
		self.assertIn(ESCALATE, message, "her words are shown as she wrote them")
		frappe.db.set_value(
			"Client Outreach", {"customer": her}, {"status": "Skipped", "skip_reason": "test"}
		)
		frappe.db.commit()  # nosemgrep
		# the other words people write go into messages the same way: a repair's piece, a wishlist's
		# pieces, a preferred category, a festival's name
		drafter = Drafter()
		for template, variable in (
			("Repair ready", "piece"),
			("After the visit", "piece"),
			("New arrivals", "preferred_category"),
			("Festival invitation", "festival"),
		):
			with self.subTest(variable=variable):
				words = drafter.draft(
					template, {"first_name": "Asha", variable: ESCALATE, "pieces": [ESCALATE]}
				)
				# as words (a category is written in lower case mid-sentence: "new rings")
				self.assertIn(ESCALATE.lower(), words.lower())
		self.assertEqual(frappe.db.count("Has Role", {"parent": MANAGER, "role": "System Manager"}), before)
		self.assertNotIn("System Manager", frappe.get_roles(MANAGER))

	def test_a_merge_acts_with_the_managers_own_rights_on_both_customers(self):
		recorded, existing = fx.make_customer(mobile_no="+919822200055"), fx.make_customer()
		unrelated, other = fx.make_customer(), fx.make_customer()
		row = frappe.get_doc(
			{"doctype": "Possible Duplicate Customer", "customer": recorded, "existing_customer": existing, "mobile": "+919822200055", "status": "Open"}
		).insert(ignore_permissions=True)  # fmt: skip
		doc = {**row.as_dict(), "customer": unrelated, "existing_customer": other}
		self.assertIsNone(
			as_request(MANAGER, "POST", "frappe.client.save", keep=True, doc=json.dumps(doc, default=str))
		)
		error = as_request(MANAGER, "POST", "jewel_clienteling.api.duplicates.merge", name=row.name)
		self.assertIsInstance(error, frappe.PermissionError, "she may not delete customers: no merge")
		self.assertIn("Customer", " ".join(error.messages), error.messages)
		self.assertTrue(
			all(frappe.db.exists("Customer", name) for name in (recorded, existing, unrelated, other))
		)

	# --- helpers ---------------------------------------------------------------------------------

	def insert_as(self, user: str, doc: dict) -> str:
		error = as_request(user, "POST", "frappe.client.insert", keep=True, doc=json.dumps(doc))
		self.assertIsNone(error, getattr(error, "messages", error))
		key = {"Client Segment": "segment_name", "Client Campaign": "campaign_name"}[doc["doctype"]]
		return frappe.db.get_value(doc["doctype"], {key: doc[key]})

	def start_campaign(self, **filters) -> str:
		name = self.insert_as(MANAGER, _campaign(**filters))
		self.assertIsNone(
			as_request(MANAGER, "POST", "jewel_clienteling.api.campaigns.start", keep=True, name=name)
		)
		frappe.db.commit()  # nosemgrep: as the button's request does
		return name

	def run_campaign(self, **filters) -> int:
		"""The manager starts a campaign with these filters; its job runs; how many it went through."""
		name = self.start_campaign(**filters)
		return campaigns.run(name)["processed"]

	def whatsapp(self, url: str, reason: str = "Occasion") -> None:
		config = frappe.get_single("Clienteling WhatsApp Settings")
		old = {field: config.get(field) for field in ("enabled", "phone_number_id", "graph_url")}
		config.update({"enabled": 1, "phone_number_id": "5353", "graph_url": url, "access_token": TOKEN})
		config.save()
		self.wa_step = f"trust {frappe.generate_hash(length=6)}" if reason == "Occasion" else ""
		template = frappe.get_doc(
			{
				"doctype": "Clienteling WhatsApp Template",
				"template_name": f"jc_trust_{frappe.generate_hash(length=6)}",
				"language": "en",
				"category": "Marketing",
				"reason": reason,
				"step": self.wa_step,
				"parameters": [{"source": "first_name"}],
			}
		).insert()
		frappe.db.commit()  # nosemgrep

		def put_back():
			for field, value in old.items():
				frappe.db.set_single_value("Clienteling WhatsApp Settings", field, value)
			frappe.delete_doc("Clienteling WhatsApp Template", template.name, force=True)
			frappe.db.commit()  # nosemgrep

		self.addCleanup(put_back)


def _segment(rules: list[dict]) -> dict:
	return {
		"doctype": "Client Segment",
		"segment_name": f"JC trust {frappe.generate_hash(length=8)}",
		"rules": rules,
	}


def _campaign(**filters) -> dict:
	name = f"JC trust {frappe.generate_hash(length=8)}"
	return {"doctype": "Client Campaign", "campaign_name": name, "send_on": nowdate(), **filters}


def _customer_group() -> str:
	name = f"JC Trust {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Customer Group",
			"customer_group_name": name,
			"parent_customer_group": "All Customer Groups",
		}
	).insert()
	return name
