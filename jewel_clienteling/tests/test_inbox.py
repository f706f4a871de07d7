"""The WhatsApp inbox, as a store lives it: a stranger's message, POSTed signed to the app's own
webhook, becomes a lead of the number's store with an owner taken in turn, who is told (a ToDo and a
Notification Log) by the job the webhook wakes; she reads it from the desk and answers while the
24-hour window is open, and only with an approved template after it; an associate of another store
cannot read it; a reply to an outreach tells the outreach's associate; a message nobody answers
goes up to the store's manager."""

import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from jewel_clienteling.services import inbox
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload, signed
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_whatsapp import SECRET, TOKEN, WEBHOOK, use_test_settings
from jewel_clienteling.tests.utils import (
	as_request,
	committed_settings,
	plan_outreach,
	request,
	run_queued_webhook_jobs,
	whatsapp_template,
)

STORE_A, STORE_B = "JC Inbox Store A", "JC Inbox Store B"
ASSOCIATES_A = ("jc-inbox-a1@example.com", "jc-inbox-a2@example.com")
ASSOCIATE_B = "jc-inbox-b1@example.com"
MANAGER_A = "jc-inbox-manager-a@example.com"
CONVERSATION = inbox.CONVERSATION
API = "jewel_clienteling.api.inbox."


def make_store(name: str) -> None:
	if not frappe.db.exists("POS Profile", name):
		doc = frappe.copy_doc(frappe.get_doc("POS Profile", fx.POS_PROFILE))
		doc.set("applicable_for_users", [])
		doc.name = doc.__newname = name
		doc.insert(ignore_permissions=True)


def make_store_user(user: str, store: str, *roles: str) -> None:
	fx.make_user(user, roles[0])
	frappe.get_doc("User", user).add_roles(*roles)
	if not frappe.db.exists("User Permission", {"user": user, "allow": "POS Profile", "for_value": store}):
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "POS Profile", "for_value": store}
		).insert(ignore_permissions=True)


def new_number() -> str:
	return "+9198" + str(abs(hash(frappe.generate_hash())) % 10**8).zfill(8)


class InboxStory:
	"""Two stores, their associates and manager, WhatsApp pointed at a local stand-in of Meta, and
	her numbers forgotten after each test (the webhook's jobs commit)."""

	def setUp(self):
		frappe.set_user("Administrator")
		self.api = CloudAPIServer(token=TOKEN, phone_number_id="4242")
		self.api.start()
		self.addCleanup(self.api.stop)
		use_test_settings(self, self.api.base_url)
		for store in (STORE_A, STORE_B):
			make_store(store)
		for user in ASSOCIATES_A:
			make_store_user(user, STORE_A, "Sales User")
		make_store_user(ASSOCIATE_B, STORE_B, "Sales User")
		make_store_user(MANAGER_A, STORE_A, "Clienteling Manager", "Sales User")
		self.template = whatsapp_template("jc_inbox_follow_up", "Walk-in follow-up", ["first_name"])
		old = committed_settings("Clienteling WhatsApp Settings", store=STORE_A)
		self.addCleanup(committed_settings, "Clienteling WhatsApp Settings", **old)
		run_queued_webhook_jobs()
		self.phones = []
		self.addCleanup(self.forget_phones)

	def forget_phones(self):
		"""What the webhook's jobs committed for this test's numbers goes again."""
		frappe.db.rollback()
		frappe.set_user("Administrator")
		inbox.forget(self.phones)
		frappe.db.delete(inbox.MESSAGE, {"phone": ("in", self.phones or [""])})
		for lead in frappe.get_all("Lead", {"jc_mobile_e164": ("in", self.phones or [""])}, pluck="name"):
			frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the webhook's jobs committed these

	# -- helpers ----------------------------------------------------------------------------------

	def she_writes(self, phone: str, text: str, name: str = "Priya", when=None) -> None:
		"""Meta POSTs her message, signed, to the app's webhook; the job it wakes applies it."""
		if phone not in self.phones:
			self.phones.append(phone)
		payload = inbound_text_payload(
			phone.lstrip("+"), text, name=name, phone_number_id="4242", timestamp=when
		)
		raw, headers = signed(SECRET, payload)
		response = request("post", WEBHOOK, data=raw, headers=headers)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		self.assertGreaterEqual(run_queued_webhook_jobs(), 1, "the webhook should wake a drain job")
		frappe.db.rollback()  # see what the job committed

	def open_todos(self, conversation: str, user: str | None = None) -> list[str]:
		filters = {"reference_type": CONVERSATION, "reference_name": conversation, "status": "Open"}
		if user:
			filters["allocated_to"] = user
		return frappe.get_all("ToDo", filters, pluck="allocated_to")


class TestInbox(InboxStory, FrappeTestCase):
	# -- the story --------------------------------------------------------------------------------

	def test_a_strangers_enquiry_becomes_a_lead_with_an_owner_who_is_told_and_answers(self):
		phone = new_number()
		before = workspace_counts()
		self.she_writes(phone, "do you have polki sets under 2 lakh?")
		self.assertEqual(workspace_counts(), (before[0] + 1, before[1] + 1))
		lead = frappe.get_doc("Lead", {"jc_mobile_e164": phone})
		self.assertEqual((lead.source, lead.jc_stage, lead.jc_store), ("WhatsApp", "New", STORE_A))
		self.assertIn(lead.lead_owner, ASSOCIATES_A)
		self.assertEqual(lead.first_name, "Priya")
		conversation = frappe.get_doc(CONVERSATION, phone)
		self.assertEqual((conversation.lead, conversation.assigned_to), (lead.name, lead.lead_owner))
		message = frappe.get_doc(inbox.MESSAGE, {"phone": phone})
		self.assertEqual((message.lead, message.conversation), (lead.name, phone))
		self.assertEqual(message.text, "do you have polki sets under 2 lakh?")
		# her owner is told by the job the webhook woke, not by a daily job
		self.assertEqual(self.open_todos(phone), [lead.lead_owner])
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": lead.lead_owner, "document_type": CONVERSATION, "document_name": phone},
			)
		)
		# she writes again: the same lead, one open ToDo for the conversation, two unread
		self.she_writes(phone, "something for my sister's wedding in March")
		self.assertEqual(frappe.db.count("Lead", {"jc_mobile_e164": phone}), 1)
		self.assertEqual(self.open_todos(phone), [lead.lead_owner])
		self.assertEqual(frappe.db.get_value(CONVERSATION, phone, "unread"), 2)

		# her owner finds it in her inbox and reads it on the lead
		frappe.set_user(lead.lead_owner)
		self.assertIn(phone, [row.name for row in inbox_rows("unanswered")])
		frappe.set_user("Administrator")
		failed = as_request(lead.lead_owner, "GET", API + "conversation", doctype="Lead", name=lead.name)
		self.assertIsNone(failed)

		# and answers from the desk while the window is open
		answer = "Yes, from 1.6 lakh. Would you like to see them on Saturday?"
		failed = as_request(
			lead.lead_owner, "POST", API + "reply", keep=True, conversation=phone, text=answer
		)
		self.assertIsNone(failed, getattr(failed, "messages", failed))
		sent = self.api.sent_to(phone)
		self.assertEqual([(body["type"], body["text"]["body"]) for body in sent], [("text", answer)])
		self.assertEqual(self.open_todos(phone), [])
		self.assertEqual(workspace_counts(), before)
		state = frappe.db.get_value(CONVERSATION, phone, ["unanswered_since", "unread"], as_dict=True)
		self.assertEqual((state.unanswered_since, state.unread), (None, 0))
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "jc_stage"), "Contacted")
		outbound = frappe.get_all(
			inbox.MESSAGE, {"conversation": phone, "direction": "Outbound"}, ["sent_by", "text"]
		)
		self.assertEqual([(row.sent_by, row.text) for row in outbound], [(lead.lead_owner, answer)])

	def test_new_enquiries_go_to_the_stores_associates_in_turn(self):
		owners = []
		for _ in range(2):
			phone = new_number()
			self.she_writes(phone, "hello")
			owners.append(frappe.db.get_value("Lead", {"jc_mobile_e164": phone}, "lead_owner"))
		self.assertEqual(sorted(owners), sorted(ASSOCIATES_A))

	def test_an_associate_of_another_store_cannot_read_it(self):
		phone = new_number()
		self.she_writes(phone, "do you have polki sets under 2 lakh?")
		lead = frappe.db.get_value("Lead", {"jc_mobile_e164": phone})
		refused = as_request(ASSOCIATE_B, "GET", API + "conversation", doctype="Lead", name=lead)
		self.assertIsInstance(refused, frappe.PermissionError)
		refused = as_request(ASSOCIATE_B, "POST", API + "reply", conversation=phone, text="Hello")
		self.assertIsInstance(refused, frappe.PermissionError)
		self.assertEqual(self.api.sent_to(phone), [])
		frappe.set_user(ASSOCIATE_B)
		self.assertNotIn(phone, [row.name for row in inbox_rows("all")])
		self.assertFalse(frappe.get_list(inbox.MESSAGE, {"phone": phone}))
		self.assertFalse(frappe.has_permission(CONVERSATION, "read", frappe.get_doc(CONVERSATION, phone)))
		frappe.set_user(ASSOCIATES_A[0])
		self.assertTrue(frappe.get_list(inbox.MESSAGE, {"phone": phone}))
		frappe.set_user("Administrator")

	def test_after_24_hours_only_an_approved_template_may_be_sent(self):
		phone = new_number()
		# Meta stamps a message in Unix seconds: 25 hours ago whatever the site's time zone
		self.she_writes(phone, "is the jhumka pair still there?", when=time.time() - 25 * 3600)
		owner = frappe.db.get_value(CONVERSATION, phone, "assigned_to")
		refused = as_request(owner, "POST", API + "reply", conversation=phone, text="Yes it is")
		self.assertIsInstance(refused, frappe.ValidationError)
		self.assertIn("24 hours", " ".join(refused.messages))
		self.assertEqual(self.api.sent_to(phone), [])
		failed = as_request(
			owner, "POST", API + "reply", keep=True, conversation=phone, template=self.template
		)
		self.assertIsNone(failed, getattr(failed, "messages", failed))
		sent = self.api.sent_to(phone)
		self.assertEqual([body["type"] for body in sent], ["template"])
		self.assertEqual(sent[0]["template"]["name"], "jc_inbox_follow_up")
		self.assertEqual(sent[0]["template"]["components"][0]["parameters"][0]["text"], "Priya")

	def test_a_reply_to_an_outreach_tells_its_associate(self):
		phone = new_number()
		customer = fx.make_customer(mobile_no=phone, jc_whatsapp_opt_in=1, jc_home_store=STORE_A)
		outreach = plan_outreach(customer)
		frappe.db.set_value(
			"Client Outreach",
			outreach,
			{"status": "Sent", "sent_on": now_datetime(), "assigned_to": ASSOCIATES_A[1]},
		)
		frappe.db.commit()  # nosemgrep: the webhook's job runs in a transaction of its own
		self.addCleanup(frappe.delete_doc, "Customer", customer, force=True, ignore_permissions=True)
		self.she_writes(phone, "Thank you! Can I come on Sunday?")
		self.assertEqual(frappe.db.get_value("Client Outreach", outreach, "status"), "Replied")
		conversation = frappe.get_doc(CONVERSATION, phone)
		self.assertEqual((conversation.customer, conversation.lead), (customer, None))
		self.assertEqual(self.open_todos(phone), [ASSOCIATES_A[1]])
		self.assertFalse(frappe.db.exists("Lead", {"jc_mobile_e164": phone}))

	def test_with_no_store_and_no_store_manager_every_clienteling_manager_sees_it(self):
		old = committed_settings("Clienteling WhatsApp Settings", store=None)
		self.addCleanup(committed_settings, "Clienteling WhatsApp Settings", **old)
		old = committed_settings("Clienteling Settings", default_store=None, store_manager=None)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		phone = new_number()
		self.she_writes(phone, "hello?")
		owner = frappe.db.get_value(CONVERSATION, phone, "assigned_to")
		managers = inbox.store_managers(None)
		self.assertIn(MANAGER_A, managers)
		self.assertIn(owner, managers)
		frappe.db.set_value(CONVERSATION, phone, "unanswered_since", add_to_date(now_datetime(), hours=-5))
		inbox.escalate()
		self.assertEqual(sorted(self.open_todos(phone)), sorted(managers))

	def test_erasing_the_lead_takes_her_conversation_its_todos_and_alerts(self):
		from jewel_clienteling.services import privacy_leads

		phone = new_number()
		self.she_writes(phone, "please keep the green polki set for me")
		lead = frappe.db.get_value("Lead", {"jc_mobile_e164": phone})
		summary = privacy_leads.erase(lead)
		self.assertEqual(summary["conversations_deleted"], 1)
		self.assertFalse(frappe.db.exists(CONVERSATION, phone))
		self.assertEqual(self.open_todos(phone), [])
		self.assertFalse(frappe.db.exists("Notification Log", {"document_name": phone}))
		self.assertFalse(frappe.db.exists(inbox.MESSAGE, {"phone": phone}))

	def test_a_message_nobody_answers_goes_up_to_the_store_manager_once(self):
		phone = new_number()
		self.she_writes(phone, "anyone there?")
		frappe.db.set_value(CONVERSATION, phone, "unanswered_since", add_to_date(now_datetime(), hours=-5))
		self.assertGreaterEqual(inbox.escalate(), 1)
		self.assertEqual(self.open_todos(phone, MANAGER_A), [MANAGER_A])
		inbox.escalate()
		self.assertEqual(len(self.open_todos(phone, MANAGER_A)), 1)


def workspace_counts() -> tuple[int, int]:
	"""The workspace's Unread and Unanswered Conversations cards, as a manager sees them."""
	from jewel_clienteling.api import dashboard

	return dashboard.unread_conversations()["value"], dashboard.unanswered_conversations()["value"]


def inbox_rows(view: str) -> list:
	from jewel_clienteling.services import inbox_desk

	return inbox_desk.conversations(view, 0, 100)
