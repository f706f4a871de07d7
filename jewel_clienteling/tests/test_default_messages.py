"""Every default message as she receives it: each of the store's starting templates drafted through
the real Drafter, with the details each reason's planner gives it, signed by an associate or by the
store, for her own occasion or someone else's, with and without a store name. None may show a seam
("…any time., Kanak Jewellers", two spaces, an empty name, "None", template code)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import outreach as rules
from jewel_clienteling.domain.templates import seams
from jewel_clienteling.services.rendering import Drafter
from jewel_clienteling.setup.defaults import TEMPLATES
from jewel_clienteling.tests.test_outreach import customer
from jewel_clienteling.tests.utils import committed_settings, plan_outreach

OCCASIONS = ("Birthday", "Anniversary", "Wedding", "Engagement", "Child's Birthday", "Festival", "Other")
WALK_IN_REASONS = (
	"Price",
	"Size not available",
	"Design not found",
	"Will come with family",
	"Comparing",
	"Just browsing",
	"",
)
CARE = ("diamond", "polki", "pearl", "gemstone", "platinum", "silver", "gold")


def details(template: str) -> list[dict]:
	"""What each reason's producer puts in a message's context, in the shapes it uses."""
	bought = {"purchase_date": getdate(nowdate())}
	return {
		"Occasion reminder": [
			{
				"occasion_type": kind,
				"relation": "Self",
				"occasion_date": "5 December",
				"days_ahead": ahead,
				"years": years,
			}
			for kind in OCCASIONS
			for ahead in (42, 7, 0)
			for years in (None, 25)
		],
		"Ask the wedding date": [{"occasion_type": "Engagement", **bought}],
		"Check-in after a purchase": [{"items": ["22K Gold Polki Ring"], **bought}, {"items": [], **bought}],
		"Care reminder": [{"items": ["Pearl Necklace"], "care_topic": topic, **bought} for topic in CARE],
		"New arrivals": [{"items": ["Ring"], **bought}],
		"Purchase anniversary": [{"items": ["Solitaire Ring"], **bought}, {"items": [], **bought}],
		"Review request": [bought, {"piece": "22K polki ring"}],
		"We miss you": [{"last_purchase_date": getdate(nowdate())}],
		"Festival invitation": [
			{"festival": "Diwali", "festival_date": "8 November"},
			{"campaign": "Gold coin week", "outreach_template": "", "whatsapp_template": ""},
		],
		"Repair ready": [{"piece": "22K polki ring"}, {"piece": ""}],
		"Repair waiting": [{"piece": "22K polki ring"}, {"piece": None}],
		"Points expiring": [
			{"points": 250, "expiry_date": "05-12-2026"},
			{"points": 1, "expiry_date": "05-12-2026"},
		],
		"Thank you for the referral": [{"referred_name": "Asha Rao"}, {}],
		"After her visit": [
			{
				"reason_not_bought": reason,
				"pieces": pieces,
				"piece": pieces[0] if pieces else "",
				"budget": budget,
				"purchase_occasion": "",
				"purchase_occasion_date": "",
				"visit_date": nowdate(),
			}
			for reason in WALK_IN_REASONS
			for pieces in (["22K Gold Polki Ring"], ["Jhumka", "Bangle"], [])
			for budget in ("60,000", "")
		],
	}[template]


def signature(associate: str, store: str) -> str:
	if associate and store:
		return f" — {associate}, {store}"
	return f" — {associate or store}" if associate or store else ""


class TestDefaultMessages(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		for template in TEMPLATES:  # the site's templates as the app writes them (rolled back after)
			name = template["template_name"]
			if frappe.db.exists("Outreach Template", name):
				frappe.db.set_value("Outreach Template", name, {"message": template["message"], "enabled": 1})
			else:
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert()

	def test_every_default_message_reads_as_a_person_wrote_it(self):
		drafter = Drafter()
		self.assertEqual(len(TEMPLATES), 14)
		shown = []
		for template in TEMPLATES:
			name = template["template_name"]
			for index, context in enumerate(details(name)):
				for associate in ("Priya", ""):
					for person in ("Asha", ""):
						for store in ("Kanak Jewellers", ""):
							message = drafter.draft(
								name,
								{
									"first_name": "Meera",
									"customer_name": "Meera Shah",
									"associate_name": associate,
									"store_name": store,
									"preferred_category": "Rings",
									"person_name": person,
									**context,
								},
							)
							with self.subTest(template=name, associate=associate, person=person, store=store):
								self.assertTrue(message.startswith("Dear Meera, "), message)
								self.assertEqual(seams(message), [], message)
								self.assertTrue(message.endswith(signature(associate, store)), message)
								if not associate:
									self.assertNotRegex(message, r"\b(I|me|my)\b", "the store writes as we")
							if store and person and index == 0:
								shown.append(message)
		print("\n\n".join(["Every default message, with and without an associate:", *dict.fromkeys(shown)]))

	def test_a_message_drafted_for_nobody_is_signed_by_the_store(self):
		old = committed_settings("Clienteling Settings", store_manager=None)
		self.addCleanup(committed_settings, "Clienteling Settings", **old)
		her = customer(jc_preferred_associate=None)
		name = plan_outreach(
			her, reason=rules.REPAIR_READY, step=rules.REPAIR_READY, context={"piece": "ring"}
		)
		outreach = frappe.db.get_value("Client Outreach", name, ["assigned_to", "message"], as_dict=True)
		company = frappe.db.get_single_value("Global Defaults", "default_company")
		self.assertFalse(outreach.assigned_to)
		self.assertTrue(outreach.message.endswith(f"during store hours. — {company}"), outreach.message)
		self.assertEqual(seams(outreach.message), [])
