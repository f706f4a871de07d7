"""Segments from the manager's side: the preview a manager sees before saving, and a campaign to a
segment (who is planned, who is not)."""

import json

import frappe

from jewel_clienteling.api import segments as api
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.services import campaigns, segments
from jewel_clienteling.services.outreach import skip_text
from jewel_clienteling.tests.test_outreach import customer
from jewel_clienteling.tests.test_permissions import ASSOCIATE, MANAGER, call, make_users
from jewel_clienteling.tests.test_segments import (
	OUTREACH,
	RING,
	SegmentTestCase,
	bought,
	make_segment,
	rule,
)
from jewel_clienteling.tests.utils import plan_outreach


class TestSegmentAPI(SegmentTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_preview_counts_and_lists_the_first_customers_saved_or_not(self):
		bought(customer(), (RING, 20000, 10))
		segment = make_segment(
			rule("Purchases", "exactly", "1"), rule("Days since last purchase", "at most", "10")
		)
		frappe.set_user(MANAGER)
		saved = api.preview(segment.name)
		self.assertEqual(saved["count"], segments.count(segment))
		self.assertEqual(len(saved["rows"]), min(saved["count"], segments.PREVIEW_ROWS))
		self.assertEqual(
			[row.name for row in saved["rows"]], segments.members(segment, limit=segments.PREVIEW_ROWS)
		)
		self.assertTrue(saved["rows"], "she bought once, ten days ago")
		self.assertEqual(
			set(saved["rows"][0]),
			{"name", "customer_name", "lifecycle_stage", "lifetime_value", "last_purchase_date"},
		)

		unsaved = [rule("Purchases", "exactly", "1"), rule("Purchases", "at least", "2")]
		self.assertEqual(
			api.preview("new-client-segment-1", json.dumps(unsaved)),
			{"count": 0, "rows": [], "shown": 0, "lead_count": 0, "lead_rows": []},  # no lead buys
		)
		with self.assertRaises(frappe.ValidationError):
			api.preview("new-client-segment-1", json.dumps([rule("Purchases", "exactly", "-1")]))

	def test_a_manager_makes_a_campaign_from_a_segment_and_an_associate_may_not(self):
		segment = make_segment(rule("Purchases", "exactly", "1"))
		refused = call(ASSOCIATE, "POST", "segments.make_campaign", segment=segment.name)
		self.assertIsInstance(refused, frappe.PermissionError)
		frappe.set_user(MANAGER)
		name = api.make_campaign(segment.name)
		campaign = frappe.get_doc("Client Campaign", name)
		self.assertEqual((campaign.segment, campaign.status), (segment.name, "Draft"))
		self.assertEqual(campaign.audience_count, segments.count(segment))


class TestCampaignToASegment(SegmentTestCase):
	"""The campaign's job commits page by page, as in production."""

	def test_only_members_who_agreed_and_are_not_capped_are_planned(self):
		usual = {"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})}
		group = frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"JC Segment {frappe.generate_hash(length=6)}",
				"parent_customer_group": "All Customer Groups",
			}
		).insert()
		ours = {"customer_group": group.name}
		agreed = bought(customer(**ours), (RING, 20000, 10))
		capped = bought(customer(**ours), (RING, 20000, 10))
		no_consent = bought(customer(consent=False, **ours), (RING, 20000, 10))
		repeat = bought(customer(**ours), (RING, 20000, 40), (RING, 20000, 10))
		other_group = bought(customer(**usual), (RING, 20000, 10))
		# a birthday reminder already goes to her today: the campaign would crowd her
		plan_outreach(capped)

		name = api.make_campaign("First-time buyers")
		campaign = frappe.get_doc("Client Campaign", name)
		campaign.customer_group = group.name
		campaign.save()
		self.assertEqual(campaigns.audience(campaign), sorted([agreed, capped, no_consent]))
		self.assertEqual(campaign.audience_count, 3)

		campaigns.start(name)
		frappe.db.commit()  # nosemgrep: as the button's request does
		done = campaigns.run(name, page=2)
		self.assertEqual(
			(done["status"], done["processed"], done["planned"], done["skipped"]), ("Completed", 3, 1, 2)
		)
		planned = {
			row.customer: row
			for row in frappe.get_all(
				OUTREACH,
				filters={"reference_name": name},
				fields=["customer", "status", "skip_reason", "channel"],
			)
		}
		self.assertEqual(set(planned), {agreed, capped, no_consent})
		self.assertNotIn(repeat, planned)
		self.assertNotIn(other_group, planned)
		self.assertIn(planned[agreed].status, ("Planned", "Due"))
		self.assertEqual(planned[agreed].channel, "WhatsApp")
		self.assertEqual(planned[capped].status, "Skipped")
		self.assertEqual(planned[capped].skip_reason, skip_text(outreach_rules.SKIP_FREQUENCY_CAP))
		self.assertEqual(planned[no_consent].status, "Skipped")
		self.assertEqual(planned[no_consent].skip_reason, skip_text(outreach_rules.SKIP_NO_CONSENT))
