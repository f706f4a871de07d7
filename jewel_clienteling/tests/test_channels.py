"""Every channel behind one interface, on the real site: email through Frappe's email queue, SMS
through ERPNext's SMS Settings to a real local gateway on 127.0.0.1, WhatsApp drained by two worker
processes at once, and a campaign to many customers that reports progress and can be stopped."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, formatdate, now_datetime, nowdate

from jewel_clienteling.api import outreach as outreach_api
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import campaigns, channels, whatsapp
from jewel_clienteling.testing.sms_gateway import SMSGateway
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.utils import (
	committed_settings,
	plan_outreach,
	run_in_bench,
	send_at_any_hour,
	whatsapp_template,
)

TOKEN = "test-access-token"  # noqa: S105 - the stand-in server's token
OUTREACH = "Client Outreach"


def phone() -> str:
	return "+9197" + str(abs(hash(frappe.generate_hash())) % 10**8).zfill(8)


def row(name: str) -> frappe._dict:
	frappe.db.rollback()  # see what the drain committed
	return frappe.db.get_value(
		OUTREACH,
		name,
		["status", "channel", "attempts", "error_code", "next_attempt_on", "message", "skip_reason"],
		as_dict=True,
	)


class ChannelTestCase(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.set_single_value("Clienteling WhatsApp Settings", "enabled", 0)
		frappe.db.commit()  # nosemgrep
		send_at_any_hour(self)

	def settings(self, doctype: str, **values) -> None:
		old = committed_settings(doctype, **values)
		self.addCleanup(committed_settings, doctype, **old)

	def associate_queue(self) -> set[str]:
		return {item.name for group in outreach_api.today(limit=1000)["groups"] for item in group["outreach"]}


class TestEmailAndSMS(ChannelTestCase):
	def test_email_outreach_goes_through_frappes_email_queue_once_and_only_with_consent(self):
		if not frappe.db.exists("Email Account", "JC Store Outgoing"):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "JC Store Outgoing",
					"email_id": "store@jc.test",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "127.0.0.1",
					"smtp_port": 2525,
					"no_smtp_authentication": 1,
				}
			).insert()

		def remove_account():
			frappe.delete_doc("Email Account", "JC Store Outgoing", force=True)
			frappe.db.commit()  # nosemgrep

		self.addCleanup(remove_account)
		self.settings("Clienteling Settings", send_email_automatically=1)
		address = f"{frappe.generate_hash(length=8)}@example.com"
		customer = fx.make_customer(email_id=address, jc_email_opt_in=1, jc_preferred_channel="Email")
		name = plan_outreach(customer)
		self.assertEqual(row(name).channel, "Email")
		self.assertNotIn(name, self.associate_queue(), "a job sends it: it does not wait for an associate")

		channels.drain_others(max_seconds=10)
		sent = row(name)
		self.assertEqual(sent.status, "Sent")
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": OUTREACH, "reference_name": name},
			fields=["name", "message"],
		)
		self.assertEqual(len(queued), 1)
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient"
		)
		self.assertEqual(recipients, [address])
		# the email is a Communication on the outreach, so Frappe's read tracking can mark it read
		communication = frappe.db.get_value("Email Queue", queued[0].name, "communication")
		self.assertEqual(
			frappe.db.get_value("Communication", communication, ["reference_doctype", "reference_name"]),
			(OUTREACH, name),
		)
		from frappe.core.doctype.communication.email import update_communication_as_read

		update_communication_as_read(communication)  # what the tracking pixel does when she opens it
		self.assertEqual(frappe.db.get_value("Communication", communication, "read_by_recipient"), 1)
		channels.drain_others(max_seconds=5)
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": name}), 1, "never twice")

		# she withdraws email consent after the message was planned: it is not sent
		later = plan_outreach(customer)
		frappe.db.set_value("Customer", customer, "jc_email_opt_in", 0)
		frappe.db.commit()  # nosemgrep
		channels.drain_others(max_seconds=5)
		self.assertEqual(row(later).status, "Skipped")
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": later}), 0)

	def test_sms_goes_through_the_sms_settings_gateway_and_a_busy_gateway_is_retried(self):
		gateway = SMSGateway().start()
		self.addCleanup(gateway.stop)
		sms = frappe.get_single("SMS Settings")
		old = (sms.sms_gateway_url, sms.message_parameter, sms.receiver_parameter, sms.use_post)
		sms.update(
			{
				"sms_gateway_url": gateway.url,
				"message_parameter": "text",
				"receiver_parameter": "to",
				"use_post": 1,
			}
		)
		sms.save()

		def restore():
			frappe.db.set_single_value(
				"SMS Settings",
				dict(
					zip(
						("sms_gateway_url", "message_parameter", "receiver_parameter", "use_post"),
						old,
						strict=True,
					)
				),
			)
			frappe.db.commit()  # nosemgrep

		self.addCleanup(restore)
		self.settings("Clienteling Settings", send_sms_automatically=1)
		number = phone()
		customer = fx.make_customer(mobile_no=number, jc_sms_opt_in=1, jc_preferred_channel="SMS")
		name = plan_outreach(customer)
		planned = row(name)
		self.assertEqual(planned.channel, "SMS")

		gateway.fail_for(number, 1, 503)
		channels.drain_others(max_seconds=10)
		waiting = row(name)
		self.assertEqual((waiting.status, waiting.attempts, waiting.error_code), ("Due", 1, "503"))
		self.assertGreater(waiting.next_attempt_on, now_datetime())
		self.assertEqual(gateway.sent_to(number), [])

		frappe.db.set_value(OUTREACH, name, "next_attempt_on", add_to_date(now_datetime(), seconds=-1))
		frappe.db.commit()  # nosemgrep: as if the back-off had passed
		channels.drain_others(max_seconds=10)
		self.assertEqual(row(name).status, "Sent")
		self.assertEqual(gateway.sent_to(number), [{"to": number, "text": planned.message}])
		self.assertTrue(frappe.db.exists("SMS Log", {"requested_numbers": number}))

		# a gateway that refuses the request itself (4xx) is not retried blindly
		refused = plan_outreach(
			customer,
			outreach_rules.POINTS_EXPIRING,
			outreach_rules.POINTS_EXPIRING,
			{"points": 120, "expiry_date": formatdate(add_days(nowdate(), 30))},
		)
		self.assertNotIn("on .", row(refused).message, "a complete draft, so the sender takes it")
		gateway.fail_for(number, 1, 400)
		channels.drain_others(max_seconds=10)
		self.assertEqual((row(refused).status, row(refused).error_code), ("Failed", "400"))

	def test_channels_that_do_not_send_by_themselves_leave_the_message_to_the_associate(self):
		customer = fx.make_customer(mobile_no=phone(), jc_sms_opt_in=1, jc_preferred_channel="SMS")
		name = plan_outreach(customer)
		self.assertIn(name, self.associate_queue())
		channels.drain_others(max_seconds=5)
		self.assertEqual(row(name).status, "Due", "nobody switched SMS on: the associate sends it")


class TestWhatsAppWorkers(ChannelTestCase):
	def setUp(self):
		super().setUp()
		self.api = CloudAPIServer(token=TOKEN, phone_number_id="5151").start()
		self.addCleanup(self.api.stop)
		config = frappe.get_single("Clienteling WhatsApp Settings")
		config.update(
			{
				"enabled": 1,
				"phone_number_id": "5151",
				"graph_url": self.api.base_url,
				"access_token": TOKEN,
				"app_secret": "secret",
				"messages_per_second": 80,
				"recipient_gap_seconds": 6,
			}
		)
		config.save()
		self.template = whatsapp_template("jc_campaign_preview", "Campaign", ["first_name", "campaign"])
		whatsapp_template("jc_birthday_wishes", "Occasion", ["first_name", "occasion_type"])
		frappe.db.commit()  # nosemgrep: the workers read them

		def switch_off():
			frappe.db.set_single_value("Clienteling WhatsApp Settings", "enabled", 0)
			frappe.db.commit()  # nosemgrep

		self.addCleanup(switch_off)

	def test_two_workers_draining_at_once_send_every_message_exactly_once(self):
		numbers = [phone() for _ in range(24)]
		names = [
			plan_outreach(fx.make_customer(mobile_no=number, jc_whatsapp_opt_in=1)) for number in numbers
		]
		workers = [
			run_in_bench("jewel_clienteling.services.whatsapp.drain", max_seconds=30) for _ in range(2)
		]
		for worker in workers:
			output, _ = worker.communicate(timeout=120)
			self.assertEqual(worker.returncode, 0, output)
		for number in numbers:
			self.assertEqual(len(self.api.sent_to(number)), 1, number)
		frappe.db.rollback()
		self.assertEqual(
			set(frappe.get_all(OUTREACH, filters={"name": ["in", names]}, pluck="status")), {"Sent"}
		)

	def test_a_campaign_plans_only_consenting_customers_shows_progress_sends_and_can_be_stopped(self):
		group = self.customer_group()
		opted_in = [
			fx.make_customer(mobile_no=phone(), jc_whatsapp_opt_in=1, customer_group=group) for _ in range(3)
		]
		no_consent = fx.make_customer(mobile_no=phone(), customer_group=group)
		do_not_contact = fx.make_customer(
			mobile_no=phone(), jc_whatsapp_opt_in=1, jc_do_not_contact=1, customer_group=group
		)
		campaign = self.campaign(group)
		self.assertEqual(campaign.audience_count, 5)

		campaigns.start(campaign.name)
		frappe.db.commit()  # nosemgrep: as the button's request does
		done = campaigns.run(campaign.name, page=2)
		self.assertEqual(
			(done["status"], done["processed"], done["planned"], done["skipped"], done["percent"]),
			("Completed", 5, 3, 2, 100.0),
		)
		skipped = frappe.get_all(
			OUTREACH,
			filters={"reference_name": campaign.name, "status": "Skipped"},
			pluck="customer",
		)
		self.assertEqual(sorted(skipped), sorted([no_consent, do_not_contact]))

		frappe.db.set_value(OUTREACH, {"reference_name": campaign.name}, "send_after", None)
		frappe.db.commit()  # nosemgrep: as if her quiet hours were over
		whatsapp.drain(max_seconds=10)
		for customer in opted_in:
			(body,) = self.api.sent_to(frappe.db.get_value("Customer", customer, "mobile_no"))
			self.assertEqual(body["template"]["name"], "jc_campaign_preview")
			self.assertEqual(
				body["template"]["components"][0]["parameters"][1]["text"], campaign.campaign_name
			)
		self.assertEqual(campaigns.progress(campaign.name)["messages"], {"Sent": 3, "Skipped": 2})
		campaigns.run(campaign.name)  # run again: nobody is planned twice
		self.assertEqual(frappe.db.count(OUTREACH, {"reference_name": campaign.name}), 5)

	def test_stopping_a_campaign_halfway_plans_no_more_and_withdraws_what_has_not_gone_out(self):
		frappe.db.set_single_value(
			"Clienteling WhatsApp Settings", "enabled", 0
		)  # nothing goes out by itself here
		frappe.db.commit()  # nosemgrep
		group = self.customer_group()
		for _ in range(4):
			fx.make_customer(mobile_no=phone(), jc_whatsapp_opt_in=1, customer_group=group)
		campaign = self.campaign(group)
		campaigns.start(campaign.name)
		frappe.db.commit()  # nosemgrep
		halfway = campaigns.run(campaign.name, page=2, pages=1)
		self.assertEqual((halfway["processed"], halfway["percent"]), (2, 50.0))

		self.assertEqual(campaigns.stop(campaign.name), 2)
		frappe.db.commit()  # nosemgrep
		after = campaigns.run(campaign.name)
		self.assertEqual((after["status"], after["processed"]), ("Stopped", 2))
		self.assertEqual(after["messages"], {"Skipped": 2})
		reasons = set(
			frappe.get_all(OUTREACH, filters={"reference_name": campaign.name}, pluck="skip_reason")
		)
		self.assertEqual(reasons, {"The campaign was stopped."})
		with self.assertRaises(frappe.ValidationError):
			campaigns.stop(campaign.name)

	def customer_group(self) -> str:
		name = f"JC Campaign {frappe.generate_hash(length=6)}"
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": name,
				"parent_customer_group": "All Customer Groups",
			}
		).insert()
		return name

	def campaign(self, group: str):
		doc = frappe.get_doc(
			{
				"doctype": "Client Campaign",
				"campaign_name": f"Dhanteras preview {frappe.generate_hash(length=4)}",
				"send_on": nowdate(),
				"whatsapp_template": self.template,
				"customer_group": group,
			}
		).insert()
		frappe.db.commit()  # nosemgrep
		return doc
