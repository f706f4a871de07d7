"""A drafted message with a word missing never reaches her by itself: it waits in the associate's
Today queue with the reason, and no sender takes it; the same message with every word goes out."""

import frappe

from jewel_clienteling.api import outreach as outreach_api
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import channels
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_channels import OUTREACH, ChannelTestCase
from jewel_clienteling.tests.utils import plan_outreach

ACCOUNT = "JC Held Drafts Outgoing"
LAPSING = "Dear {{ first_name }}, your {{ points }} points lapse on {{ expiry_date }}. Do visit us before."


class TestADraftWithAWordMissing(ChannelTestCase):
	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Email Account", ACCOUNT):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": ACCOUNT,
					"email_id": "held@jc.test",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "127.0.0.1",
					"smtp_port": 2525,
					"no_smtp_authentication": 1,
				}
			).insert()
		template = frappe.get_doc(
			{
				"doctype": "Outreach Template",
				"template_name": f"JC lapsing {frappe.generate_hash(length=8)}",
				"reason": outreach_rules.POINTS_EXPIRING,
				"message": LAPSING,
				"enabled": 1,
			}
		).insert()
		self.template = template.name
		frappe.db.commit()  # nosemgrep: the drain runs in its own transactions
		self.addCleanup(self.remove, template.name)
		self.settings("Clienteling Settings", send_email_automatically=1)
		self.assertIn(outreach_rules.EMAIL, channels.automatic_channels())

	def remove(self, template: str):
		frappe.db.rollback()
		frappe.delete_doc("Outreach Template", template, force=True)
		frappe.delete_doc("Email Account", ACCOUNT, force=True)
		frappe.db.commit()  # nosemgrep

	def plan(self, **context) -> str:
		address = f"{frappe.generate_hash(length=8)}@example.com"
		customer = fx.make_customer(
			email_id=address,
			jc_email_opt_in=1,
			jc_preferred_channel="Email",
			jc_preferred_associate=fx.ASSOCIATE,
		)
		return plan_outreach(
			customer, outreach_rules.POINTS_EXPIRING, "", {"outreach_template": self.template, **context}
		)

	def outreach(self, name: str) -> frappe._dict:
		frappe.db.rollback()  # see what the drain committed
		return frappe.db.get_value(
			OUTREACH, name, ["status", "channel", "message", "held_reason", "template"], as_dict=True
		)

	def queue(self, user: str = fx.ASSOCIATE) -> dict[str, frappe._dict]:
		frappe.set_user(user)
		try:
			groups = outreach_api.today(limit=1000)["groups"]
		finally:
			frappe.set_user("Administrator")
		return {item.name: item for group in groups for item in group["outreach"]}

	def test_it_waits_in_the_associates_queue_with_the_reason_and_no_sender_takes_it(self):
		name = self.plan(points=120)
		held = self.outreach(name)
		self.assertEqual(
			(held.status, held.channel, held.template), ("Due", outreach_rules.EMAIL, self.template)
		)
		self.assertIn("lapse on .", held.message)
		self.assertIn("expiry_date", held.held_reason)

		waiting = self.queue().get(name)
		self.assertIsNotNone(waiting, "an automatic channel, yet it waits for the associate")
		self.assertEqual(waiting.held_reason, held.held_reason)

		channels.drain_others(max_seconds=5)
		self.assertEqual(self.outreach(name).status, "Due", "no sender takes it")
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": name}), 0)

		# the associate puts the date in and sends it herself
		frappe.set_user(fx.ASSOCIATE)
		try:
			outreach_api.mark_done(name, held.message.replace("lapse on .", "lapse on 31 December."))
		finally:
			frappe.set_user("Administrator")
		done = frappe.db.get_value(OUTREACH, name, ["status", "message"], as_dict=True)  # not committed
		self.assertEqual(done.status, "Done")
		self.assertIn("lapse on 31 December.", done.message)

	def test_the_same_message_with_every_word_goes_out_by_itself(self):
		name = self.plan(points=120, expiry_date="31 December")
		whole = self.outreach(name)
		self.assertFalse(whole.held_reason)
		self.assertTrue(whole.message.endswith("lapse on 31 December. Do visit us before."))
		self.assertNotIn(name, self.queue(), "a job sends it: nobody needs to")
		channels.drain_others(max_seconds=5)
		self.assertEqual(self.outreach(name).status, "Sent")
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": name}), 1)
