"""What a segment holds, saved on it: its customers and its open leads, by the rules the preview
counts them by (services/segments.customers and services/lead_audience.open_leads, the one home of
each). Saved as every store's totals (the managers' figures) and, beside them, per store, so that a
user limited to some stores reads the saved figures of hers as the preview would count them: her
stores' and those of no store yet (store_access.sees_home_store), never another store's."""

import json

import frappe
from frappe import _
from frappe.query_builder.functions import Count, IfNull
from frappe.utils import cint, fmt_money, now_datetime

from jewel_clienteling.domain import segments as seg
from jewel_clienteling.services import lead_audience, segments, store_access

SEGMENT = segments.SEGMENT
CUSTOMERS, LEADS = "customers", "leads"


def by_store(rules: list[seg.Rule], today=None) -> dict[str, dict[str, int]]:
	"""{"customers": {store: n}, "leads": {store: n}}: what the rules hold, one grouped query each,
	keyed by the customer's home store and the lead's store ("" for none yet)."""
	customer, query = segments.customers(rules, today)
	home = IfNull(customer.jc_home_store, "")
	found = {CUSTOMERS: dict(query.select(home, Count("*")).groupby(home).run()), LEADS: {}}
	leads = lead_audience.open_leads(rules) if rules else None
	if leads:
		lead, query = leads
		store = IfNull(lead.jc_store, "")
		found[LEADS] = dict(query.select(store, Count("*")).groupby(store).run())
	return {kind: {key or "": cint(n) for key, n in counted.items()} for kind, counted in found.items()}


def recount(doc, today=None) -> None:
	"""Set the segment's saved figures as of now (on save, and by the patch for those saved before)."""
	counted = by_store(segments.rules_of(doc.get("rules")), today)
	doc.customer_count = sum(counted[CUSTOMERS].values())
	doc.leads_count = sum(counted[LEADS].values())
	doc.counts_by_store = json.dumps(counted, sort_keys=True)
	doc.counted_on = now_datetime()


def figures(saved, stores: list[str] | None) -> dict:
	"""The saved figures of a segment (its counts_by_store, as saved) a user of `stores` may read."""
	counted = json.loads(saved or "{}") if isinstance(saved, str) else (saved or {})
	return {
		kind: sum(
			cint(n)
			for key, n in (counted.get(kind) or {}).items()
			if store_access.sees_home_store(key, stores)
		)
		for kind in (CUSTOMERS, LEADS)
	}


def saved_figures(names: list[str]) -> dict[str, dict]:
	"""{segment: {"customers", "leads", "counted_on"}} for the named segments the user may read, as
	saved, counted among the stores she may see; "leads" is None for a user who may not read leads
	(as the preview leaves them out)."""
	stores = store_access.allowed_stores()
	readable = frappe.get_list(SEGMENT, filters={"name": ("in", names)}, pluck="name")
	# the per-store figures are a field managers read: read here, and given only summed for her stores
	rows = frappe.get_all(
		SEGMENT, filters={"name": ("in", readable or [""])}, fields=["name", "counts_by_store", "counted_on"]
	)
	with_leads = frappe.has_permission("Lead", "read")
	found = {}
	for row in rows:
		counted = figures(row.counts_by_store, stores)
		leads = counted[LEADS] if with_leads else None
		found[row.name] = {
			"customers": counted[CUSTOMERS],
			"leads": leads,
			"counted_on": row.counted_on,
			"text": text(counted[CUSTOMERS], leads),
		}
	return found


def text(customers: int, leads: int | None) -> str:
	""" "1,240 customers · 85 leads", in the user's language (without the leads for whom may not
	read them)."""
	said = (_("1 customer") if customers == 1 else _("{0} customers")).format(_number(customers))
	if leads is None:
		return said
	return _("{0} · {1}").format(said, (_("1 lead") if leads == 1 else _("{0} leads")).format(_number(leads)))


def _number(value: int) -> str:
	"""In the site's number format, grouped ("1,240", "1,00,000")."""
	return fmt_money(value, precision=0)
