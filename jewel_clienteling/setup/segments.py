"""The segments a new store starts with. Added on install and migrate when missing (by name); a
manager's edits, and a segment a manager deleted and made again, are never overwritten."""

import frappe

from jewel_clienteling.domain import segments as seg

# name: (description, rules as (criterion, operator, value, qualifier, days))
SEGMENTS = {
	"Birthdays this month": (
		"Customers with a birthday on file this month, their own or a loved one's: a reason to visit.",
		[(seg.OCCASION, seg.THIS_MONTH, "", "Birthday", None)],
	),
	"Inactive for 180 days": (
		"Bought before, but nothing in the last 180 days: time for a warm word.",
		[(seg.DAYS_SINCE_LAST_PURCHASE, seg.AT_LEAST, "180", "", None)],
	),
	"High-value diamond buyers": (
		"Love diamonds (stated, or learnt from what they bought) and have spent 3,00,000 or more.",
		[
			(seg.PREFERENCE, seg.IS, "Diamond", "Stone", None),
			(seg.LIFETIME_VALUE, seg.AT_LEAST, "300000", "", None),
		],
	),
	"Bridal prospects": (
		"A wedding or engagement in the family that is still to come.",
		[(seg.OCCASION, seg.STILL_TO_COME, "", "Wedding, Engagement", None)],
	),
	"First-time buyers": (
		"Bought once and not yet again: the second purchase makes a client.",
		[(seg.PURCHASES, seg.EXACTLY, "1", "", None)],
	),
	"WhatsApp opted in": (
		"Agreed to hear from us on WhatsApp and not marked do-not-contact.",
		[
			(seg.WHATSAPP_OPT_IN, seg.IS, seg.YES, "", None),
			(seg.DO_NOT_CONTACT, seg.IS, seg.NO, "", None),
		],
	),
	"Old gold to exchange": (
		"Exchanged old gold before, or bought gold five or more years ago: ready for an exchange offer.",
		[(seg.OLD_GOLD, seg.IS, seg.YES, "", None)],
	),
}


def add_missing() -> None:
	for name, (description, rules) in SEGMENTS.items():
		if frappe.db.exists("Client Segment", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Client Segment",
				"segment_name": name,
				"description": description,
				"rules": [
					{"criterion": c, "operator": o, "value": v, "qualifier": q, "days": d}
					for c, o, v, q, d in rules
				],
			}
		).insert(ignore_permissions=True)
