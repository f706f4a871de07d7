"""WhatsApp on the real site against a real local stand-in of the Cloud API on 127.0.0.1: planned
outreach → sent → delivered, read → her reply → STOP; signed webhooks through Frappe's own request
handling; Meta's errors classified and retried."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, flt, now_datetime

from jewel_clienteling.services import whatsapp
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload, signed, status_payload
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.utils import (
	commit_and_run_queued_refresh,
	plan_outreach,
	request,
	run_in_bench,
	run_queued_webhook_jobs,
	send_at_any_hour,
	whatsapp_template,
)

TOKEN = "test-access-token"  # noqa: S105 - the stand-in server's token
SECRET = "test-app-secret"  # noqa: S105 - signs the test webhooks
WEBHOOK = "/api/method/jewel_clienteling.api.whatsapp.inbound"


def use_test_settings(test, graph_url: str) -> None:
	"""WhatsApp Settings for a test, committed (the webhook's requests read them), and sending
	switched off again after it."""
	config = frappe.get_single("Clienteling WhatsApp Settings")
	config.update(
		{
			"enabled": 1,
			"phone_number_id": "4242",
			"graph_url": graph_url,
			"api_version": "v21.0",
			"access_token": TOKEN,
			"app_secret": SECRET,
			"verify_token": "let-me-in",
			"messages_per_second": 80,
			"recipient_gap_seconds": 6,
			"max_attempts": 4,
			"timeout_seconds": 2,
		}
	)
	config.save()
	frappe.db.commit()  # nosemgrep: webhook requests run in their own transactions

	def switch_off():
		frappe.db.set_single_value("Clienteling WhatsApp Settings", "enabled", 0)
		frappe.db.commit()  # nosemgrep

	test.addCleanup(switch_off)


class TestWhatsApp(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		send_at_any_hour(self)
		self.api = CloudAPIServer(token=TOKEN, phone_number_id="4242")
		self.api.start()
		self.addCleanup(self.api.stop)
		use_test_settings(self, self.api.base_url)
		whatsapp_template("jc_birthday_wishes", "Occasion", ["first_name", "occasion_type"])
		frappe.db.commit()  # nosemgrep: webhook requests run in their own transactions

	def customer(self, **fields) -> str:
		phone = "+9198" + str(abs(hash(frappe.generate_hash())) % 10**8).zfill(8)
		name = fx.make_customer(mobile_no=phone, jc_whatsapp_opt_in=1, **fields)
		frappe.db.commit()  # nosemgrep: the webhook's requests must find her
		return name

	def plan(self, customer: str, occasion_type: str = "Birthday") -> str:
		return plan_outreach(customer, context={"occasion_type": occasion_type})

	def outreach(self, name: str) -> frappe._dict:
		frappe.db.rollback()  # see what other transactions committed
		return frappe.db.get_value(
			"Client Outreach",
			name,
			[
				"status",
				"wa_message_id",
				"delivered_on",
				"read_on",
				"replied_on",
				"attempts",
				"error_code",
				"next_attempt_on",
			],
			as_dict=True,
		)

	def webhook(self, payload: dict | None = None, raw: bytes | None = None, headers: dict | None = None):
		"""POST to the webhook through Frappe's own request handling, in its own thread and transaction,
		then run the job it queued."""
		if payload is not None:
			raw, headers = signed(SECRET, payload)
		response = request("post", WEBHOOK, data=raw, headers=headers or {"Content-Type": "application/json"})
		run_queued_webhook_jobs()  # what a worker would do next
		return response

	def test_a_planned_greeting_goes_out_is_delivered_read_answered_and_stop_ends_marketing(self):
		customer = self.customer()
		name = self.plan(customer)
		whatsapp.drain(max_seconds=10)
		phone = frappe.db.get_value("Customer", customer, "mobile_no")
		(body,) = self.api.sent_to(phone)
		first_name = frappe.db.get_value("Customer", customer, "customer_name").split(" ")[0]
		self.assertEqual(body["template"]["name"], "jc_birthday_wishes")
		self.assertEqual(
			[p["text"] for p in body["template"]["components"][0]["parameters"]], [first_name, "Birthday"]
		)
		sent = self.outreach(name)
		self.assertEqual(sent.status, "Sent")
		self.assertTrue(sent.wa_message_id.startswith("wamid."))
		# a second drain sends her nothing more
		whatsapp.drain(max_seconds=5)
		self.assertEqual(len(self.api.sent_to(phone)), 1)

		wamid = sent.wa_message_id
		digits = phone.lstrip("+")
		# read arrives before delivered, and delivered is replayed: the row only moves forward
		for status in ("read", "delivered", "delivered"):
			self.assertEqual(
				self.webhook(status_payload(wamid, status, digits, phone_number_id="4242")).status_code, 200
			)
		row = self.outreach(name)
		self.assertEqual(row.status, "Read")
		self.assertTrue(row.read_on and row.delivered_on)

		self.assertEqual(self.webhook(inbound_text_payload(digits, "Thank you so much!")).status_code, 200)
		row = self.outreach(name)
		self.assertEqual(row.status, "Replied")
		message = frappe.db.get_value(
			"Clienteling WhatsApp Message", {"customer": customer}, ["text", "outreach"], as_dict=True
		)
		self.assertEqual((message.text, message.outreach), ("Thank you so much!", name))

		self.assertEqual(self.webhook(inbound_text_payload(digits, "STOP")).status_code, 200)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 0)
		change = frappe.db.get_value(
			"Consent Change", {"customer": customer}, ["channel", "opted_in"], as_dict=True
		)
		self.assertEqual((change.channel, change.opted_in), ("WhatsApp", 0))
		# the next greeting is not sent: she said stop
		later = self.plan(customer, "Anniversary")
		whatsapp.drain(max_seconds=5)
		self.assertEqual(len(self.api.sent_to(phone)), 1)
		self.assertIn(self.outreach(later).status, ("Skipped",))

		# she comes in and buys: the sale is credited to the greeting that reached her
		sale = fx.make_pos_invoice(customer, [("JC-RING-GLD-22K-PLK", 50000)])
		commit_and_run_queued_refresh(self, customer)
		credited = frappe.db.get_value(
			"Client Outreach", name, ["attributed_sale", "attributed_amount"], as_dict=True
		)
		self.assertEqual(credited.attributed_sale, sale.name)
		self.assertEqual(flt(credited.attributed_amount), flt(sale.base_grand_total))
		self.assertIsNone(
			frappe.db.get_value("Client Outreach", later, "attributed_sale"), "never reached her"
		)

	def test_an_unsigned_or_wrongly_signed_webhook_is_refused_and_changes_nothing(self):
		customer = self.customer()
		digits = frappe.db.get_value("Customer", customer, "mobile_no").lstrip("+")
		raw, headers = signed("not-the-secret", inbound_text_payload(digits, "STOP"))
		self.assertEqual(self.webhook(raw=raw, headers=headers).status_code, 403)
		raw, _headers = signed(SECRET, inbound_text_payload(digits, "STOP"))
		self.assertEqual(self.webhook(raw=raw, headers={"Content-Type": "application/json"}).status_code, 403)
		good_raw, good_headers = signed(SECRET, inbound_text_payload(digits, "STOP"))
		tampered = good_raw.replace(b"STOP", b"STAR")
		self.assertEqual(self.webhook(raw=tampered, headers=good_headers).status_code, 403)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 1)
		self.assertFalse(frappe.db.exists("Clienteling WhatsApp Message", {"phone": "+" + digits}))
		# signed but not JSON: refused, nothing stored. (Sent as application/json, Frappe itself rejects
		# the body before any app code runs.)
		from jewel_clienteling.domain.incoming import sign

		bad = b"{not json"
		statuses = [
			self.webhook(
				raw=bad, headers={"X-Hub-Signature-256": sign(SECRET, bad), "Content-Type": content_type}
			).status_code
			for content_type in ("text/plain", "application/json")
		]
		self.assertEqual(statuses[0], 417)
		self.assertGreaterEqual(statuses[1], 400)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Clienteling WhatsApp Message", {"phone": "+" + digits}))

	def test_the_verify_token_handshake(self):
		ok = request(
			"get",
			WEBHOOK,
			query_string={
				"hub.mode": "subscribe",
				"hub.verify_token": "let-me-in",
				"hub.challenge": "1158201444",
			},
		)
		self.assertEqual((ok.status_code, ok.get_data(as_text=True)), (200, "1158201444"))
		wrong = request(
			"get",
			WEBHOOK,
			query_string={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
		)
		self.assertEqual(wrong.status_code, 403)

	def test_a_status_for_a_message_we_never_sent_is_acknowledged_and_the_rest_of_the_batch_applies(self):
		customer = self.customer()
		name = self.plan(customer)
		whatsapp.drain(max_seconds=10)
		wamid = self.outreach(name).wa_message_id
		digits = frappe.db.get_value("Customer", customer, "mobile_no").lstrip("+")
		batch = status_payload("wamid.unknown", "delivered", digits, phone_number_id="4242")
		batch["entry"][0]["changes"].append(
			status_payload(wamid, "delivered", digits, phone_number_id="4242")["entry"][0]["changes"][0]
		)
		response = self.webhook(batch)
		self.assertEqual(response.status_code, 200)
		self.assertEqual(self.outreach(name).status, "Delivered")

	def test_throttling_backs_off_and_sends_once_and_undeliverable_fails_with_its_code(self):
		customer = self.customer()
		name = self.plan(customer)
		self.api.fail_next(1, 400, 130429, "Rate limit hit")
		whatsapp.drain(max_seconds=5)
		row = self.outreach(name)
		self.assertEqual((row.status, row.error_code, row.attempts), ("Due", "130429", 1))
		self.assertGreater(row.next_attempt_on, now_datetime())
		frappe.db.set_value(
			"Client Outreach", name, "next_attempt_on", add_to_date(now_datetime(), seconds=-1)
		)
		frappe.db.commit()  # nosemgrep: as if the back-off had passed
		whatsapp.drain(max_seconds=5)
		self.assertEqual(self.outreach(name).status, "Sent")
		self.assertEqual(len(self.api.sent_to(frappe.db.get_value("Customer", customer, "mobile_no"))), 1)

		other = self.customer()
		lost = self.plan(other)
		self.api.fail_for(frappe.db.get_value("Customer", other, "mobile_no"), 400, 131026, times=None)
		whatsapp.drain(max_seconds=5)
		row = self.outreach(lost)
		self.assertEqual((row.status, row.error_code), ("Failed", "131026"))

	def test_an_outage_of_5xx_throttling_and_timeouts_backs_off_then_sends_everything_once(self):
		# what earlier tests left due would take the faults: withdraw it first
		frappe.db.set_value("Client Outreach", {"status": "Due", "channel": "WhatsApp"}, "status", "Skipped")
		customers = [self.customer() for _ in range(6)]
		names = [self.plan(customer) for customer in customers]
		# Meta's bad ten minutes: server errors, throttling, then two requests that hang past our
		# 2 s timeout before they are refused (so nothing was accepted), in that order
		self.api.fail_next(2, 500, 1, "An unknown error occurred")
		self.api.fail_next(1, 503, 2, "Service temporarily unavailable")
		self.api.fail_next(2, 400, 130429, "Rate limit hit")
		self.api.fail_next(2, 503, 2, "Service temporarily unavailable")
		self.api.delay_next(5, 0)
		self.api.delay_next(2, 3)
		rounds = 0
		while rounds < 8:
			rounds += 1
			whatsapp.drain(max_seconds=20)
			waiting = [name for name in names if self.outreach(name).status == "Due"]
			if not waiting:
				break
			for name in waiting:
				self.assertGreater(self.outreach(name).next_attempt_on, now_datetime(), "it backs off")
			# as if each back-off had passed
			frappe.db.set_value(
				"Client Outreach",
				{"name": ("in", waiting)},
				"next_attempt_on",
				add_to_date(now_datetime(), seconds=-1),
			)
			frappe.db.commit()  # nosemgrep
		self.assertEqual([self.outreach(name).status for name in names], ["Sent"] * len(names))
		for customer in customers:
			phone = frappe.db.get_value("Customer", customer, "mobile_no")
			self.assertEqual(len(self.api.sent_to(phone)), 1, "each message reached her exactly once")
		# every request that failed or timed out was counted and tried again: at least the 7 faults
		self.assertEqual(sum(self.outreach(name).attempts for name in names), len(self.api.requests))
		self.assertGreaterEqual(len(self.api.requests), len(names) + 7)

	def test_a_sender_killed_halfway_is_finished_by_the_next_run_without_repeating_a_message(self):
		frappe.db.set_value("Client Outreach", {"status": "Due", "channel": "WhatsApp"}, "status", "Skipped")
		customers = [self.customer() for _ in range(8)]
		names = [self.plan(customer) for customer in customers]
		worker = run_in_bench("jewel_clienteling.tests.send_probe.send_and_die", after=3)
		output = worker.communicate(timeout=120)[0]
		self.assertEqual(worker.returncode, 9, output)
		statuses = [self.outreach(name).status for name in names]
		self.assertEqual(statuses.count("Sent"), 3, "the killed sender got three out")

		# its claim on the rest lapses (as if its lease of a few minutes had passed); the next run sends them
		frappe.db.set_value(
			"Client Outreach",
			{"name": ("in", names), "status": "Due"},
			"claimed_until",
			add_to_date(now_datetime(), seconds=-1),
		)
		frappe.db.commit()  # nosemgrep
		whatsapp.drain(max_seconds=20)

		self.assertEqual([self.outreach(name).status for name in names], ["Sent"] * len(names))
		for customer in customers:
			phone = frappe.db.get_value("Customer", customer, "mobile_no")
			self.assertEqual(len(self.api.sent_to(phone)), 1, "nothing sent twice")

	def test_signed_bodies_with_missing_parts_or_an_unparseable_sender_are_acknowledged_and_stored_safely(
		self,
	):
		for body in ({}, {"object": "whatsapp_business_account"}, {"entry": [{"changes": [{"value": {}}]}]}):
			self.assertEqual(self.webhook(body).status_code, 200, body)
		digits = "12ab"  # not a phone number anywhere
		payload = inbound_text_payload(digits, "STOP")
		self.assertEqual(self.webhook(payload).status_code, 200)
		frappe.db.rollback()
		message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
		stored = frappe.db.get_value(
			"Clienteling WhatsApp Message", {"message_id": message_id}, ["customer", "text"], as_dict=True
		)
		# either kept for a person to read, unlinked, or left out as unreadable: never linked to anyone
		self.assertTrue(stored is None or stored.customer is None, stored)
		self.assertEqual(frappe.db.count("Consent Change", {"evidence": message_id}), 0)

	def test_inside_her_24_hour_window_the_drafted_text_goes_out_and_outside_only_the_template(self):
		customer = self.customer()
		phone = frappe.db.get_value("Customer", customer, "mobile_no")
		outside = self.plan(customer)
		whatsapp.drain(max_seconds=10)
		self.assertEqual(self.outreach(outside).status, "Sent")
		self.assertEqual(self.api.sent_to(phone)[-1]["type"], "template")

		self.assertEqual(
			self.webhook(inbound_text_payload(phone.lstrip("+"), "Do you have jhumkas?")).status_code, 200
		)
		frappe.db.set_value("Client Outreach", outside, "status", "Done")  # that conversation is over
		inside = self.plan(customer, "Anniversary")
		frappe.db.set_value("Client Outreach", inside, "send_after", None)
		frappe.db.commit()  # nosemgrep
		frappe.cache.delete(frappe.cache.make_key(f"jc:wa:to:{phone.lstrip('+')}"))  # as if 6 s had passed
		whatsapp.drain(max_seconds=10)
		last = self.api.sent_to(phone)[-1]
		self.assertEqual(last["type"], "text")
		self.assertEqual(last["text"]["body"], frappe.db.get_value("Client Outreach", inside, "message"))

	def test_a_template_with_an_empty_parameter_is_refused_before_sending_with_the_reason_kept(self):
		whatsapp_template("jc_we_miss_you", "Occasion", ["first_name", "person_name"], step="empty")
		customer = self.customer()
		name = plan_outreach(customer, step="empty", context={})
		whatsapp.drain(max_seconds=10)
		row = self.outreach(name)
		self.assertEqual((row.status, row.error_code), ("Failed", "empty_parameter"))
		self.assertEqual(self.api.sent_to(frappe.db.get_value("Customer", customer, "mobile_no")), [])
