"""One number, one webhook (issue 19): a store running frappe_whatsapp shares its number. Outreach goes
out through frappe_whatsapp's WhatsApp Account to a real local Cloud API stand-in; Meta's callbacks
come to frappe_whatsapp's own webhook, over Frappe's request handling, and from the messages it keeps
this app learns her reply, STOP and START, the 24-hour window and the delivery statuses.

Needs frappe_whatsapp on the site (scripts/run-tests installs it on the test site); skipped without.
"""

import json
import unittest

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from jewel_clienteling import tasks
from jewel_clienteling.services import whatsapp
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload, signed, status_payload
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_whatsapp import TOKEN, use_test_settings
from jewel_clienteling.tests.utils import (
	CLIENTELING_MANAGER_USER,
	SYSTEM_MANAGER_USER,
	as_request,
	commit_and_run_queued_refresh,
	make_role_users,
	plan_outreach,
	request,
	run_queued_webhook_jobs,
	send_at_any_hour,
	whatsapp_template,
)

THEIR_WEBHOOK = "/api/method/frappe_whatsapp.utils.webhook.webhook"
ACCOUNT_TOKEN = "frappe-whatsapp-account-token"  # noqa: S105 - the stand-in server's token
ACCOUNT_SECRET = "frappe-whatsapp-app-secret"  # noqa: S105 - signs the test webhooks as Meta would
PHONE_ID = "7777"
SETTINGS = "Clienteling WhatsApp Settings"


def committed(fn, *args, **kwargs):
	fn(*args, **kwargs)
	frappe.db.commit()  # nosemgrep: the webhook's requests and the jobs run in their own transactions


class TestSharedNumber(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		if not frappe.db.exists("DocType", "WhatsApp Account"):
			raise unittest.SkipTest(
				"frappe_whatsapp is not installed on this site: `bench --site SITE install-app frappe_whatsapp`"
				" (scripts/run-tests does it on the test site)"
			)
		super().setUpClass()

	def setUp(self):
		frappe.set_user("Administrator")
		send_at_any_hour(self)
		self.api = CloudAPIServer(token=ACCOUNT_TOKEN, phone_number_id=PHONE_ID).start()
		self.own = CloudAPIServer(token=TOKEN, phone_number_id="4242").start()
		self.addCleanup(self.api.stop)
		self.addCleanup(self.own.stop)
		use_test_settings(self, self.own.base_url)  # our own line, which must stay silent
		self.account = f"JC Shared {frappe.generate_hash(length=6)}"
		frappe.get_doc(
			{
				"doctype": "WhatsApp Account",
				"account_name": self.account,
				"status": "Active",
				"url": self.api.base_url,
				"version": "v21.0",
				"phone_id": PHONE_ID,
				"token": ACCOUNT_TOKEN,
				"webhook_verify_token": "their-verify-token",
			}
		).insert()
		self.addCleanup(self.forget_account)
		config = frappe.get_single(SETTINGS)
		config.update(
			{"use_whatsapp_account": 1, "whatsapp_account": self.account, "recipient_gap_seconds": 0.05}
		)
		config.save()
		whatsapp_template("jc_birthday_wishes", "Occasion", ["first_name", "occasion_type"])
		frappe.db.commit()  # nosemgrep: the webhook's requests and the jobs run in their own transactions

	def forget_account(self):
		frappe.db.rollback()
		frappe.db.set_single_value(SETTINGS, {"use_whatsapp_account": 0, "whatsapp_account": None})
		frappe.db.delete("WhatsApp Message", {"whatsapp_account": self.account})
		frappe.db.delete("WhatsApp Account", {"name": ("like", f"{self.account}%")})
		frappe.db.commit()  # nosemgrep

	def customer(self) -> tuple[str, str]:
		phone = "+9197" + str(abs(hash(frappe.generate_hash())) % 10**8).zfill(8)
		name = fx.make_customer(mobile_no=phone, jc_whatsapp_opt_in=1)
		frappe.db.commit()  # nosemgrep: the webhook's requests must find her
		return name, phone

	def meta_says(self, payload: dict) -> None:
		"""Meta's POST to frappe_whatsapp's webhook, signed with the app secret as Meta signs it, through
		Frappe's own request handling; then the jobs a worker would run."""
		raw, headers = signed(ACCOUNT_SECRET, payload)
		response = request("post", THEIR_WEBHOOK, data=raw, headers=headers)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		run_queued_webhook_jobs()
		frappe.db.rollback()  # see what the request and the jobs committed

	def outreach(self, name: str) -> frappe._dict:
		frappe.db.rollback()
		return frappe.db.get_value(
			"Client Outreach", name, ["status", "wa_message_id", "delivered_on", "read_on"], as_dict=True
		)

	def test_outreach_goes_through_their_account_and_her_answers_come_back_through_their_webhook(self):
		customer, phone = self.customer()
		digits = phone.lstrip("+")
		first = plan_outreach(customer, context={"occasion_type": "Birthday"})
		whatsapp.drain(max_seconds=10)

		# the account's token, phone number id and URL; a template, as no window is open
		(sent,) = [r for r in self.api.requests if r.body and r.body.get("to") == digits]
		self.assertEqual(sent.path, f"/v21.0/{PHONE_ID}/messages")
		self.assertEqual(sent.headers.get("authorization"), f"Bearer {ACCOUNT_TOKEN}")
		self.assertEqual(sent.body["type"], "template")
		self.assertEqual(self.own.requests, [], "our own line is not used")
		wamid = self.outreach(first).wa_message_id
		# one record of the send on frappe_whatsapp's side, found by its webhook
		kept = frappe.get_all(
			"WhatsApp Message",
			filters={"message_id": wamid},
			fields=["type", "whatsapp_account", "reference_doctype", "reference_name", "to"],
		)
		self.assertEqual(len(kept), 1)
		self.assertEqual(
			(kept[0].type, kept[0].whatsapp_account, kept[0].reference_name, kept[0].to),
			("Outgoing", self.account, first, digits),
		)

		# Meta's statuses, to frappe_whatsapp's webhook: the outreach moves forward
		for status in ("delivered", "read"):
			self.meta_says(status_payload(wamid, status, digits, phone_number_id=PHONE_ID))
		row = self.outreach(first)
		self.assertEqual(row.status, "Read")
		self.assertTrue(row.delivered_on and row.read_on)
		self.assertEqual(frappe.db.get_value("WhatsApp Message", {"message_id": wamid}, "status"), "read")

		# her reply: frappe_whatsapp keeps it as before, and the outreach is answered
		self.meta_says(inbound_text_payload(digits, "Thank you!", phone_number_id=PHONE_ID))
		self.assertEqual(self.outreach(first).status, "Replied")
		self.assertTrue(frappe.db.exists("WhatsApp Message", {"from": digits, "type": "Incoming"}))
		self.assertEqual(
			frappe.db.get_value("Clienteling WhatsApp Message", {"customer": customer}, "outreach"), first
		)
		self.assertTrue(frappe.db.get_value("Customer", customer, "jc_whatsapp_last_inbound"))

		# her window is open: the next message goes as plain text, through the account again
		second = plan_outreach(customer, context={"occasion_type": "Anniversary"})
		whatsapp.drain(max_seconds=10)
		bodies = self.api.sent_to(phone)
		self.assertEqual([body["type"] for body in bodies], ["template", "text"])
		self.assertEqual(self.outreach(second).status, "Sent")

		# she comes in and buys: the sale is credited to the greeting that reached her
		sale = fx.make_pos_invoice(customer, [("JC-RING-GLD-22K-PLK", 50000)])
		commit_and_run_queued_refresh(self, customer)
		credited = frappe.get_all(
			"Client Outreach", {"customer": customer, "attributed_sale": sale.name}, pluck="attributed_amount"
		)
		self.assertEqual([flt(amount) for amount in credited], [flt(sale.base_grand_total)])

	def test_stop_and_start_through_their_webhook_hold_at_the_moment_of_sending(self):
		customer, phone = self.customer()
		digits = phone.lstrip("+")
		planned = plan_outreach(customer, context={"occasion_type": "Birthday"})
		self.meta_says(inbound_text_payload(digits, "STOP", phone_number_id=PHONE_ID))
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 0)
		self.assertEqual(
			frappe.db.get_value("Consent Change", {"customer": customer}, ["channel", "opted_in"]),
			("WhatsApp", 0),
		)
		whatsapp.drain(max_seconds=5)
		self.assertEqual(self.api.sent_to(phone), [], "she said stop")
		self.assertEqual(self.outreach(planned).status, "Skipped")

		self.meta_says(inbound_text_payload(digits, "start", phone_number_id=PHONE_ID))
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 1)

	def test_a_failure_of_ours_never_breaks_their_webhook_and_the_sweep_takes_it_again(self):
		customer, phone = self.customer()
		digits = phone.lstrip("+")
		# our intake's table is gone for a moment: frappe_whatsapp's webhook still answers and keeps it
		committed(frappe.db.sql_ddl, "RENAME TABLE `tabClienteling Webhook Event` TO `tabjc_event_away`")
		restore = "RENAME TABLE `tabjc_event_away` TO `tabClienteling Webhook Event`"
		self.addCleanup(
			lambda: frappe.db.table_exists("jc_event_away", cached=False) and frappe.db.sql_ddl(restore)
		)
		self.meta_says(inbound_text_payload(digits, "STOP", phone_number_id=PHONE_ID))
		committed(frappe.db.sql_ddl, restore)
		self.assertTrue(frappe.db.exists("WhatsApp Message", {"from": digits, "message": "STOP"}))
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 1)
		self.assertTrue(
			frappe.db.exists("Error Log", {"method": ("like", "WhatsApp Message % could not reach%")})
		)

		# the sweep hands it to the intake, once
		tasks.sweep_shared_number()
		run_queued_webhook_jobs()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 0)
		self.assertEqual(frappe.db.count("Consent Change", {"customer": customer}), 1)
		from jewel_clienteling.services import shared_inbound

		self.assertEqual(shared_inbound.sweep(), 0, "nothing is handed over twice")

	def test_without_the_box_ticked_their_messages_are_theirs_and_our_own_line_sends(self):
		committed(frappe.db.set_single_value, SETTINGS, "use_whatsapp_account", 0)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		customer, phone = self.customer()
		digits = phone.lstrip("+")
		self.meta_says(inbound_text_payload(digits, "STOP", phone_number_id=PHONE_ID))
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 1)
		plan_outreach(customer, context={"occasion_type": "Birthday"})
		whatsapp.drain(max_seconds=5)
		self.assertEqual(len(self.own.sent_to(phone)), 1)
		self.assertEqual(self.api.requests, [])

	def test_only_a_system_manager_moves_sending_to_another_account(self):
		make_role_users()
		frappe.db.commit()  # nosemgrep: the requests run in their own transactions
		other = frappe.get_doc(
			{
				"doctype": "WhatsApp Account",
				"account_name": f"{self.account} B",
				"phone_id": self.account[-6:],
			}
		).insert()
		committed(frappe.db.set_single_value, SETTINGS, "use_whatsapp_account", 0)
		for user, kept in (
			(CLIENTELING_MANAGER_USER, (0, self.account)),
			(SYSTEM_MANAGER_USER, (1, other.name)),
		):
			doc = {
				**frappe.get_doc(SETTINGS).as_dict(),
				"use_whatsapp_account": 1,
				"whatsapp_account": other.name,
			}
			self.assertIsNone(
				as_request(user, "POST", "frappe.client.save", keep=True, doc=json.dumps(doc, default=str))
			)
			chosen = [
				frappe.db.get_single_value(SETTINGS, f) for f in ("use_whatsapp_account", "whatsapp_account")
			]
			self.assertEqual(tuple(chosen), kept, user)

	def test_frappe_whatsapp_leaving_hands_sending_back_to_our_own_settings(self):
		for app in ("jewel_clienteling", "frappe_whatsapp"):  # as uninstall-app runs the hook, for any app
			for hook in frappe.get_hooks("before_app_uninstall"):
				frappe.get_attr(hook)(app)
			chosen = [
				frappe.db.get_single_value(SETTINGS, f) for f in ("use_whatsapp_account", "whatsapp_account")
			]
			expected = (1, self.account) if app == "jewel_clienteling" else (0, None)
			self.assertEqual((chosen[0], chosen[1] or None), expected, app)
		self.assertFalse(whatsapp.line(frappe.get_doc(SETTINGS)).account)

	def test_erasing_her_data_deletes_what_we_wrote_into_their_messages(self):
		from jewel_clienteling.services import privacy

		customer, phone = self.customer()
		plan_outreach(customer, context={"occasion_type": "Birthday"})
		whatsapp.drain(max_seconds=10)
		frappe.db.rollback()
		ours = {"to": phone.lstrip("+"), "reference_doctype": "Client Outreach"}
		self.assertEqual(frappe.db.count("WhatsApp Message", ours), 1)
		summary = privacy.erase(customer)
		self.assertEqual(summary["shared_number_messages_deleted"], 1)
		self.assertEqual(frappe.db.count("WhatsApp Message", ours), 0)
