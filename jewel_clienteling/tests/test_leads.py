"""Enquiries on ERPNext's own Lead, on a real site: its sources, its stage moving only as the rules
allow, its age, her mobile's key; a walk-in who did not buy kept as a lead rather than a customer;
and her purchase winning the lead, her customer carrying over her visits, wishlist, consent,
referral, messages and appointments."""

import frappe
from erpnext.crm.doctype.lead.lead import make_customer, make_quotation
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime, nowdate

from jewel_clienteling.api.leads import mark_won
from jewel_clienteling.api.walk_ins import record_walk_in
from jewel_clienteling.domain.leads import SOURCES, STAGE_LOST, STAGE_VISITED, STAGE_WON
from jewel_clienteling.services import leads, sync
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import unique_mobile

RING = "JC-RING-GLD-22K-PLK"


def make_lead(mobile: str | None = None, **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": f"JC Lead {frappe.generate_hash(length=6)}",
			"mobile_no": mobile or unique_mobile(),
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def message_from(phone: str, text: str = "Do you have polki sets under 2 lakh?") -> str:
	"""A WhatsApp message she sent before she was anyone's customer (as the webhook keeps it)."""
	doc = frappe.get_doc(
		{
			"doctype": "Clienteling WhatsApp Message",
			"message_id": f"wamid.{frappe.generate_hash(length=12)}",
			"phone": phone,
			"received_on": now_datetime(),
			"kind": "text",
			"text": text,
		}
	).insert(ignore_permissions=True)
	return doc.name


class TestLeadPipeline(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_every_source_is_a_lead_source_and_erpnexts_own_are_kept(self):
		before = set(frappe.get_all("Lead Source", pluck="name"))
		self.assertEqual(leads.make_sources(), [])  # install and migrate made them
		self.assertLessEqual(set(SOURCES), before)
		self.assertEqual(set(frappe.get_all("Lead Source", pluck="name")), before)
		lead = make_lead(source="Instagram", lead_owner=fx.ASSOCIATE)
		self.assertEqual(
			frappe.db.get_value("Lead", lead, ["source", "lead_owner"]), ("Instagram", fx.ASSOCIATE)
		)

	def test_her_mobile_is_kept_as_its_key_however_it_was_typed(self):
		mobile = unique_mobile()
		lead = make_lead(f"0{mobile[:5]}-{mobile[5:]}")
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_mobile_e164"), f"+91{mobile}")
		doc = frappe.get_doc("Lead", lead)
		doc.mobile_no = ""
		doc.whatsapp_no = f"+91 {mobile}"
		doc.save()
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_mobile_e164"), f"+91{mobile}")

	def test_lost_needs_a_reason_and_won_needs_a_sale_or_mark_won(self):
		frappe.set_user(fx.ASSOCIATE)
		lead = frappe.get_doc("Lead", make_lead(lead_owner=fx.ASSOCIATE))
		self.assertEqual(lead.jc_stage, "New")
		lead.jc_stage = STAGE_LOST
		self.assertRaisesRegex(frappe.ValidationError, "why the lead was lost", lead.save)
		lead.reload()
		lead.jc_stage = STAGE_WON
		self.assertRaisesRegex(frappe.ValidationError, "won by a sale", lead.save)
		lead.reload()
		lead.update({"jc_stage": STAGE_LOST, "jc_lost_reason": "Bought at another store"})
		lead.save()
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "jc_lost_reason"), "Bought at another store")
		self.assertEqual(mark_won(lead.name)["stage"], STAGE_WON)
		lead.reload()
		self.assertIsNone(lead.jc_lost_reason)
		lead.jc_stage = "Contacted"
		self.assertRaisesRegex(frappe.ValidationError, "stays won", lead.save)

	def test_an_open_leads_next_step_has_its_day_and_a_closed_one_none(self):
		lead = frappe.get_doc("Lead", make_lead())
		lead.jc_next_action = "Send the polki estimate"
		self.assertRaisesRegex(frappe.ValidationError, "day of the next step", lead.save)
		lead.reload()
		lead.jc_next_action = "Send the polki estimate"
		lead.jc_next_action_on = add_days(nowdate(), 2)
		lead.save()
		lead.reload()
		lead.update({"jc_stage": STAGE_LOST, "jc_lost_reason": "Price"})
		lead.save()
		self.assertEqual(
			frappe.db.get_value("Lead", lead.name, ["jc_next_action", "jc_next_action_on"]), (None, None)
		)

	def test_its_age_is_days_since_it_came_in_on_the_form(self):
		lead = make_lead()
		frappe.db.set_value("Lead", lead, "creation", add_days(now_datetime(), -12), update_modified=False)
		self.assertEqual(frappe.get_doc("Lead", lead).as_dict()["jc_age_days"], 12)
		self.assertEqual(frappe.get_doc("Lead", make_lead()).as_dict()["jc_age_days"], 0)

	def test_an_estimate_sent_to_her_moves_the_lead_and_sets_its_follow_up(self):
		lead = make_lead(lead_owner=fx.ASSOCIATE, jc_stage=STAGE_VISITED)
		quotation = make_quotation(lead)
		quotation.update({"company": fx.company(), "transaction_date": nowdate()})
		quotation.append("items", {"item_code": RING, "qty": 1, "rate": 180000})
		quotation.insert(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_stage"), STAGE_VISITED)  # a draft is not sent
		quotation.submit()
		row = frappe.db.get_value(
			"Lead", lead, ["jc_stage", "jc_next_action", "jc_next_action_on"], as_dict=True
		)
		self.assertEqual(row.jc_stage, "Estimate Sent")
		self.assertIn(quotation.name, row.jc_next_action)
		self.assertEqual(getdate(row.jc_next_action_on), getdate(add_days(nowdate(), 3)))


class TestWalkInKeptAsLead(FrappeTestCase):
	def setUp(self):
		frappe.set_user(fx.ASSOCIATE)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_walk_in_who_did_not_buy_is_a_lead_not_a_customer(self):
		mobile = unique_mobile()
		result = record_walk_in(
			visitor_name="Meera Walk-in",
			mobile=mobile,
			wishlist=[{"item": RING}, {"description": "Polki choker"}],
			budget=150000,
			occasion="Wedding",
			reason_not_bought="Will come with family",
			whatsapp_consent=True,
			keep_as_lead=True,
		)
		self.assertIsNone(result["customer"])
		self.assertFalse(frappe.db.exists("Customer", {"mobile_no": ("like", f"%{mobile}")}))
		lead = frappe.get_doc("Lead", result["lead"])
		self.assertEqual(
			(lead.source, lead.lead_owner, lead.jc_stage, lead.jc_budget_band, lead.jc_occasion_type),
			("Walk In", fx.ASSOCIATE, STAGE_VISITED, "1 - 2 lakh", "Wedding"),
		)
		self.assertIn("Polki choker", lead.jc_looking_for)
		self.assertEqual(getdate(lead.jc_next_action_on), getdate(result["follow_up_on"]))
		self.assertTrue(lead.jc_whatsapp_opt_in)
		self.assertEqual(
			frappe.get_all("Consent Change", filters={"lead": lead.name}, fields=["opted_in", "evidence"]),
			[{"opted_in": 1, "evidence": result["visit"]}],
		)
		self.assertEqual(
			frappe.db.get_value("Walk-in Visit", result["visit"], ["lead", "customer"]), (lead.name, None)
		)
		again = record_walk_in(visitor_name="Meera", mobile=f"+91 {mobile}", keep_as_lead=True)
		self.assertEqual(again["lead"], lead.name)  # her second visit finds her lead by mobile
		self.assertEqual(frappe.db.count("Consent Change", {"lead": lead.name}), 1)

	def test_a_customer_asked_to_be_kept_as_a_lead_stays_the_customer(self):
		frappe.set_user("Administrator")
		mobile = unique_mobile()
		her = fx.make_customer(mobile_no=mobile)
		frappe.set_user(fx.ASSOCIATE)
		result = record_walk_in(visitor_name="Her", mobile=mobile, keep_as_lead=True)
		self.assertEqual(result["customer"], her)
		self.assertFalse(frappe.db.exists("Lead", {"jc_mobile_e164": f"+91{mobile}"}))


class TestLeadBuys(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def lead_with_a_past(self) -> tuple[str, str, dict]:
		"""A lead who walked in (wishlist, consent), was referred, wrote on WhatsApp and booked a visit."""
		referrer = fx.make_customer(mobile_no=unique_mobile())
		mobile = unique_mobile()
		frappe.set_user(fx.ASSOCIATE)
		visit = record_walk_in(
			visitor_name="Anjali Lead",
			mobile=mobile,
			wishlist=[{"item": RING, "size": "12"}],
			whatsapp_consent=True,
			referred_by=referrer,
			keep_as_lead=True,
		)
		frappe.set_user("Administrator")
		lead = visit["lead"]
		message = message_from(f"+91{mobile}")
		appointment = frappe.get_doc(
			{
				"doctype": "Appointment",
				"scheduled_time": f"{add_days(nowdate(), 3)} 11:00:00",
				"jc_lead": lead,
				"jc_purpose": "Private viewing",
			}
		).insert(ignore_permissions=True)
		return (
			lead,
			mobile,
			{
				"visit": visit["visit"],
				"message": message,
				"appointment": appointment.name,
				"referrer": referrer,
			},
		)

	def assert_carried_over(self, lead: str, customer: str, past: dict):
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_stage"), STAGE_WON)
		self.assertEqual(frappe.db.get_value("Customer", customer, "lead_name"), lead)
		self.assertEqual(frappe.db.get_value("Walk-in Visit", past["visit"], "customer"), customer)
		self.assertEqual(
			frappe.db.get_value("Clienteling WhatsApp Message", past["message"], "customer"), customer
		)
		self.assertEqual(frappe.db.get_value("Appointment", past["appointment"], "jc_customer"), customer)
		row = frappe.db.get_value(
			"Customer",
			customer,
			["jc_whatsapp_opt_in", "jc_whatsapp_opt_in_via", "jc_referred_by"],
			as_dict=True,
		)
		self.assertEqual((row.jc_whatsapp_opt_in, row.jc_whatsapp_opt_in_via), (1, "In store"))
		self.assertEqual(row.jc_referred_by, past["referrer"])
		self.assertEqual(frappe.db.get_value("Consent Change", {"lead": lead}, "customer"), customer)

	def test_a_customer_made_from_the_lead_carries_everything_over(self):
		lead, _mobile, past = self.lead_with_a_past()
		doc = make_customer(lead)
		doc.customer_group = frappe.db.get_value("Customer Group", {"is_group": 0})
		doc.territory = frappe.db.get_value("Territory", {"is_group": 0})
		doc.insert(ignore_permissions=True)
		self.assert_carried_over(lead, doc.name, past)
		# the ring she liked at the counter as a lead is her stated preference now
		self.assertTrue(frappe.db.exists("Preference", {"customer": doc.name, "source": "Stated"}))

	def test_a_sale_to_a_customer_with_her_mobile_wins_the_lead(self):
		lead, mobile, past = self.lead_with_a_past()
		# made at the counter later, without anyone naming the lead
		her = fx.make_customer(mobile_no=f"+91 {mobile}")
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_stage"), STAGE_VISITED)
		sync.close_won_leads(her)  # nothing bought yet: the lead stays open
		self.assertEqual(frappe.db.get_value("Lead", lead, "jc_stage"), STAGE_VISITED)
		fx.make_pos_invoice(her, [(RING, 25000, 1, "12")])
		sync.run_refresh(her)  # the job queued after the sale
		self.assert_carried_over(lead, her, past)
		sync.run_refresh(her)  # twice changes nothing
		self.assertEqual(frappe.db.count("Walk-in Visit", {"lead": lead, "customer": her}), 1)
