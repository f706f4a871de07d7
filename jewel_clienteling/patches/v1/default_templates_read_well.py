"""Default message templates that read well with or without an associate: the sign-off no longer
leaves "…any time., Kanak Jewellers" when nobody is assigned, "I" becomes "we" when the store
writes, and no variable left empty shows. A store's templates still as the app first wrote them
get the new text; a template the store edited is left exactly as it is."""

import frappe

from jewel_clienteling.domain.default_templates import TEMPLATES
from jewel_clienteling.patches.v1.neutral_words import NEW_TEMPLATE, OLD_TEMPLATE

# The default texts as the app first wrote them (frozen here: this patch knows them, nothing else)
_SIGN_OFF = "{% if associate_name %} — {{ associate_name }}{% endif %}, {{ store_name }}"
_WHOSE = "{% if person_name %}{{ person_name }}'s{% else %}your{% endif %}"

_OLD_TEMPLATES = [
	{
		"template_name": "Occasion reminder",
		"reason": "Occasion",
		"message": (
			"Dear {{ first_name }}, "
			"{% if days_ahead %}" + _WHOSE + " {{ occasion_type | lower }}"
			"{% if years %} ({{ years }} years!){% endif %} is on {{ occasion_date }}. "
			"We would love to help make it special: shall I keep a few pieces aside for you to see?"
			"{% else %}warm wishes on " + _WHOSE + " {{ occasion_type | lower }} today"
			"{% if years %}: {{ years }} wonderful years{% endif %}! With love from all of us."
			"{% endif %}" + _SIGN_OFF
		),
	},
	{
		"template_name": "Ask the wedding date",
		"reason": "Occasion",
		"step": "Ask the wedding date",
		"message": (
			"Dear {{ first_name }}, congratulations once more on the engagement! When is the big day? "
			"We would love to remember it with you." + _SIGN_OFF
		),
	},
	{
		"template_name": "Check-in after a purchase",
		"reason": "Post-purchase",
		"step": "Check-in",
		"message": (
			"Dear {{ first_name }}, how are you enjoying your {{ items[0] if items else 'new piece' }}? "
			"If anything needs adjusting, the size, the fit or a polish, just bring it in." + _SIGN_OFF
		),
	},
	{
		"template_name": "Care reminder",
		"reason": "Post-purchase",
		"step": "Care",
		"message": (
			"Dear {{ first_name }}, a little care keeps your {{ items[0] if items else 'jewellery' }} "
			"beautiful: "
			"{% if care_topic == 'diamond' %}a soft brush and warm soapy water keep diamonds sparkling"
			"{% elif care_topic == 'polki' %}keep polki and kundan away from water and perfume, and wipe "
			"them with a soft dry cloth"
			"{% elif care_topic == 'pearl' %}put pearls on last, after perfume, and wipe them after wearing"
			"{% elif care_topic == 'gemstone' %}keep coloured stones away from harsh chemicals and sudden heat"
			"{% elif care_topic == 'platinum' %}platinum takes on a soft sheen; we can polish it back to a "
			"mirror finish"
			"{% elif care_topic == 'silver' %}keep silver in an airtight pouch to slow tarnish"
			"{% else %}store gold pieces apart in soft pouches, and a mild soapy wash brings back the shine"
			"{% endif %}. Come in any time for a free cleaning and check." + _SIGN_OFF
		),
	},
	{
		"template_name": "New arrivals",
		"reason": "Post-purchase",
		"step": "New arrivals",
		"message": (
			"Dear {{ first_name }}, new {{ preferred_category or 'designs' }} have just arrived and I "
			"thought of you. Shall I send you a few pictures?" + _SIGN_OFF
		),
	},
	{
		"template_name": "Purchase anniversary",
		"reason": "Post-purchase",
		"step": "Purchase anniversary",
		"message": (
			"Dear {{ first_name }}, a year ago you chose your {{ items[0] if items else 'piece' }} with "
			"us. We hope it has been part of many happy moments! Bring it in for a complimentary cleaning "
			"any time." + _SIGN_OFF
		),
	},
	{
		"template_name": "Review request",
		"reason": "Review request",
		"message": (
			"Dear {{ first_name }}, thank you for choosing {{ store_name }}. If you have a minute, a review "
			"of your visit would mean a lot to us." + _SIGN_OFF
		),
	},
	{
		"template_name": "We miss you",
		"reason": "Lapsed",
		"message": (
			"Dear {{ first_name }}, it has been a while and we miss you! Do visit us to see what is new, "
			"and bring your jewellery along for a free cleaning." + _SIGN_OFF
		),
	},
	{
		"template_name": "Festival invitation",
		"reason": "Campaign",
		"message": (
			"Dear {{ first_name }}, {{ festival }} is on {{ festival_date }} and our festive collection "
			"is in. Shall I keep some pieces aside for you to see?" + _SIGN_OFF
		),
	},
	{
		"template_name": "Repair ready",
		"reason": "Repair ready",
		"message": (
			"Dear {{ first_name }}, your {{ piece or 'jewellery' }} is ready. You can collect it from "
			"{{ store_name }} any time during store hours." + _SIGN_OFF
		),
	},
	{
		"template_name": "Repair waiting",
		"reason": "Repair uncollected",
		"message": (
			"Dear {{ first_name }}, your {{ piece or 'jewellery' }} is ready and waiting for you at "
			"{{ store_name }}. We look forward to seeing you." + _SIGN_OFF
		),
	},
	{
		"template_name": "Points expiring",
		"reason": "Points expiring",
		"message": (
			"Dear {{ first_name }}, {{ points }} of your loyalty points expire on {{ expiry_date }}. "
			"Use them on your next visit!" + _SIGN_OFF
		),
	},
	{
		"template_name": "Thank you for the referral",
		"reason": "Referral thank-you",
		"message": (
			"Dear {{ first_name }}, thank you for sending {{ referred_name or 'a friend' }} our way. "
			"It means the world to us." + _SIGN_OFF
		),
	},
	{
		"template_name": "After her visit",
		"reason": "Walk-in follow-up",
		"message": (
			"Dear {{ first_name }}, thank you for visiting us"
			"{% if piece %} and for looking at the {{ piece }}{% endif %}. "
			"{% if reason_not_bought == 'Price' %}I have found a few designs close to it"
			"{% if budget %} within {{ budget }}{% endif %}: shall I send you pictures?"
			"{% elif reason_not_bought == 'Size not available' %}I am checking on your size and will "
			"let you know as soon as it can be ready."
			"{% elif reason_not_bought == 'Design not found' %}New designs have come in and I thought "
			"of you: shall I send you a few pictures?"
			"{% elif reason_not_bought == 'Will come with family' %}We look forward to welcoming you "
			"and your family: tell me when suits you and I will keep the pieces ready."
			"{% elif reason_not_bought == 'Comparing' %}If you have any questions about the pieces, "
			"the making or the price, I am happy to help."
			"{% else %}Whenever you would like to see them again, just tell me and I will keep them "
			"aside.{% endif %}" + _SIGN_OFF
		),
	},
]

OLD = {template["template_name"]: template["message"] for template in _OLD_TEMPLATES}
# a default renamed since the first release (patches/v1/neutral_words.py renames the store's copy)
FIRST_CALLED = {NEW_TEMPLATE: OLD_TEMPLATE}


def _same(stored: str | None, text: str) -> bool:
	return (stored or "").replace("\r\n", "\n").strip() == text.strip()


def execute():
	for template in TEMPLATES:
		name = template["template_name"]
		first = FIRST_CALLED.get(name, name)
		if first not in OLD or OLD[first] == template["message"]:
			continue
		for stored_name in dict.fromkeys((first, name)):  # under its first name or its new one
			stored = frappe.db.get_value("Outreach Template", stored_name, "message")
			if stored is not None and _same(stored, OLD[first]):
				frappe.db.set_value("Outreach Template", stored_name, "message", template["message"])
