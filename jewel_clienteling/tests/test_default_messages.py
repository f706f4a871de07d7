"""Every default message as she receives it on a real site: each of the store's starting templates,
as install and migrate write them, drafted through the app's own Drafter for a real customer, signed
by an associate or by the store. The full matrix of details (every occasion, care topic, walk-in
reason, empty names) is rendered in the pure suite, tests/test_default_messages.py; here the real
path, and a message planned for a customer nobody is assigned to."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.default_templates import TEMPLATES
from jewel_clienteling.domain.templates import seams
from jewel_clienteling.services.rendering import Drafter
from jewel_clienteling.tests.test_outreach import customer
from jewel_clienteling.tests.utils import committed_settings, plan_outreach

# one message's details per template, in the shapes the planner, repairs, walk-ins and loyalty use
DETAILS = {
	"Occasion reminder": {"occasion_type": "Anniversary", "occasion_date": "5 December", "days_ahead": 7},
	"Ask the wedding date": {"occasion_type": "Engagement"},
	"Check-in after a purchase": {"items": ["22K Gold Polki Ring"]},
	"Care reminder": {"items": ["Pearl Necklace"], "care_topic": "pearl"},
	"New arrivals": {"items": ["Ring"]},
	"Purchase anniversary": {"items": []},
	"Review request": {
		"purchase_date": getdate(nowdate()),
		"feedback_link": "https://kanak.example/feedback?t=0f3c2a9e.20271231.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	},
	"We miss you": {},
	"Festival invitation": {"campaign": "Gold coin week"},
	"Repair ready": {"piece": "22K polki ring"},
	"Repair waiting": {"piece": ""},
	"Points expiring": {"points": 250, "expiry_date": "05-12-2026"},
	"Thank you for the referral": {"referred_name": "Asha Rao", "points": 500},
	"Tell a friend": {"items": ["22K Gold Polki Ring"], "purchase_date": getdate(nowdate())},
	"After the visit": {"reason_not_bought": "Price", "piece": "", "pieces": [], "budget": "60,000"},
	"Appointment reminder": {
		"appointment_purpose": "Bridal consultation",
		"appointment_is_tomorrow": True,
		"appointment_day": "Tuesday 1 December",
		"appointment_time": "5:00 PM",
		"pieces": ["Polki set"],
	},
	"Appointment missed": {"appointment_day": "Tuesday 1 December"},
	"Custom order update": {"order_stage": "Design approved", "order_piece": "", "order_promised_date": ""},
	"Catalogue share": {"catalogue_link": "https://kanak.example/c?t=abc", "catalogue_pieces": 6},
	"Old gold exchange offer": {"festival": "Dhanteras", "festival_date": "6 November"},
	"Stay in touch: care": {},
	"Stay in touch: new pieces": {"preferred_category": "Necklaces"},
	"Stay in touch: invitation": {},
}


class TestDefaultMessages(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		for template in TEMPLATES:  # the site's templates as the app writes them (rolled back after)
			name = template["template_name"]
			if frappe.db.exists("Outreach Template", name):
				frappe.db.set_value("Outreach Template", name, {"message": template["message"], "enabled": 1})
			else:
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert()

	def test_every_default_message_drafted_on_the_site_reads_as_a_person_wrote_it(self):
		self.assertEqual({t["template_name"] for t in TEMPLATES}, set(DETAILS))
		her = frappe.db.get_value("Customer", customer(), "customer_name")
		store = frappe.db.get_single_value("Global Defaults", "default_company")
		drafter = Drafter()
		shown = []
		for template in TEMPLATES:
			name = template["template_name"]
			for associate in ("Priya", ""):
				context = {
					"first_name": her.split(" ")[0],
					"customer_name": her,
					"associate_name": associate,
					"store_name": store,
					**DETAILS[name],
				}
				words = drafter.draft(name, context)
				with self.subTest(template=name, associate=associate):
					self.assertTrue(words.startswith(f"Dear {her.split(' ')[0]}, "), words)
					self.assertEqual(seams(words), [], words)
					signed = f" — {associate}, {store}" if associate else f" — {store}"
					self.assertTrue(words.endswith(signed), words)
				shown.append(words)
		self.assertEqual(drafter.broken, set())
		print("\n".join(["", "Every default message, with and without an associate:", *shown]))

	def test_a_message_drafted_for_nobody_is_signed_by_the_store(self):
		old = committed_settings("Clienteling Settings", store_manager=None)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		her = customer(jc_preferred_associate=None)
		name = plan_outreach(
			her,
			reason=outreach_rules.REPAIR_READY,
			step=outreach_rules.REPAIR_READY,
			context={"piece": "ring"},
		)
		outreach = frappe.db.get_value("Client Outreach", name, ["assigned_to", "message"], as_dict=True)
		company = frappe.db.get_single_value("Global Defaults", "default_company")
		self.assertFalse(outreach.assigned_to)
		self.assertTrue(outreach.message.endswith(f"during store hours. — {company}"), outreach.message)
		self.assertEqual(seams(outreach.message), [])
