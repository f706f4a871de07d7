"""Enquiries on ERPNext's own Lead: where each came from (Lead Source), whose it is (lead_owner), how far
it has gone (jc_stage, checked by domain/leads), the next step and its day, and her mobile's key so a
number finds her lead. What is due today for the associate; a walk-in kept as a lead rather than a
customer. Her purchase, and what her customer record inherits, is in services/lead_conversion."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import IfNull
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime, nowdate

from jewel_clienteling.domain import leads as rules
from jewel_clienteling.domain import walk_ins as walk_in_rules
from jewel_clienteling.services import mobile_keys, store_access
from jewel_clienteling.services.customer_lookup import find_lead
from jewel_clienteling.services.roles import whose_queue

LEAD = "Lead"
SOURCE = "Lead Source"
DUE_FIELDS = (
	"name",
	"lead_name",
	"mobile_no",
	"lead_owner",
	"source",
	"jc_stage",
	"jc_store",
	"jc_next_action",
	"jc_next_action_on",
	"jc_looking_for",
	"jc_budget_band",
	"creation",
)


def explain(error: rules.LeadError) -> str:
	"""The words for a change of a lead the rules refused."""
	return {
		"unknown_stage": _("Choose one of the stages of an enquiry."),
		"won_is_final": _("A won lead stays won: the sale is made."),
		"lost_needs_reason": _("Say why the lead was lost."),
		"won_needs_sale": _("A lead is won by a sale: make the sale, or use Mark Won."),
		"next_step_needs_date": _("Give the day of the next step."),
	}.get(error.reason, error.reason)


def make_sources() -> list[str]:
	"""The app's Lead Sources, made when missing (ERPNext's own, such as Walk In and Campaign, are
	kept as they are; none is ever deleted). Returns those made."""
	made = []
	for source in rules.SOURCES:
		if not frappe.db.exists(SOURCE, source):
			frappe.get_doc({"doctype": SOURCE, "source_name": source}).insert(ignore_permissions=True)
			made.append(source)
	return made


# --- Lead.validate / on_update ------------------------------------------------------------------


def validate(doc, method=None) -> None:
	"""Lead.validate: the stage moves only as the rules allow, the next step has its day (and a closed
	lead none), her mobile's key is kept, her store is the associate's, and consent given is stamped."""
	before = doc.get_doc_before_save()
	try:
		doc.jc_stage = rules.check_stage(
			before.get("jc_stage") if before else None,
			doc.get("jc_stage"),
			doc.get("jc_lost_reason"),
			doc.flags.jc_won_by,
		)
		action, on = rules.check_next_step(
			doc.jc_stage,
			doc.get("jc_next_action"),
			getdate(doc.jc_next_action_on) if doc.get("jc_next_action_on") else None,
		)
	except rules.LeadError as error:
		frappe.throw(explain(error), title=_("Lead"))
	doc.jc_next_action, doc.jc_next_action_on = action, on
	if doc.jc_stage != rules.STAGE_LOST:
		doc.jc_lost_reason = None
	doc.set(
		mobile_keys.MOBILE_KEY,
		mobile_keys.key(doc.get("mobile_no")) or mobile_keys.key(doc.get("whatsapp_no")),
	)
	if doc.is_new() and not doc.get("jc_store"):
		doc.jc_store = store_access.home_store_for_new()
	elif doc.get("jc_store") and doc.has_value_changed("jc_store"):
		store_access.check_store(doc.jc_store)
	if doc.get("jc_referred_by") and doc.has_value_changed("jc_referred_by"):
		store_access.check_referrer(doc.jc_referred_by)
	if cint(doc.get("jc_whatsapp_opt_in")):
		doc.jc_whatsapp_opt_in_on = doc.get("jc_whatsapp_opt_in_on") or now_datetime()
		doc.jc_whatsapp_opt_in_via = doc.get("jc_whatsapp_opt_in_via") or "In store"
	else:
		doc.jc_whatsapp_opt_in_on = doc.jc_whatsapp_opt_in_via = None


def on_update(doc, method=None) -> None:
	"""Lead.on_update: a change of her WhatsApp consent leaves its audit row, as a customer's does."""
	if not doc.has_value_changed("jc_whatsapp_opt_in"):
		return
	before = doc.get_doc_before_save()
	if not before and not cint(doc.jc_whatsapp_opt_in):
		return  # a new lead who said nothing: not asking is not a no
	frappe.get_doc(
		{
			"doctype": "Consent Change",
			"lead": doc.name,
			"channel": "WhatsApp",
			"opted_in": cint(doc.jc_whatsapp_opt_in),
			"changed_on": doc.jc_whatsapp_opt_in_on or now_datetime(),
			"via": doc.jc_whatsapp_opt_in_via or "In store",
			"evidence": doc.flags.jc_consent_evidence or LEAD,
		}
	).insert(ignore_permissions=True)


def mark_won(lead: str, won_by: str = rules.WON_EXPLICITLY) -> None:
	"""The lead is Won (by a sale, or because someone says so): its next step is done."""
	doc = frappe.get_doc(LEAD, lead)
	if doc.jc_stage == rules.STAGE_WON:
		return
	doc.jc_stage = rules.STAGE_WON
	doc.flags.jc_won_by = won_by
	doc.save(ignore_permissions=won_by == rules.WON_BY_SALE)


def estimate_sent(quotation, method=None) -> None:
	"""Quotation.on_submit: an estimate to a lead (ERPNext's Quotation to a Lead) moves it to Estimate
	Sent, and its follow-up becomes the next step when it has none."""
	if quotation.get("quotation_to") != LEAD or not quotation.get("party_name"):
		return
	doc = frappe.get_doc(LEAD, quotation.party_name)
	stage = rules.stage_after_estimate(doc.jc_stage)
	if not stage:
		return
	doc.jc_stage = stage
	if not doc.jc_next_action_on:
		doc.jc_next_action = _("Follow up on estimate {0}").format(quotation.name)
		doc.jc_next_action_on = frappe.utils.add_days(
			getdate(quotation.transaction_date or nowdate()), rules.ESTIMATE_FOLLOW_UP_DAYS
		)
	doc.save(ignore_permissions=True)  # the estimate was the user's to send: the lead follows it


# --- the Today queue ----------------------------------------------------------------------------


def due(associate: str | None = None, today=None, limit: int = 200) -> list[dict]:
	"""Open leads whose next step falls today or has passed, the longest waiting first, with their age
	and whether they are overdue: an associate's own (and her store's with no owner), or for a manager
	one associate's or everyone's. Through get_list, so store limits apply."""
	today = getdate(today or nowdate())
	filters = {
		"jc_stage": ("not in", sorted(rules.CLOSED_STAGES)),
		"jc_next_action_on": ("<=", today),
	}
	or_filters = whose_queue(filters, "lead_owner", associate)
	rows = frappe.get_list(
		LEAD,
		filters=filters,
		or_filters=or_filters,
		fields=list(DUE_FIELDS),
		order_by="jc_next_action_on asc, creation asc",
		limit_page_length=max(1, min(cint(limit), 1000)),
	)
	for row in rows:
		next_on = getdate(row.jc_next_action_on)
		row.overdue = rules.is_overdue(row.jc_stage, next_on, today)
		row.age_days = rules.age_days(getdate(row.creation), today)
	return rows


def overdue_names(today=None) -> list[str]:
	"""Every open lead whose next step's day has passed (for the shop's figures; no store limits)."""
	lead = DocType(LEAD)
	today = getdate(today or nowdate())
	return [
		row[0]
		for row in frappe.qb.from_(lead)
		.select(lead.name)
		.where(
			IfNull(lead.jc_stage, rules.STAGE_NEW).notin(sorted(rules.CLOSED_STAGES))
			& (lead.jc_next_action_on < today)
		)
		.run()
	]


# --- a walk-in who did not buy, kept as a lead ---------------------------------------------------


def keep_visit_as_lead(visit) -> str:
	"""Her open lead for this walk-in (the one named, else the one with her mobile among those the
	associate may see, else a new Walk In lead of the visit's store), brought up to date with what she
	was looking for and the follow-up as its next step. Sets visit.lead; returns it."""
	lead = visit.lead or find_lead(visit.mobile)
	doc = frappe.get_doc(LEAD, lead) if lead else frappe.new_doc(LEAD)
	associate = visit.associate if visit.associate not in (None, "", "Administrator", "Guest") else None
	if doc.is_new():
		doc.update(
			{
				"first_name": visit.visitor_name,
				"mobile_no": visit.mobile,
				"source": "Walk In",
				"lead_owner": associate or frappe.session.user,
				"jc_store": visit.store,
				"jc_referred_by": visit.referred_by or None,
			}
		)
	if doc.jc_stage in (None, "", rules.STAGE_NEW, rules.STAGE_CONTACTED):
		doc.jc_stage = rules.STAGE_VISITED
	wanted = "; ".join(
		row.item_name or row.description or row.item for row in visit.get("wishlist") or [] if row
	)
	doc.jc_looking_for = wanted or doc.get("jc_looking_for")
	doc.jc_budget_band = rules.budget_band(flt(visit.budget)) or doc.get("jc_budget_band")
	if visit.occasion:
		doc.jc_occasion_type = visit.occasion
	if visit.occasion_date:
		doc.jc_occasion_date = getdate(visit.occasion_date)
	if visit.follow_up_on:
		doc.jc_next_action = _("Follow up on the walk-in of {0}").format(
			frappe.utils.formatdate(get_datetime(visit.visited_on))
		)
		doc.jc_next_action_on = getdate(visit.follow_up_on)
	if cint(visit.whatsapp_consent) and not cint(doc.get("jc_whatsapp_opt_in")):
		doc.jc_whatsapp_opt_in = 1
		doc.jc_whatsapp_opt_in_on = get_datetime(visit.visited_on or now_datetime())
		doc.jc_whatsapp_opt_in_via = "In store"
		doc.flags.jc_consent_evidence = visit.name
	# the counter keeps a visitor as a lead without the CRM's rights, as it makes a customer
	doc.save(ignore_permissions=True)
	visit.lead = doc.name
	return doc.name


def record_visit(visit) -> dict:
	"""What a walk-in kept as a lead means: her lead (found or made) knows what she was looking for,
	her consent, and the follow-up as its next step, for the associate who served her. No Customer is
	made and nothing is queued to her: the lead's owner takes the next step."""
	visit_day = getdate(visit.visited_on)
	occasion_date = getdate(visit.occasion_date) if visit.occasion_date else None
	chosen = getdate(visit.follow_up_on) if visit.follow_up_on else None
	visit.follow_up_on = walk_in_rules.follow_up_date(
		visit_day, visit.reason_not_bought, occasion_date, chosen
	)
	lead = keep_visit_as_lead(visit)
	status = _("Next step on lead {0} on {1}.").format(lead, frappe.utils.formatdate(visit.follow_up_on))
	visit.db_set(
		{"lead": lead, "follow_up_on": visit.follow_up_on, "follow_up_status": status}, update_modified=False
	)
	return {
		"visit": visit.name,
		"lead": lead,
		"customer": None,
		"new_customer": False,
		"consent_recorded": bool(cint(visit.whatsapp_consent)),
		"outreach": None,
		"outreach_planned": False,
		"follow_up_on": str(visit.follow_up_on),
		"follow_up_status": status,
	}
