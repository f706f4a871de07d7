"""Her rhythm asked again at the moment a message goes, and a word back when her reply changes it, on
the real site with the local stand-in of the Cloud API (testing/whatsapp_server.py):

- an associate sends by hand, days after it was planned, a marketing message that another message
  has since come too close to (within her rhythm, else the store's cap): it does not go, it is
  Skipped with the frequency cap's reason, and she is told why; outside the gap it goes; a message
  about her own points is never held; the WhatsApp sender asks the same rule;
- her reply "LESS" (a signed webhook, replayed) is answered once, in free text inside her window; a
  reply that changes nothing, or any after her STOP, is answered by nothing."""

import time
from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, getdate, now_datetime, nowdate

from jewel_clienteling.api import outreach as outreach_api
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services import rhythm_reply, whatsapp
from jewel_clienteling.services.outreach import skip_text
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload, signed
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.test_whatsapp import SECRET, TOKEN, WEBHOOK, use_test_settings
from jewel_clienteling.tests.utils import (
	committed_settings,
	request,
	run_queued_webhook_jobs,
	send_at_any_hour,
	whatsapp_template,
)

HELD = skip_text(outreach_rules.SKIP_FREQUENCY_CAP)


class TestHerRhythmAtTheMomentOfSending(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		send_at_any_hour(self)
		old = committed_settings("Clienteling Settings", frequency_cap_days=14, utility_needs_opt_in=0)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		self.api = CloudAPIServer(token=TOKEN, phone_number_id="4242").start()
		self.addCleanup(self.api.stop)
		use_test_settings(self, self.api.base_url)
		frappe.db.set_single_value("Clienteling WhatsApp Settings", "recipient_gap_seconds", 0.001)
		# the sender takes a reason only when it has an approved template (inside her window the drafted
		# text goes instead)
		ours = [
			whatsapp_template("jc_rhythm_late_care", outreach_rules.POST_PURCHASE, ["first_name"]),
			whatsapp_template("jc_rhythm_late_points", outreach_rules.POINTS_EXPIRING, ["first_name"]),
		]
		frappe.db.commit()  # nosemgrep: the senders and webhook requests run in their own transactions

		def disable():
			frappe.db.set_value("Clienteling WhatsApp Template", {"name": ("in", ours)}, "enabled", 0)
			frappe.db.commit()  # nosemgrep

		self.addCleanup(disable)

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- her, and what reached her --------------------------------------------------------------

	def customer(self, **fields) -> str:
		name = fx.make_customer(
			mobile_no="+91" + unique_mobile(),
			jc_whatsapp_opt_in=1,
			jc_preferred_associate=fx.ASSOCIATE,
			**fields,
		)
		frappe.db.commit()  # nosemgrep: the webhook's requests must find her
		return name

	def outreach(self, customer: str, days_ago: int, **fields) -> str:
		"""An outreach for her planned `days_ago` days ago (a check-in on her pieces' care, which reads
		well for a month), or, with `status` and `sent_on`, one that reached her."""
		due = getdate(nowdate()) - timedelta(days=days_ago)
		values = {
			"doctype": "Client Outreach",
			"customer": customer,
			"reason": outreach_rules.POST_PURCHASE,
			"step": "Care",
			"status": lifecycle.DUE,
			"due_date": due,
			"channel": "Manual",
			"assigned_to": fx.ASSOCIATE,
			"phone": frappe.db.get_value("Customer", customer, "mobile_no"),
			"message": "How is the necklace wearing? Pearls like a soft cloth, never water.",
			**fields,
		}
		name = frappe.get_doc(values).insert(ignore_permissions=True).name
		frappe.db.commit()  # nosemgrep: the senders run in their own transactions
		return name

	def reached(self, customer: str, days_ago: int) -> str:
		"""A campaign message that reached her `days_ago` days ago (delivered)."""
		return self.outreach(
			customer,
			days_ago,
			reason=outreach_rules.CAMPAIGN,
			step="",
			status=lifecycle.DELIVERED,
			channel="WhatsApp",
			sent_on=add_to_date(now_datetime(), days=-days_ago),
		)

	def send_by_hand(self, name: str, sending: bool = True) -> dict:
		"""The associate presses "Open WhatsApp and Mark Done" (`sending`), or records a call."""
		frappe.set_user(fx.ASSOCIATE)
		frappe.local.message_log = []
		try:
			result = outreach_api.mark_done(name, message="Checking in on your pearls!", sending=sending)
			frappe.db.commit()  # nosemgrep: as her request commits it
			return result
		finally:
			frappe.set_user("Administrator")

	def status(self, name: str) -> tuple[str, str | None]:
		frappe.db.rollback()  # see what the senders committed
		return tuple(frappe.db.get_value("Client Outreach", name, ["status", "skip_reason"]))

	# --- gap 1: a late send -----------------------------------------------------------------------

	def test_a_late_send_by_hand_is_held_when_another_message_reached_her_within_her_rhythm(self):
		# monthly: a campaign reached her 20 days ago, which the store's fortnight would let pass
		monthly = self.customer(jc_contact_rhythm=rhythm.MONTHLY)
		self.reached(monthly, 20)
		late = self.outreach(monthly, 9)
		result = self.send_by_hand(late)
		self.assertEqual(result["status"], lifecycle.SKIPPED)
		self.assertIn("30 days", result["held"])
		self.assertIn(result["held"], [m.get("message") for m in frappe.local.message_log])
		self.assertEqual(self.status(late), (lifecycle.SKIPPED, HELD))
		self.assertIn("frequency cap", HELD)
		# a call the associate already made is recorded as it happened, her rhythm or not
		called = self.outreach(monthly, 9)
		self.assertEqual(self.send_by_hand(called, sending=False)["status"], lifecycle.DONE)
		self.assertEqual(self.status(called)[0], lifecycle.DONE)
		# the store's fortnight, her own rhythm not set: ten days ago is too close, twenty is not
		store = self.customer()
		self.reached(store, 10)
		self.assertEqual(self.send_by_hand(self.outreach(store, 9))["status"], lifecycle.SKIPPED)
		allowed = self.customer()
		self.reached(allowed, 20)
		late = self.outreach(allowed, 9)
		self.assertEqual(self.send_by_hand(late)["status"], lifecycle.DONE)
		self.assertEqual(self.status(late), (lifecycle.DONE, None))
		# outside her month it goes; weekly, ten days on goes where the store's cap would hold it
		for her_rhythm, days_ago in ((rhythm.MONTHLY, 35), (rhythm.WEEKLY, 10)):
			her = self.customer(jc_contact_rhythm=her_rhythm)
			self.reached(her, days_ago)
			self.assertEqual(self.send_by_hand(self.outreach(her, 9))["status"], lifecycle.DONE, her_rhythm)
		# what never reached her (skipped, failed) holds nothing
		skipped = self.customer(jc_contact_rhythm=rhythm.MONTHLY)
		self.outreach(skipped, 3, status=lifecycle.SKIPPED, skip_reason="She was travelling.")
		self.assertEqual(self.send_by_hand(self.outreach(skipped, 9))["status"], lifecycle.DONE)

	def test_a_message_about_her_own_points_is_never_held(self):
		her = self.customer(jc_contact_rhythm=rhythm.THREE_MONTHS)
		self.reached(her, 1)
		points = self.outreach(
			her,
			2,
			reason=outreach_rules.POINTS_EXPIRING,
			step="",
			reference_doctype="Customer",
			reference_name=her,
		)
		self.assertEqual(frappe.db.get_value("Client Outreach", points, "purpose"), outreach_rules.UTILITY)
		self.assertEqual(self.send_by_hand(points)["status"], lifecycle.DONE)
		# nor by the sender: inside her window it goes as the drafted text
		frappe.db.set_value("Customer", her, "jc_whatsapp_last_inbound", now_datetime())
		by_sender = self.outreach(
			her,
			0,
			reason=outreach_rules.POINTS_EXPIRING,
			step="",
			reference_doctype="Customer",
			reference_name=her,
			channel="WhatsApp",
		)
		whatsapp.drain(max_seconds=10)
		self.assertEqual(self.status(by_sender)[0], lifecycle.SENT)
		self.assertEqual(len(self.api.sent_to(frappe.db.get_value("Customer", her, "mobile_no"))), 1)

	def test_the_whatsapp_sender_holds_it_by_the_same_rule(self):
		crowded, free = self.customer(jc_contact_rhythm=rhythm.MONTHLY), self.customer()
		self.reached(crowded, 5)
		self.reached(free, 40)
		rows = {}
		for her in (crowded, free):
			frappe.db.set_value("Customer", her, "jc_whatsapp_last_inbound", now_datetime())
			rows[her] = self.outreach(her, 2, channel="WhatsApp", assigned_to=None)
		whatsapp.drain(max_seconds=10)
		self.assertEqual(self.status(rows[crowded]), (lifecycle.SKIPPED, HELD))
		self.assertEqual(self.api.sent_to(frappe.db.get_value("Customer", crowded, "mobile_no")), [])
		self.assertEqual(self.status(rows[free])[0], lifecycle.SENT)
		(body,) = self.api.sent_to(frappe.db.get_value("Customer", free, "mobile_no"))
		self.assertEqual(body["type"], "text")

	# --- gap 2: a word back when her reply changes her rhythm ---------------------------------------

	def webhook(self, payload: dict) -> int:
		raw, headers = signed(SECRET, payload)
		response = request("post", WEBHOOK, data=raw, headers=headers)
		run_queued_webhook_jobs()
		return response.status_code

	def confirmations(self, customer: str) -> list:
		frappe.db.rollback()
		return frappe.get_all(
			"Client Outreach",
			filters={"customer": customer, "reason": outreach_rules.RHYTHM_CONFIRMED},
			fields=["name", "status", "purpose", "reference_name", "message"],
		)

	def test_less_is_confirmed_once_nothing_for_a_reply_that_changes_nothing_or_after_stop(self):
		her = self.customer()
		phone = frappe.db.get_value("Customer", her, "mobile_no")
		digits = phone.lstrip("+")
		less = inbound_text_payload(digits, "LESS", timestamp=time.time())
		self.assertEqual([self.webhook(less), self.webhook(less)], [200, 200])  # Meta delivers it twice
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_contact_rhythm"), rhythm.MONTHLY)
		(queued,) = self.confirmations(her)
		self.assertEqual(queued.purpose, outreach_rules.UTILITY)
		# the table's unique key: confirming the same reply again queues nothing
		message_id = less["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
		again = rhythm_reply.confirm(her, rhythm.MONTHLY, queued.reference_name, message_id, phone)
		self.assertIsNone(again)
		whatsapp.drain(max_seconds=10)
		whatsapp.drain(max_seconds=5)
		(body,) = self.api.sent_to(phone)
		self.assertEqual(body["type"], "text")
		self.assertEqual(body["text"]["body"], rhythm_reply.confirmation_text(rhythm.MONTHLY))
		self.assertIn("about once a month", body["text"]["body"])
		self.assertEqual(self.confirmations(her)[0].status, lifecycle.SENT)
		# not marketing: a message sent by hand now is not held by it (no other message reached her)
		self.assertEqual(self.send_by_hand(self.outreach(her, 3))["status"], lifecycle.DONE)

		# "MONTHLY" when she is monthly already, and a sentence: nothing changes, nothing is sent
		for n, text in enumerate(("MONTHLY", "Thank you!"), start=1):
			self.webhook(inbound_text_payload(digits, text, timestamp=time.time() + 60 * n))
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_contact_rhythm"), rhythm.MONTHLY)
		self.assertEqual(len(self.confirmations(her)), 1)

		# after her STOP: "MORE" still sets her rhythm, but no word is sent back
		self.webhook(inbound_text_payload(digits, "STOP", timestamp=time.time() + 300))
		self.webhook(inbound_text_payload(digits, "MORE", timestamp=time.time() + 360))
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_whatsapp_opt_in"), 0)
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_contact_rhythm"), rhythm.FORTNIGHTLY)
		self.assertEqual(len(self.confirmations(her)), 1)
		whatsapp.drain(max_seconds=5)
		self.assertEqual(len(self.api.sent_to(phone)), 1)

	def test_a_confirmation_queued_before_her_stop_is_not_sent_after_it(self):
		her = self.customer(jc_contact_rhythm=rhythm.MONTHLY)
		phone = frappe.db.get_value("Customer", her, "mobile_no")
		digits = phone.lstrip("+")
		# both arrive before the sender runs: "WEEKLY", then STOP
		self.webhook(inbound_text_payload(digits, "WEEKLY", timestamp=time.time()))
		self.webhook(inbound_text_payload(digits, "STOP", timestamp=time.time() + 60))
		(queued,) = self.confirmations(her)
		whatsapp.drain(max_seconds=5)
		self.assertEqual(self.api.sent_to(phone), [])
		self.assertEqual(self.status(queued.name)[0], lifecycle.SKIPPED)
