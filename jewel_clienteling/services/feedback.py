"""Her feedback after a sale or a repair: each review request carries its own signed, expiring link
(domain/signing.py, under the store's link secret) to a no-login page (www/feedback.py). The link
opens only its own question and takes one answer (Customer Feedback.request_key is unique: the
message's dedupe key). A low score becomes the store manager's ToDo that day; a high one is offered
the store's review link. The review bonus (loyalty's) is given from the record, once.
Rules: domain/feedback.py.
"""

from collections.abc import Iterator
from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import cint, get_url, getdate, now_datetime, nowdate

from jewel_clienteling.domain import feedback as feedback_rules
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.signing import TokenRefused, sign, verify
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.catalogue import secret
from jewel_clienteling.services.loyalty import award_review_bonus

FEEDBACK = "Customer Feedback"
OUTREACH = "Client Outreach"
SALE_DOCTYPES = ("Sales Invoice", "POS Invoice")

# what the page shows
ASK = "ask"
THANKS = "thanks"
ALREADY = "already"
CLOSED = "closed"


def link(key: str, due) -> str:
	"""The one-tap link of the message whose dedupe key is `key`."""
	days = cint(clienteling_settings.get_settings().get("feedback_link_days"))
	expires = feedback_rules.link_expiry(getdate(due), days)
	return get_url(f"/feedback?t={sign(secret(make=True), key, expires, feedback_rules.FEEDBACK)}")


def with_links(pages: Iterator[list[outreach_rules.Candidate]]) -> Iterator[list[outreach_rules.Candidate]]:
	"""A producer's review requests, each with its own feedback link in its context."""
	for page in pages:
		yield [
			replace(
				candidate,
				context={**candidate.context, "feedback_link": link(candidate.key, candidate.due_date)},
			)
			for candidate in page
		]


def _request(token: str | None) -> frappe._dict | None:
	"""The review request a token opens today, or None."""
	key = secret()
	if not key or not token:
		return None
	try:
		request_key = verify(key, token, getdate(nowdate()), feedback_rules.FEEDBACK)
	except TokenRefused:
		return None
	row = frappe.db.get_value(
		OUTREACH,
		{"dedupe_key": request_key, "reason": outreach_rules.REVIEW_REQUEST},
		["name", "customer", "customer_name", "reference_doctype", "reference_name", "dedupe_key"],
		as_dict=True,
	)
	return row


def open_request(token: str | None) -> dict:
	"""What the page shows for a token: the question (ASK), that it was answered (ALREADY), or CLOSED."""
	row = _request(token)
	if not row:
		return {"state": CLOSED}
	if frappe.db.exists(FEEDBACK, {"request_key": row.dedupe_key}):
		return {"state": ALREADY}
	return {"state": ASK, "first_name": (row.customer_name or "").split(" ")[0]}


def answer(token: str | None, score, comment: str | None = None) -> dict:
	"""Record her answer, once. THANKS (with the review link for a high score), ALREADY when this link
	was answered before, CLOSED when it opens nothing, ASK again when the score is not 1 to 5."""
	row = _request(token)
	if not row:
		return {"state": CLOSED}
	value = feedback_rules.parse_score(score)
	if value is None:
		return open_request(token)
	store = _store(row)
	doc = frappe.get_doc(
		{
			"doctype": FEEDBACK,
			"customer": row.customer,
			"score": value,
			"comment": feedback_rules.clean_comment(comment),
			"answered_on": now_datetime(),
			"about_doctype": row.reference_doctype,
			"about_name": row.reference_name,
			"store": store,
			"outreach": row.name,
			"request_key": row.dedupe_key,
		}
	)
	follow_up = feedback_rules.follow_up(value)
	if follow_up == feedback_rules.REVIEW_OFFERED:
		doc.review_url = review_url(store)
		doc.review_offered = 1 if doc.review_url else 0
	frappe.db.savepoint("jc_feedback_answer")
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		# answered at the same instant from another tab: the unique request key kept one
		frappe.db.rollback(save_point="jc_feedback_answer")
		return {"state": ALREADY}
	if follow_up == feedback_rules.MANAGER_CALLS:
		doc.db_set("manager_todo", _manager_todo(doc), update_modified=False)
	frappe.local.flags.commit = True
	return {"state": THANKS, "follow_up": follow_up, "review_url": doc.review_url or None}


def _store(row) -> str | None:
	"""The store the sale was made at; for a repair (or a sale without a counter), her home store."""
	store = None
	if row.reference_doctype in SALE_DOCTYPES:
		store = frappe.db.get_value(row.reference_doctype, row.reference_name, "pos_profile")
	return store or frappe.db.get_value("Customer", row.customer, "jc_home_store") or None


def review_url(store: str | None) -> str:
	"""The store's own review link, else the one in Clienteling Settings."""
	own = frappe.db.get_value("POS Profile", store, "jc_review_url") if store else None
	return own or clienteling_settings.get_settings().get("review_url") or ""


def _manager_todo(doc) -> str:
	manager = clienteling_settings.get_settings().store_manager or None
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": manager,
			"date": getdate(nowdate()),
			"priority": "High",
			"reference_type": FEEDBACK,
			"reference_name": doc.name,
			"description": _("{0} scored us {1} of 5. Call the customer today.{2}").format(
				frappe.bold(doc.customer_name or doc.customer),
				doc.score,
				("<br>" + frappe.utils.escape_html(doc.comment)) if doc.comment else "",
			),
		}
	)
	todo.insert(ignore_permissions=True)
	return todo.name


def give_review_bonus(doc) -> None:
	"""Her review appeared (`review_given` ticked): loyalty's review bonus for the sale it was about
	(a repair's, when it was billed), given once and remembered on the record."""
	if not cint(doc.review_given) or doc.review_bonus:
		return
	invoice_type, invoice = doc.about_doctype, doc.about_name
	if invoice_type == "Repair Ticket":
		invoice_type, invoice = (
			"Sales Invoice",
			frappe.db.get_value("Repair Ticket", invoice, "sales_invoice"),
		)
	settings = clienteling_settings.get_settings()
	if (
		invoice_type not in SALE_DOCTYPES
		or not invoice
		or not clienteling_settings.loyalty_enabled(settings)
		or cint(settings.review_bonus_points) <= 0
	):
		return
	entry, _given = award_review_bonus(doc.customer, invoice_type, invoice)
	doc.db_set("review_bonus", entry, update_modified=False)
