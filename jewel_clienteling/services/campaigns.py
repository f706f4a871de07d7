"""A campaign to many customers at once (a festival preview, a gold-coin offer): its audience is
gone through a page at a time by a background job that plans one outreach per customer through the
same queue as every other message, so consent, quiet hours and the frequency cap apply. Progress is
published to the form as it goes, and a manager can stop it: the job ends at the next page and what
was not yet sent is withdrawn."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import cint, flt, getdate, now_datetime

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.services import claims, lead_audience, segments
from jewel_clienteling.services.outreach import Queue

CAMPAIGN = "Client Campaign"
PAGE = 500
PROGRESS_EVENT = "jc_campaign_progress"


def audience(doc, after: str = "", limit: int | None = None) -> list[str]:
	"""Her customers matching the campaign's filters, by name, after `after`."""
	customer = DocType("Customer")
	query = frappe.qb.from_(customer).select(customer.name).where(customer.disabled == 0)
	query = _filtered(query, customer, doc)
	if after:
		query = query.where(customer.name > after)
	query = query.orderby(customer.name)
	if limit:
		query = query.limit(limit)
	return [row[0] for row in query.run()]


def count_audience(doc) -> int:
	customer = DocType("Customer")
	query = frappe.qb.from_(customer).select(Count("*")).where(customer.disabled == 0)
	return cint(_filtered(query, customer, doc).run()[0][0])


def _filtered(query, customer, doc):
	for field, column, tree in (
		("customer_group", customer.customer_group, "Customer Group"),
		("territory", customer.territory, "Territory"),
	):
		if doc.get(field):
			# a group in the tree means everything under it too ("All Territories" is everyone)
			names = [doc.get(field), *(frappe.db.get_descendants(tree, doc.get(field)) or [])]
			query = query.where(column.isin(names))
	for field, column in (
		("lifecycle_stage", customer.jc_lifecycle_stage),
		("loyalty_tier", customer.jc_loyalty_tier),
	):
		if doc.get(field):
			query = query.where(column == doc.get(field))
	if flt(doc.get("min_lifetime_value")) > 0:
		query = query.where(customer.jc_lifetime_value >= flt(doc.min_lifetime_value))
	if doc.get("segment"):
		query = segments.where_rules(query, customer, segments.segment_rules(doc.segment))
	walk_in = frappe.db.get_single_value("Clienteling Settings", "walk_in_customer")
	if walk_in:
		query = query.where(customer.name != walk_in)
	return query


def start(name: str) -> None:
	doc = frappe.get_doc(CAMPAIGN, name)
	if doc.status not in ("Draft", "Stopped"):
		frappe.throw(_("This campaign is already {0}.").format(_(doc.status)))
	doc.db_set({"status": "Running", "started_on": doc.started_on or now_datetime(), "finished_on": None})
	frappe.enqueue(
		"jewel_clienteling.services.campaigns.run",
		queue="long",
		job_id=f"jewel_clienteling:campaign:{name}",
		deduplicate=True,
		enqueue_after_commit=True,
		name=name,
	)


def run(name: str, page: int = PAGE, pages: int | None = None) -> dict:
	"""Background job: plan the rest of the audience, a page per transaction, resuming where the
	last page ended. Each page holds the campaign's row lock, so two runs (or a run and a stop) take
	turns; a customer is never planned twice (one dedupe key each). `pages` stops early (the rest
	waits for the next run)."""
	done = 0
	while pages is None or done < pages:
		done += 1
		if not frappe.db.exists(CAMPAIGN, name):
			break  # deleted while its job waited in the queue: nothing left to plan
		doc = frappe.get_doc(CAMPAIGN, name, for_update=True)
		if doc.status != "Running":
			break
		customers = audience(doc, after=doc.last_customer or "", limit=page)
		if not customers:
			# her customers are planned: the leads of the audience go to their owners, with consent
			leads = lead_audience.plan_campaign(doc)
			doc.db_set(
				{
					"status": "Completed",
					"finished_on": now_datetime(),
					"leads_planned": cint(doc.get("leads_planned")) + leads["leads_planned"],
				}
			)
			# a background job: the campaign is Completed for good before the browser is told
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			publish(doc)
			break
		queue = Queue()
		queue.add([candidate(doc, customer) for customer in customers])
		doc.db_set(
			{
				"processed": cint(doc.processed) + len(customers),
				"planned": cint(doc.planned) + queue.planned,
				"skipped": cint(doc.skipped) + queue.skipped,
				"last_customer": customers[-1],
			},
			update_modified=False,
		)
		# a background job, a page per transaction: a rerun resumes after the last committed page
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		publish(doc)
	return progress(name)


def candidate(doc, customer: str) -> outreach_rules.Candidate:
	return outreach_rules.Candidate(
		customer=customer,
		reason=outreach_rules.CAMPAIGN,
		reference_doctype=CAMPAIGN,
		reference_name=doc.name,
		cycle=doc.name,
		due_date=getdate(doc.send_on),
		step=doc.name,
		context={
			"campaign": doc.campaign_name,
			"outreach_template": doc.outreach_template or "",
			"whatsapp_template": doc.whatsapp_template or "",
		},
	)


def stop(name: str) -> int:
	"""Stop the campaign; whatever of it has not gone out yet is withdrawn. Returns how many."""
	status = frappe.db.get_value(CAMPAIGN, name, "status", for_update=True)
	if status != "Running":
		frappe.throw(_("Only a running campaign can be stopped."))
	frappe.db.set_value(CAMPAIGN, name, {"status": "Stopped", "finished_on": now_datetime()})
	lead_audience.withdraw(frappe.get_doc(CAMPAIGN, name))
	return withdraw(name)


def withdraw(name: str) -> int:
	"""Its outreach still waiting (and not being sent this minute) becomes Skipped."""
	outreach = DocType(claims.OUTREACH)
	now = now_datetime()
	waiting = (
		(outreach.reference_doctype == CAMPAIGN)
		& (outreach.reference_name == name)
		& outreach.status.isin(lifecycle.OPEN)
		& (outreach.claimed_until.isnull() | (outreach.claimed_until < now))
	)
	count = frappe.qb.from_(outreach).select(Count("*")).where(waiting).for_update().run()[0][0]
	frappe.qb.update(outreach).set(outreach.status, lifecycle.SKIPPED).set(
		outreach.skip_reason, _("The campaign was stopped.")
	).set(outreach.modified, now).where(waiting).run()
	return cint(count)


def progress(name: str) -> dict:
	doc = frappe.get_doc(CAMPAIGN, name)
	outreach = DocType(claims.OUTREACH)
	by_status = dict(
		frappe.qb.from_(outreach)
		.select(outreach.status, Count("*"))
		.where((outreach.reference_doctype == CAMPAIGN) & (outreach.reference_name == name))
		.groupby(outreach.status)
		.run()
	)
	total = count_audience(doc)
	return {
		"status": doc.status,
		"audience": total,
		"processed": cint(doc.processed),
		"planned": cint(doc.planned),
		"skipped": cint(doc.skipped),
		"percent": round(100 * min(cint(doc.processed), total) / total, 1) if total else 100.0,
		"messages": by_status,
	}


def publish(doc) -> None:
	frappe.publish_realtime(
		PROGRESS_EVENT,
		progress(doc.name),
		doctype=CAMPAIGN,
		docname=doc.name,
		after_commit=True,
	)
