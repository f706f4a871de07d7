"""The associate's Today queue: what is due for me (or, for a manager, for everyone), each with its
drafted message and a wa.me link; marking one done; skipping one; handing an associate's customers
to another when she leaves."""

import re

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, getdate, now_datetime

from jewel_clienteling.api import arguments_required
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.services import channels, outreach_lifecycle, rhythm
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import skip_text
from jewel_clienteling.services.outreach_facts import customer_contact
from jewel_clienteling.services.roles import is_manager, require_manager, whose_queue

OUTREACH = "Client Outreach"
QUEUE_FIELDS = [
	"name",
	"customer",
	"customer_name",
	"reason",
	"step",
	"purpose",
	"due_date",
	"expires_on",
	"channel",
	"phone",
	"message",
	"held_reason",
	"assigned_to",
	"reference_doctype",
	"reference_name",
]


@frappe.whitelist(methods=["GET", "POST"])
@arguments_required
def today(associate: str | None = None, limit: int = 200) -> dict:
	"""Outreach due today and still worth sending, grouped by associate, most urgent first (what goes
	stale soonest, then the more important reason). An associate sees her own (and, so nothing waits
	for nobody, the unassigned ones); a manager sees everyone's or one associate's."""
	frappe.has_permission(OUTREACH, "read", throw=True)
	filters = outreach_lifecycle.due_filters()
	or_filters = whose_queue(filters, "assigned_to", associate)
	rows = frappe.get_list(
		OUTREACH,
		filters=filters,
		or_filters=or_filters,
		fields=QUEUE_FIELDS,
		order_by="expires_on asc, due_date asc, customer_name asc",
		limit_page_length=max(1, min(cint(limit), 1000)),
	)
	rows.sort(key=lambda row: lifecycle.urgency(getdate(row.expires_on), row.reason, getdate(row.due_date)))
	region = clienteling_settings.get_settings().default_region or "IN"
	automatic = channels.automatic_channels()
	groups: dict[str, dict] = {}
	for row in rows:
		if not row.held_reason and channels.sends_by_itself(row, automatic):
			continue  # a job sends it; nobody needs to
		row.whatsapp_link = channels.manual_link(row, region)
		key = row.assigned_to or ""
		if key not in groups:
			groups[key] = {
				"associate": key,
				"associate_name": frappe.utils.get_fullname(key) if key else _("Not assigned"),
				"outreach": [],
			}
		groups[key]["outreach"].append(row)
	return {"is_manager": is_manager(), "groups": list(groups.values())}


@frappe.whitelist(methods=["POST"])
@arguments_required
def mark_done(name: str, message: str | None = None, sending: bool = False) -> dict:
	"""She was contacted by hand (a call, a visit): record it, with the text actually sent. `sending`:
	the associate is about to send it now (the wa.me link), so it goes only if her rhythm still allows;
	a contact already made is recorded as it happened."""
	frappe.has_permission(OUTREACH, "write", name, throw=True)
	doc = frappe.get_doc(OUTREACH, name)
	if doc.status not in lifecycle.OPEN:
		frappe.throw(_("This outreach is already {0}.").format(_(doc.status)))
	if doc.claimed_until and get_datetime(doc.claimed_until) > now_datetime():
		frappe.throw(_("This message is being sent right now; it needs nothing from you."))
	if doc.purpose == outreach_rules.MARKETING:
		_check_marketing_consent(doc.customer)
		held = _hold_if_crowded(doc) if sending else None
		if held:
			return held
	if message is not None:
		doc.message = message
	doc.status = lifecycle.DONE
	doc.sent_on = now_datetime()
	doc.sent_by = frappe.session.user
	doc.flags.ignore_permlevel_for_fields = ["sent_on", "sent_by"]  # set here, never by her
	doc.save()
	return {"name": doc.name, "status": doc.status}


@frappe.whitelist(methods=["POST"])
@arguments_required
def skip(name: str, reason: str) -> dict:
	"""Not this time, and why (she already visited, she is travelling...)."""
	frappe.has_permission(OUTREACH, "write", name, throw=True)
	doc = frappe.get_doc(OUTREACH, name)
	if doc.status not in lifecycle.OPEN:
		frappe.throw(_("This outreach is already {0}.").format(_(doc.status)))
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(_("Say why this outreach is skipped."))
	doc.status = lifecycle.SKIPPED
	doc.skip_reason = reason[:1000]
	doc.save()
	return {"name": doc.name, "status": doc.status}


@frappe.whitelist(methods=["POST"])
@arguments_required
def reassign(from_user: str, to_user: str) -> dict:
	"""An associate leaves: her open outreach and her customers go to another associate."""
	require_manager(_("Only a Clienteling Manager can hand over customers."))
	if from_user == to_user:
		frappe.throw(_("Choose a different associate to hand over to."))
	if not frappe.db.get_value("User", {"name": to_user, "enabled": 1}):
		frappe.throw(_("{0} is not an active user.").format(to_user))
	old_name, new_name = (_first_name(from_user), _first_name(to_user))
	open_rows = frappe.get_all(
		OUTREACH,
		filters={"assigned_to": from_user, "status": ["in", lifecycle.OPEN]},
		fields=["name", "message"],
	)
	for row in open_rows:
		# the drafted message is signed by the associate: sign it with the new one's name
		message = row.message or ""
		if old_name:
			signed = re.compile(rf"— {re.escape(old_name)}(?![\w-])")
			message = signed.sub(lambda _match: f"— {new_name}", message)
		frappe.db.set_value(OUTREACH, row.name, {"assigned_to": to_user, "message": message})
	customers = frappe.get_all("Customer", filters={"jc_preferred_associate": from_user}, pluck="name")
	for customer in customers:
		frappe.db.set_value("Customer", customer, "jc_preferred_associate", to_user)
	return {"outreach": len(open_rows), "customers": len(customers)}


def _hold_if_crowded(doc) -> dict | None:
	"""Sent by hand days after it was planned: when another marketing message reached her within her
	rhythm (or the store's cap) meanwhile, it does not go. It is Skipped with the frequency cap's
	reason, and the associate is told why (the same rule as the senders', services/rhythm.py)."""
	gap = rhythm.crowds_her(doc, frappe.db.get_value("Customer", doc.customer, "jc_contact_rhythm"))
	if not gap:
		return None
	doc.status = lifecycle.SKIPPED
	doc.skip_reason = skip_text(outreach_rules.SKIP_FREQUENCY_CAP)
	doc.save()
	why = _(
		"Not sent: {0} already received another message in the last {1} days, and hears from the store at"
		" most once in {1} days. This outreach is now skipped."
	).format(doc.customer_name or doc.customer, gap)
	frappe.msgprint(why, title=_("Held back"), indicator="orange")
	return {"name": doc.name, "status": doc.status, "held": why}


def _first_name(user: str) -> str:
	return (frappe.db.get_value("User", user, "first_name") or "").strip()


def _check_marketing_consent(customer: str) -> None:
	contact = customer_contact(customer)
	channel = outreach_rules.choose_channel(outreach_rules.MARKETING, contact)[0] if contact else None
	if not channel:
		frappe.throw(
			_(
				"The customer has not agreed to marketing messages (or asked not to be contacted), so this cannot be sent."
			)
		)
