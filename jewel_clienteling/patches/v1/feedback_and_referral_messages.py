"""The review request now carries her one-tap feedback link, and the referral thank-you names the
points her friend's first purchase earned her. A store's templates still as the app wrote them get
the new text; a template the store edited is left exactly as it is."""

import frappe

from jewel_clienteling.domain.default_templates import TEMPLATES
from jewel_clienteling.patches.v1.default_templates_read_well import _same

_SIGN_OFF = (
	"{% if associate_name and store_name %} — {{ associate_name }}, {{ store_name }}"
	"{% elif associate_name or store_name %} — {{ associate_name or store_name }}{% endif %}"
)
# The texts as the app wrote them before (frozen here: this patch knows them, nothing else)
OLD = {
	"Review request": (
		"Dear {{ first_name }}, thank you for choosing {{ store_name or 'us' }}. If you have a minute, "
		"a review of your visit would mean a lot to us." + _SIGN_OFF
	),
	"Thank you for the referral": (
		"Dear {{ first_name }}, thank you for sending {{ referred_name or 'a friend' }} our way. "
		"It means the world to us." + _SIGN_OFF
	),
}


def execute():
	for template in TEMPLATES:
		name = template["template_name"]
		if name not in OLD:
			continue
		stored = frappe.db.get_value("Outreach Template", name, "message")
		if stored is not None and _same(stored, OLD[name]):
			frappe.db.set_value("Outreach Template", name, "message", template["message"])
