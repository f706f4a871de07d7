"""Walk-ins in the database: her customer found by mobile or made, her consent recorded, what she
liked remembered, and a follow-up planned for the associate who served her.

Why a Customer and not a Lead: everything the counter remembers (preferences, occasions, consent,
outreach, points) hangs on a Customer, and ERPNext's point of sale sells only to one. A Lead would
keep her out of the snapshot and the queue until someone converted it. A visit may still name the
Lead she already was: a customer made for her is then linked to it (ERPNext marks it converted).

Recording a visit again changes nothing: the customer is found, consent already given is not given
twice, a preference already known is not added again, and the follow-up's dedupe key is the visit.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, flt, formatdate, get_datetime, getdate, now_datetime, nowdate

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain import phones, walk_ins
from jewel_clienteling.domain.outreach_lifecycle import OPEN
from jewel_clienteling.domain.preferences import preference_key
from jewel_clienteling.services import duplicates, facts, store_access
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.customer_lookup import find_customer
from jewel_clienteling.services.outreach import OUTREACH, Queue

VISIT = "Walk-in Visit"
WISHLIST = "Walk-in Wishlist Item"
SNAPSHOT_VISITS = 5


def explain(error: walk_ins.WalkInError) -> str:
	"""The counter's words for a visit the domain refused."""
	return {
		"budget_not_a_number": _("The budget must be an amount of money."),
		"budget_negative": _("The budget cannot be negative."),
		"budget_too_large": _("That budget is not possible; check the number of zeros."),
		"follow_up_before_visit": _("The follow-up cannot be before the visit."),
		"wishlist_row_empty": _("Each piece liked needs an item or a description."),
	}.get(error.reason, error.reason)


def _region() -> str:
	return (clienteling_settings.get_settings().default_region or "IN").upper()


def _generic_customer() -> str | None:
	"""The shop's catch-all walk-in customer at the POS: never the customer of a visit."""
	return clienteling_settings.walk_in_customer()


# --- before the visit is saved ------------------------------------------------------------------


def check(visit) -> None:
	"""Tidy the visit and refuse what cannot be recorded, before anything is written."""
	visit.visitor_name = " ".join((visit.visitor_name or "").split())
	visit.mobile = (visit.mobile or "").strip()
	if visit.customer and visit.customer == _generic_customer():
		visit.customer = None
	if visit.mobile:
		phone = phones.normalise_phone(visit.mobile, _region())
		if not phone:
			frappe.throw(
				_("{0} is not a mobile number we can reach.").format(frappe.bold(visit.mobile)),
				title=_("Mobile"),
			)
		visit.mobile = phone
	elif not visit.customer:
		frappe.throw(
			_(
				"Give a mobile number: it is how the visitor is found next time and how the associate follows up."
			),
			frappe.MandatoryError,
			title=_("Mobile"),
		)
	if not visit.customer and not visit.visitor_name:
		frappe.throw(
			_("Give the visitor's name, or choose the customer."), frappe.MandatoryError, title=_("Name")
		)
	try:
		budget = walk_ins.check_budget(visit.budget)
		kept = []
		for row in visit.get("wishlist") or []:
			cleaned = walk_ins.clean_wishlist(
				[walk_ins.WishlistItem(row.item, row.item_name, row.description, row.size, row.notes)]
			)
			if cleaned:
				row.update(
					{name: getattr(cleaned[0], name) for name in ("item", "description", "size", "notes")}
				)
				kept.append(row)
		visited_on = get_datetime(visit.visited_on or now_datetime())
		if visit.follow_up_on:
			walk_ins.follow_up_date(
				visited_on.date(), visit.reason_not_bought, chosen=getdate(visit.follow_up_on)
			)
	except walk_ins.WalkInError as error:
		frappe.throw(explain(error), title=_("Walk-in"))
	visit.budget = flt(budget) if budget else 0
	visit.visited_on = visited_on
	for index, row in enumerate(kept, start=1):
		row.idx = index
	visit.set("wishlist", kept)  # rows left empty at the end of the table are dropped
	if visit.occasion_date:
		visit.occasion_date = getdate(visit.occasion_date)  # a date that cannot be is refused in words
	if visit.referred_by and visit.referred_by == visit.customer:
		frappe.throw(_("A customer cannot refer themselves."), title=_("Referred By"))
	store_access.check_referrer(visit.referred_by)
	visit.store = visit.store or store_access.home_store_for_new()


def match_customer(visit) -> None:
	"""Her customer: the one chosen, else the one with her mobile among the customers the associate
	may see, else a new one of the visit's store (with who referred her). A customer of another store
	with that mobile is neither shown nor changed: the managers are told of a possible duplicate.
	Sets visit.customer and visit.new_customer."""
	if visit.customer:
		return
	match = find_customer(visit.mobile, visit.visitor_name)
	if match.customer:
		visit.customer = match.customer
		visit.new_customer = 0
	else:
		visit.customer = _make_customer(visit)
		visit.new_customer = 1
		visit.flags.other_stores = match  # flagged for the managers once the visit is saved
	visit.customer_name = frappe.db.get_value("Customer", visit.customer, "customer_name")
	if visit.referred_by and visit.referred_by == visit.customer:
		frappe.throw(_("A customer cannot refer themselves."), title=_("Referred By"))


def _make_customer(visit) -> str:
	selling = frappe.get_cached_doc("Selling Settings")
	associate = visit.associate if visit.associate not in (None, "", "Administrator", "Guest") else None
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": visit.visitor_name,
			"customer_type": "Individual",
			"customer_group": selling.customer_group
			or frappe.db.get_value("Customer Group", {"is_group": 0}),
			"territory": selling.territory or frappe.db.get_value("Territory", {"is_group": 0}),
			"mobile_no": visit.mobile,
			"jc_referred_by": visit.referred_by or None,
			"jc_preferred_associate": associate,
			"jc_home_store": store_access.home_store_for_new(chosen=visit.store),
			"lead_name": visit.lead or None,
		}
	)
	doc.insert(ignore_permissions=True)  # the counter records a walk-in without customer-master rights
	return doc.name


# --- after the visit is saved -------------------------------------------------------------------


def record(visit) -> dict:
	"""Everything a saved visit means: her customer (found or made), the consent she gave now, what
	she liked as preferences, and the follow-up for the associate. Safe to run twice."""
	if not visit.customer:
		check(visit)
		match_customer(visit)
		visit.db_set(
			{
				"customer": visit.customer,
				"customer_name": visit.customer_name,
				"new_customer": visit.new_customer,
			},
			update_modified=False,
		)
	if visit.flags.other_stores:
		duplicates.flag(visit.customer, visit.flags.other_stores, visit.mobile, VISIT, visit.name)
	consent = record_consent(visit)
	remember_preferences(visit)
	follow_up = plan_follow_up(visit)
	return {
		"visit": visit.name,
		"customer": visit.customer,
		"customer_name": visit.customer_name,
		"new_customer": bool(cint(visit.new_customer)),
		"consent_recorded": consent,
		**follow_up,
	}


def record_consent(visit) -> bool:
	"""She said yes to WhatsApp today: her opt-in, stamped in store, with an audit row. True when
	this visit recorded it; an opt-in she gave before is left as it is. An unticked box withdraws
	nothing: not asking is not a no."""
	if not cint(visit.whatsapp_consent):
		return False
	if cint(frappe.db.get_value("Customer", visit.customer, "jc_whatsapp_opt_in")):
		return False
	when = get_datetime(visit.visited_on or now_datetime())
	frappe.db.set_value(
		"Customer",
		visit.customer,
		{"jc_whatsapp_opt_in": 1, "jc_whatsapp_opt_in_on": when, "jc_whatsapp_opt_in_via": "In store"},
	)
	frappe.get_doc(
		{
			"doctype": "Consent Change",
			"customer": visit.customer,
			"channel": "WhatsApp",
			"opted_in": 1,
			"changed_on": when,
			"via": "In store",
			"evidence": visit.name,
		}
	).insert(ignore_permissions=True)
	return True


def remember_preferences(visit) -> int:
	"""The category, metal, purity, stone and size of the catalogue pieces she liked, as Stated
	preferences (she told us at the counter), where she has none of that key yet. Returns how many."""
	rows = [(row.item, row.size) for row in visit.get("wishlist") or [] if row.item]
	if not rows:
		return 0
	sources = clienteling_settings.preference_sources()
	known = facts.item_facts({item for item, _size in rows}, sources)
	pairs = walk_ins.wishlist_preferences([(known.get(item), size) for item, size in rows], sources)
	have = {
		preference_key(row.dimension, row.qualifier, row.value)
		for row in frappe.get_all(
			"Preference", filters={"customer": visit.customer}, fields=["dimension", "qualifier", "value"]
		)
	}
	added = 0
	for dimension, value in pairs:
		if preference_key(dimension, "", value) in have:
			continue
		frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": visit.customer,
				"dimension": dimension,
				"value": value,
				"source": "Stated",
				"notes": _("Liked at walk-in visit {0}").format(visit.name),
			}
		).insert(ignore_permissions=True)
		have.add(preference_key(dimension, "", value))
		added += 1
	return added


def plan_follow_up(visit) -> dict:
	"""One Walk-in follow-up outreach for this visit, through the queue (consent, frequency cap,
	dedupe), assigned to the associate who served her. A later visit replaces the follow-up of an
	earlier one still waiting: her newest wishlist is what to write about."""
	visit_day = getdate(visit.visited_on)
	chosen = getdate(visit.follow_up_on) if visit.follow_up_on else None
	occasion_date = getdate(visit.occasion_date) if visit.occasion_date else None
	due = walk_ins.follow_up_date(visit_day, visit.reason_not_bought, occasion_date, chosen)
	wishlist = [
		walk_ins.WishlistItem(row.item, row.item_name, row.description, row.size, row.notes)
		for row in visit.get("wishlist") or []
	]
	context = walk_ins.message_context(
		visit_day,
		visit.reason_not_bought,
		wishlist,
		walk_ins.check_budget(visit.budget),
		visit.occasion,
		occasion_date,
	)
	associate = visit.associate if visit.associate not in (None, "", "Guest") else None
	if associate:
		context["associate_name"] = _first_name(associate)
	candidate = outreach_rules.Candidate(
		customer=visit.customer,
		reason=outreach_rules.WALK_IN_FOLLOW_UP,
		reference_doctype=VISIT,
		reference_name=visit.name,
		cycle="follow-up",
		due_date=due,
		step=visit.reason_not_bought or "",
		context=context,
		event_date=occasion_date if occasion_date and occasion_date > visit_day else None,
	)
	_withdraw_earlier(visit.customer, visit.name)
	Queue().add([candidate])
	row = frappe.db.get_value(
		OUTREACH,
		{"dedupe_key": candidate.key},
		["name", "status", "skip_reason", "assigned_to"],
		as_dict=True,
	)
	planned = bool(row and row.status in OPEN)
	if planned and associate and row.assigned_to != associate:
		frappe.db.set_value(OUTREACH, row.name, "assigned_to", associate, update_modified=False)
	if planned:
		status = _("Planned for {0}.").format(formatdate(due))
	elif row:
		status = _("Not planned: {0}").format(row.skip_reason or _(row.status))
	else:
		status = _("Not planned: the shop does not write to this customer.")
	visit.db_set(
		{"outreach": row.name if row else None, "follow_up_on": due, "follow_up_status": status},
		update_modified=False,
	)
	return {
		"outreach": row.name if row else None,
		"outreach_planned": planned,
		"follow_up_on": str(due),
		"follow_up_status": status,
	}


def _withdraw_earlier(customer: str, visit: str) -> None:
	outreach = DocType(OUTREACH)
	(
		frappe.qb.update(outreach)
		.set(outreach.status, lifecycle.SKIPPED)
		.set(outreach.skip_reason, _("A later visit replaced this follow-up."))
		.set(outreach.modified, now_datetime())
		.where(
			(outreach.customer == customer)
			& (outreach.reason == outreach_rules.WALK_IN_FOLLOW_UP)
			& (outreach.reference_doctype == VISIT)
			& (outreach.reference_name != visit)
			& outreach.status.isin(OPEN)
		)
		.run()
	)


def _first_name(user: str) -> str:
	return (frappe.db.get_value("User", user, "first_name") or user.split("@")[0]).strip()


# --- at the counter -----------------------------------------------------------------------------


def for_snapshot(customer: str) -> list[dict]:
	"""Her open wishlist for the counter: her visits of the last WISHLIST_DAYS days, newest first (at
	most SNAPSHOT_VISITS), each with the pieces she liked, her budget and occasion."""
	today = getdate(nowdate())
	visits = frappe.get_all(
		VISIT,
		filters={"customer": customer},
		fields=[
			"name",
			"visited_on",
			"associate",
			"store",
			"budget",
			"occasion",
			"occasion_date",
			"reason_not_bought",
			"notes",
			"follow_up_on",
		],
		order_by="visited_on desc",
		limit=SNAPSHOT_VISITS,
	)
	visits = [row for row in visits if walk_ins.is_recent(getdate(row.visited_on), today)]
	if not visits:
		return []
	items: dict[str, list[dict]] = {row.name: [] for row in visits}
	for row in frappe.get_all(
		WISHLIST,
		filters={"parent": ("in", list(items)), "parenttype": VISIT},
		fields=["parent", "item", "item_name", "description", "size", "notes"],
		order_by="idx asc",
	):
		items[row.parent].append(
			{
				"item": row.item,
				"item_name": row.item_name,
				"description": row.description,
				"size": row.size,
				"notes": row.notes,
			}
		)
	return [
		{
			"visit": row.name,
			"visited_on": str(getdate(row.visited_on)),
			"associate": row.associate,
			"associate_name": _first_name(row.associate) if row.associate else "",
			"store": row.store,
			"budget": flt(row.budget),
			"occasion": row.occasion or "",
			"occasion_date": str(row.occasion_date) if row.occasion_date else None,
			"reason_not_bought": row.reason_not_bought or "",
			"notes": row.notes or "",
			"follow_up_on": str(row.follow_up_on) if row.follow_up_on else None,
			"items": items[row.name],
		}
		for row in visits
	]
