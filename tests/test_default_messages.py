"""Every default message as she receives it: each of the store's starting templates rendered in the
sandbox the app drafts with, with the details each reason's planner gives it, signed by an associate
or by the store, for her own occasion or someone else's, with and without a store name. None may show
a seam: "…any time., Kanak Jewellers", two spaces, an empty name, "None", template code."""

import re
from datetime import date

import pytest

from jewel_clienteling.domain import rendering as text
from jewel_clienteling.domain.default_templates import TEMPLATES
from jewel_clienteling.domain.templates import seams

TODAY = date(2026, 11, 30)
# a feedback link as services/feedback.py makes it (a sha1 dedupe key, the day, the signature)
LINK = "https://kanak.example/feedback?t=0f3c2a9e7d1b4c6a8e5f0d2b3a4c5d6e7f8a9b0c.20261214.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
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
	bought = {"purchase_date": TODAY}
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
		"Review request": [
			bought,
			{"piece": "22K polki ring"},
			{"feedback_link": LINK, **bought},
			{"feedback_link": LINK, "piece": "22K polki ring"},
		],
		"Tell a friend": [{"items": ["22K Gold Polki Ring"], **bought}, {"items": [], **bought}],
		"We miss you": [{"last_purchase_date": TODAY}],
		"Stay in touch: care": [{"last_purchase_date": TODAY}],
		"Stay in touch: new pieces": [{"preferred_category": "Bangles"}, {"preferred_category": ""}],
		"Stay in touch: invitation": [{"last_purchase_date": TODAY}],
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
		"Thank you for the referral": [
			{"referred_name": "Asha Rao"},
			{},
			{"referred_name": "Asha Rao", "points": 500},
			{"referred_name": "Asha Rao", "points": 1},
			{"points": 0},
		],
		"Appointment reminder": [
			{
				"appointment_purpose": purpose,
				"appointment_is_tomorrow": tomorrow,
				"appointment_day": "Tuesday 1 December",
				"appointment_time": "5:00 PM",
				"appointment_store": "",
				"pieces": pieces,
			}
			for purpose in ("Bridal consultation", "")
			for tomorrow in (True, False)
			for pieces in (["Polki set"], [])
		],
		"Appointment missed": [{"appointment_day": "Tuesday 1 December", "pieces": []}],
		"Custom order update": [
			{
				"order_stage": stage,
				"order_piece": piece,
				"order_promised_date": promised,
				"order_name": "SAL-ORD-2026-00042",
				"order_advance": "INR 20,000.00",
			}
			for stage in ("Design approved", "In making", "Ready")
			for piece in ("bridal polki set", "")
			for promised in ("2026-12-20", "")
		],
		"Catalogue share": [
			{
				"catalogue_link": "https://kanak.example/catalogue?t=abc.20261214.def",
				"catalogue_pieces": count,
				"catalogue_expires_on": "2026-12-14",
			}
			for count in (1, 6)
		],
		"Old gold exchange offer": [
			{"festival": festival, "festival_date": day}
			for festival, day in (("Dhanteras", "6 November"), ("", ""))
		],
		"After the visit": [
			{
				"reason_not_bought": reason,
				"pieces": pieces,
				"piece": pieces[0] if pieces else "",
				"budget": budget,
				"purchase_occasion": "",
				"purchase_occasion_date": "",
				"visit_date": TODAY.isoformat(),
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


COMPILED = {template["template_name"]: text.compile_template(template["message"]) for template in TEMPLATES}


def message(template: dict, context: dict, associate: str, person: str, store: str) -> str:
	"""Her message, drafted as the app drafts it (the sandbox, only the message's own variables)."""
	return text.render(
		COMPILED[template["template_name"]],
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


def test_there_are_twenty_three_defaults_each_with_its_details():
	assert len(TEMPLATES) == 23
	assert all(details(template["template_name"]) for template in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["template_name"] for t in TEMPLATES])
def test_every_default_message_reads_as_a_person_wrote_it(template):
	for context in details(template["template_name"]):
		for associate in ("Priya", ""):
			for person in ("Asha", ""):
				for store in ("Kanak Jewellers", ""):
					words = message(template, context, associate, person, store)
					assert words.startswith("Dear Meera, "), words
					assert seams(words) == [], words
					assert words.endswith(signature(associate, store)), words
					if not associate:
						assert not re.search(r"\b(I|me|my)\b", words), f"the store writes as we: {words}"


def test_the_sign_off_no_longer_leaves_a_seam_when_nobody_is_assigned():
	[check_in] = [t for t in TEMPLATES if t["template_name"] == "Check-in after a purchase"]
	words = message(check_in, {"items": ["Polki Ring"]}, "", "", "Kanak Jewellers")
	assert words.endswith("just bring it in. — Kanak Jewellers"), words
