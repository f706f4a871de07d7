"""Her rhythm as she sets it: at the counter, on her form and by her reply, the latest word winning;
kept in her privacy export and gone with her erasure."""

import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from jewel_clienteling.domain import rhythm
from jewel_clienteling.services import privacy, webhook
from jewel_clienteling.testing.whatsapp_webhooks import inbound_text_payload
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import unique_mobile
from jewel_clienteling.tests.utils import ASSOCIATE_USER, as_request, make_role_users, plan_outreach


class TestSettingHerRhythm(FrappeTestCase):
	def test_at_the_counter_on_her_form_and_by_her_reply_her_latest_word_wins(self):
		make_role_users()
		mobile = "+91" + unique_mobile()
		her = fx.make_customer(mobile_no=mobile, jc_whatsapp_opt_in=1)
		# two greetings waiting for her, which the store's cap lets through (one topic)
		waiting = [plan_outreach(her), plan_outreach(her)]
		method = "jewel_clienteling.api.rhythm.set_rhythm"
		chosen = dict(customer=her, how_often=rhythm.MONTHLY, time_of_day=rhythm.MORNING, channel="WhatsApp")
		self.assertIsNone(as_request(ASSOCIATE_USER, "POST", method, keep=True, **chosen))
		self.assertIsInstance(as_request(ASSOCIATE_USER, "GET", method, **chosen), frappe.PermissionError)
		refused = as_request(ASSOCIATE_USER, "POST", method, **{**chosen, "how_often": "Daily"})
		self.assertIsInstance(refused, frappe.ValidationError)
		fields = ["jc_contact_rhythm", "jc_preferred_time", "jc_preferred_channel", "jc_rhythm_set_on"]
		counter = frappe.db.get_value("Customer", her, fields, as_dict=True)
		self.assertEqual(
			(counter.jc_contact_rhythm, counter.jc_preferred_time, counter.jc_preferred_channel),
			(rhythm.MONTHLY, rhythm.MORNING, "WhatsApp"),
		)
		# monthly now: one of the two waits on, the other is withdrawn with the cap's reason
		statuses = sorted(
			frappe.db.get_value("Client Outreach", name, ["status", "skip_reason"]) for name in waiting
		)
		self.assertEqual([status for status, _reason in statuses], ["Due", "Skipped"])
		self.assertIn("frequency cap", statuses[1][1])
		# a reply she sent an hour before the counter's choice, delivered late, never undoes it
		webhook.process(inbound_text_payload(mobile, "WEEKLY", timestamp=time.time() - 3600))
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_contact_rhythm"), rhythm.MONTHLY)
		# a sentence that merely says the word changes nothing
		webhook.process(
			inbound_text_payload(mobile, "Weekly visits are hard for me", timestamp=time.time() + 60)
		)
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_contact_rhythm"), rhythm.MONTHLY)
		webhook.process(inbound_text_payload(mobile, "Weekly!", timestamp=time.time() + 120))
		self.assertEqual(frappe.db.get_value("Customer", her, "jc_contact_rhythm"), rhythm.WEEKLY)
		# on her form: the choice is dated, so an older reply will not undo it either
		doc = frappe.get_doc("Customer", her)
		doc.jc_contact_rhythm = rhythm.TWO_MONTHS
		doc.save()
		self.assertGreater(get_datetime(doc.jc_rhythm_set_on), get_datetime(counter.jc_rhythm_set_on))
		# what she chose is hers: in the privacy export, and gone with the erasure
		exported = privacy.export(her)["customer"]
		self.assertEqual(
			(exported["jc_contact_rhythm"], exported["jc_preferred_time"]),
			(rhythm.TWO_MONTHS, rhythm.MORNING),
		)
		privacy.erase(her)
		self.assertEqual(
			frappe.db.get_value(
				"Customer", her, ["jc_contact_rhythm", "jc_preferred_time", "jc_rhythm_set_on"]
			),
			(None, None, None),
		)
