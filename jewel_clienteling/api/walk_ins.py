"""The counter's quick entry for a walk-in: who came, what she liked, why she did not buy."""

import json

import frappe
from frappe import _

from jewel_clienteling.api import arguments_required

WISHLIST_FIELDS = ("item", "description", "size", "notes")


@frappe.whitelist(methods=["POST"])
@arguments_required
def record_walk_in(
	visitor_name: str,
	mobile: str,
	wishlist: list | str | None = None,
	budget: float | None = None,
	occasion: str | None = None,
	occasion_date: str | None = None,
	reason_not_bought: str | None = None,
	notes: str | None = None,
	whatsapp_consent: bool = False,
	referred_by: str | None = None,
	store: str | None = None,
	customer: str | None = None,
	lead: str | None = None,
	follow_up_on: str | None = None,
	keep_as_lead: bool = False,
) -> dict:
	"""Record a walk-in: her customer is found by mobile (or made, with who referred her), her
	WhatsApp consent recorded when she gave it now, and a follow-up planned for the associate.
	`wishlist`: a list (or its JSON) of {item, description, size, notes}, each with an item or a
	description. `keep_as_lead`: she did not buy and is not a customer; her visit goes on her lead."""
	frappe.has_permission("Walk-in Visit", "create", throw=True)
	frappe.has_permission("Customer", "read", throw=True)
	if customer:
		frappe.has_permission("Customer", "read", doc=customer, throw=True)
	visit = frappe.get_doc(
		{
			"doctype": "Walk-in Visit",
			"visitor_name": visitor_name,
			"mobile": mobile,
			"customer": customer,
			"lead": lead,
			"referred_by": referred_by,
			"store": store,
			"budget": budget,
			"occasion": occasion,
			"occasion_date": occasion_date,
			"reason_not_bought": reason_not_bought,
			"notes": notes,
			"whatsapp_consent": 1 if whatsapp_consent else 0,
			"follow_up_on": follow_up_on,
			"keep_as_lead": 1 if keep_as_lead else 0,
			"associate": frappe.session.user,
			"wishlist": _wishlist_rows(wishlist),
		}
	)
	visit.insert()
	return visit.flags.walk_in_result


def _wishlist_rows(wishlist: list | str | None) -> list[dict]:
	if wishlist in (None, ""):
		return []
	if isinstance(wishlist, str):
		try:
			wishlist = json.loads(wishlist)
		except ValueError:
			frappe.throw(_("The wishlist must be a list of pieces."), title=_("Wishlist"))
	if not isinstance(wishlist, list) or not all(isinstance(row, dict) for row in wishlist):
		frappe.throw(_("The wishlist must be a list of pieces."), title=_("Wishlist"))
	return [{field: row.get(field) for field in WISHLIST_FIELDS} for row in wishlist]
