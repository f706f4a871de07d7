"""The webhook under campaign load, on the real site through Frappe's own request handling: a signed
callback is stored and answered before anything is applied, a job applies it, a redelivery is
stored once, statuses end at the highest whatever their order, a bad signature stores nothing, the
sweep applies what no job took, and a failing event is logged and tried again until it goes."""

import json
import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, get_datetime, now_datetime
from frappe.utils.background_jobs import get_job

from jewel_clienteling import tasks
from jewel_clienteling.domain import webhook as intake
from jewel_clienteling.domain.incoming import sign
from jewel_clienteling.services import webhook_intake, whatsapp
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload, signed, status_payload
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_whatsapp import SECRET, WEBHOOK, use_test_settings
from jewel_clienteling.tests.utils import plan_outreach, request, run_queued_webhook_jobs

EVENT = webhook_intake.EVENT


class TestWebhookIntake(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		use_test_settings(self, "http://127.0.0.1:9")  # nothing is sent in these tests
		run_queued_webhook_jobs()  # start with no job left over from another test

	# -- helpers ----------------------------------------------------------------------------------

	def sent_message(self) -> tuple[str, str, str]:
		"""An outreach the sender sent: (outreach, Meta's message id, her number's digits)."""
		phone = "+9197" + str(abs(hash(frappe.generate_hash())) % 10**8).zfill(8)
		customer = fx.make_customer(mobile_no=phone, jc_whatsapp_opt_in=1)
		name = plan_outreach(customer)
		wamid = "wamid.HBgM" + frappe.generate_hash(length=24).upper()
		frappe.db.set_value(
			"Client Outreach", name, {"status": "Sent", "wa_message_id": wamid, "sent_on": now_datetime()}
		)
		frappe.db.commit()  # nosemgrep: the webhook's requests and jobs run in their own transactions
		return name, wamid, phone.lstrip("+")

	def post(self, payload: dict | None = None, raw: bytes | None = None, headers: dict | None = None):
		if payload is not None:
			raw, headers = signed(SECRET, payload)
		return request("post", WEBHOOK, data=raw, headers=headers)

	def status(self, wamid: str, status: str, digits: str, **kwargs):
		return self.post(status_payload(wamid, status, digits, phone_number_id="4242", **kwargs))

	def outreach(self, name: str) -> frappe._dict:
		frappe.db.rollback()  # see what requests and jobs committed
		return frappe.db.get_value(
			"Client Outreach",
			name,
			["status", "delivered_on", "read_on", "error_code", "error_message"],
			as_dict=True,
		)

	def events(self, wamid: str) -> list[frappe._dict]:
		frappe.db.rollback()
		return frappe.get_all(
			EVENT,
			filters={"reference": wamid},
			fields=[
				"name",
				"status",
				"slot",
				"attempts",
				"next_attempt_on",
				"processed_on",
				"error",
				"payload",
			],
			order_by="creation",
		)

	# -- tests ------------------------------------------------------------------------------------

	def test_a_signed_status_is_stored_and_answered_at_once_and_applied_by_the_job_it_queued(self):
		name, wamid, digits = self.sent_message()
		began = time.monotonic()
		response = self.status(wamid, "delivered", digits)
		answered_in = time.monotonic() - began
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		self.assertLess(answered_in, 1.0, "answered without applying anything")
		answer = response.get_json()["message"]
		self.assertFalse(answer["duplicate"])

		(event,) = self.events(wamid)
		self.assertEqual((event.name, event.status), (answer["event"], "Pending"))
		self.assertEqual(
			json.loads(event.payload)["entry"][0]["changes"][0]["value"]["statuses"][0]["id"], wamid
		)
		self.assertEqual(self.outreach(name).status, "Sent", "nothing is applied inside the request")
		job = get_job(webhook_intake.job_id(event.slot))
		self.assertIsNotNone(job, "the request queued a drain job after its commit")
		self.assertEqual((job.get_status(), job.origin.rsplit(":", 1)[-1]), ("queued", "short"))

		self.assertGreaterEqual(run_queued_webhook_jobs(), 1)
		row = self.outreach(name)
		self.assertEqual(row.status, "Delivered")
		self.assertTrue(row.delivered_on)
		(event,) = self.events(wamid)
		self.assertEqual(event.status, "Processed")
		self.assertTrue(event.processed_on)

	def test_a_redelivered_event_is_stored_once_and_applied_once(self):
		name, wamid, digits = self.sent_message()
		payload = status_payload(wamid, "delivered", digits, phone_number_id="4242")
		first, again = self.post(payload), self.post(payload)
		# Meta formats the same callback differently: still the same event
		spaced = json.dumps(payload, indent=1).encode()
		reformatted = self.post(
			raw=spaced,
			headers={"X-Hub-Signature-256": sign(SECRET, spaced), "Content-Type": "application/json"},
		)
		self.assertEqual([r.status_code for r in (first, again, reformatted)], [200, 200, 200])
		self.assertEqual(
			[r.get_json()["message"]["duplicate"] for r in (first, again, reformatted)], [False, True, True]
		)
		self.assertEqual(len(self.events(wamid)), 1)
		run_queued_webhook_jobs()
		delivered_on = self.outreach(name).delivered_on
		self.assertTrue(delivered_on)

		# her reply, delivered twice (once after it was applied): one message, one Replied
		reply = inbound_text_payload(digits, "Thank you!", phone_number_id="4242")
		self.post(reply)
		run_queued_webhook_jobs()
		self.assertEqual(self.post(reply).get_json()["message"]["duplicate"], True)
		run_queued_webhook_jobs()
		message_id = reply["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
		self.assertEqual(len(self.events(message_id)), 1)
		self.assertEqual(frappe.db.count("Clienteling WhatsApp Message", {"message_id": message_id}), 1)
		row = self.outreach(name)
		self.assertEqual((row.status, row.delivered_on), ("Replied", delivered_on))

	def test_statuses_in_any_order_end_at_the_highest_and_failed_is_kept_unless_she_read_it(self):
		read_first, wamid, digits = self.sent_message()
		# read, then delivered, then sent, each applied before the next arrives; then replays
		for status in ("read", "delivered", "sent"):
			self.assertEqual(self.status(wamid, status, digits).status_code, 200)
			run_queued_webhook_jobs()
			self.assertEqual(self.outreach(read_first).status, "Read", f"after a late {status}")
		row = self.outreach(read_first)
		self.assertTrue(row.read_on and row.delivered_on)

		# all three at once, in the worst order, applied by one job: the same end
		at_once, wamid_2, digits_2 = self.sent_message()
		for status in ("read", "sent", "delivered", "sent"):
			self.status(wamid_2, status, digits_2)
		run_queued_webhook_jobs()
		self.assertEqual(self.outreach(at_once).status, "Read")

		failed, wamid_3, digits_3 = self.sent_message()
		self.status(wamid_3, "failed", digits_3, error=(131026, "Message undeliverable"))
		self.status(wamid_3, "delivered", digits_3)  # late, and from before the failure
		run_queued_webhook_jobs()
		row = self.outreach(failed)
		self.assertEqual((row.status, row.error_code), ("Failed", "131026"))

		read, wamid_4, digits_4 = self.sent_message()
		self.status(wamid_4, "read", digits_4)
		self.status(wamid_4, "failed", digits_4, error=(131000, "Something went wrong"))
		run_queued_webhook_jobs()
		self.assertEqual(self.outreach(read).status, "Read", "she read it: a later failure changes nothing")
		self.assertEqual(
			[event.status for event in self.events(wamid_4)], ["Processed", "Processed"], "both applied"
		)

	def test_a_bad_signature_is_refused_and_stores_nothing(self):
		name, wamid, digits = self.sent_message()
		before = frappe.db.count(EVENT)
		raw, headers = signed("not-the-secret", status_payload(wamid, "read", digits))
		unsigned, _headers = signed(SECRET, status_payload(wamid, "read", digits))
		good, good_headers = signed(SECRET, status_payload(wamid, "read", digits))
		answers = [
			self.post(raw=raw, headers=headers),
			self.post(raw=unsigned, headers={"Content-Type": "application/json"}),
			self.post(raw=good.replace(b'"read"', b'"sent"'), headers=good_headers),
			self.post(raw=good, headers={**good_headers, "X-Hub-Signature-256": "sha256=" + "0" * 64}),
		]
		self.assertEqual([a.status_code for a in answers], [403] * 4)
		run_queued_webhook_jobs()
		frappe.db.rollback()
		self.assertEqual(frappe.db.count(EVENT), before)
		self.assertEqual(self.events(wamid), [])
		self.assertEqual(self.outreach(name).status, "Sent")

	def test_the_sweep_applies_an_event_whose_job_never_ran(self):
		name, wamid, digits = self.sent_message()
		self.assertEqual(self.status(wamid, "read", digits).status_code, 200)
		(event,) = self.events(wamid)
		job = get_job(webhook_intake.job_id(event.slot))
		job.delete()  # the worker lost it
		self.assertEqual(run_queued_webhook_jobs(), 0)
		self.assertEqual(self.outreach(name).status, "Sent")

		tasks.sweep_webhook_events()
		self.assertEqual(self.outreach(name).status, "Read")
		self.assertEqual(self.events(wamid)[0].status, "Processed")

	def test_a_failing_event_is_logged_and_tried_again_later_until_it_goes_through(self):
		name, wamid, digits = self.sent_message()
		self.status(wamid, "delivered", digits)
		(event,) = self.events(wamid)
		# its stored body was damaged before any job read it (say, by a hand in the database)
		frappe.db.set_value(EVENT, event.name, "payload", "{damaged", update_modified=False)
		frappe.db.commit()  # nosemgrep
		run_queued_webhook_jobs()
		(failed,) = self.events(wamid)
		self.assertEqual((failed.status, failed.attempts), ("Failed", 1))
		self.assertIn("JSONDecodeError", failed.error)
		self.assertGreater(
			get_datetime(failed.next_attempt_on), now_datetime(), "it waits before trying again"
		)
		self.assertTrue(
			frappe.db.exists("Error Log", {"method": ("like", f"%{event.name}%")}), "the failure is logged"
		)
		self.assertEqual(self.outreach(name).status, "Sent")

		tasks.sweep_webhook_events()  # not due yet: nothing changes
		self.assertEqual(self.events(wamid)[0].attempts, 1)
		self.assertEqual(self.events(wamid)[0].status, "Failed")

		# the body is put right and the wait has passed: the sweep applies it
		frappe.db.set_value(
			EVENT,
			event.name,
			{"payload": event.payload, "next_attempt_on": add_to_date(now_datetime(), seconds=-1)},
			update_modified=False,
		)
		frappe.db.commit()  # nosemgrep
		tasks.sweep_webhook_events()
		(done,) = self.events(wamid)
		self.assertEqual((done.status, done.attempts, done.error), ("Processed", 1, None))
		self.assertEqual(self.outreach(name).status, "Delivered")

	def test_a_late_stop_never_undoes_the_start_she_sent_after_it(self):
		_name, _wamid, digits = self.sent_message()
		customer = frappe.db.get_value("Customer", {"mobile_no": "+" + digits})
		# she agreed in store yesterday
		frappe.db.set_value(
			"Customer", customer, "jc_whatsapp_opt_in_on", add_to_date(now_datetime(), days=-1)
		)
		frappe.db.commit()  # nosemgrep
		now = time.time()
		stop_first = inbound_text_payload(digits, "STOP", timestamp=now - 300, phone_number_id="4242")
		start = inbound_text_payload(digits, "START", timestamp=now - 60, phone_number_id="4242")
		late_stop = inbound_text_payload(digits, "stop", timestamp=now - 120, phone_number_id="4242")
		for payload in (stop_first, start, late_stop):
			self.assertEqual(self.post(payload).status_code, 200)
			run_queued_webhook_jobs()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", customer, "jc_whatsapp_opt_in"), 1)
		changes = frappe.get_all(
			"Consent Change", filters={"customer": customer}, pluck="opted_in", order_by="changed_on"
		)
		self.assertEqual(changes, [0, 1], "the late STOP was kept as her message but changed nothing")
		self.assertEqual(frappe.db.count("Clienteling WhatsApp Message", {"customer": customer}), 3)

	def test_the_limit_follows_the_send_pace_and_refuses_only_beyond_it(self):
		self.assertEqual(webhook_intake.requests_per_minute(), intake.requests_per_minute(80))
		frappe.db.set_single_value(whatsapp.SETTINGS, "messages_per_second", 20)
		frappe.clear_document_cache(whatsapp.SETTINGS, whatsapp.SETTINGS)
		frappe.db.commit()  # nosemgrep
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.db.set_single_value, whatsapp.SETTINGS, "messages_per_second", 80)
		limit = intake.requests_per_minute(20)
		self.assertEqual(webhook_intake.requests_per_minute(), limit)
		# as if `limit - 1` callbacks had come from this address this minute: one more is let in,
		# the next refused
		counter = frappe.cache.make_key(f"rl:jewel_clienteling.api.whatsapp.inbound:{'127.0.0.1'}")
		frappe.cache.setex(counter, 60, limit - 1)
		self.addCleanup(frappe.cache.delete, counter)
		_name, wamid, digits = self.sent_message()
		answers = [self.status(wamid, status, digits).status_code for status in ("sent", "delivered")]
		self.assertEqual(answers, [200, 429])
		run_queued_webhook_jobs()

	def test_erasing_her_data_deletes_the_raw_deliveries_that_name_her_number(self):
		from jewel_clienteling.services import privacy

		_name, wamid, digits = self.sent_message()
		_other, other_wamid, other_digits = self.sent_message()
		self.status(wamid, "delivered", digits)
		self.post(inbound_text_payload(digits, "Please forget me", phone_number_id="4242"))
		self.status(other_wamid, "delivered", other_digits)
		run_queued_webhook_jobs()
		customer = frappe.db.get_value("Customer", {"mobile_no": "+" + digits})
		summary = privacy.erase(customer)
		frappe.db.commit()  # nosemgrep
		self.assertEqual(summary["webhook_events_deleted"], 2)
		self.assertEqual(self.events(wamid), [])
		self.assertEqual(frappe.db.count(EVENT, {"payload": ["like", f'%"{digits}"%']}), 0)
		self.assertEqual(len(self.events(other_wamid)), 1, "another customer's delivery stays")
