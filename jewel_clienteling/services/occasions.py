"""Occasions in the database: kept current, and learnt from what a sale's capture fields say."""

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain.occasions import (
	next_occurrence,
	occasion_from_purchase,
	occasion_key,
)
from jewel_clienteling.services import settings as clienteling_settings

CAPTURED_AT_SALE = "Captured at Sale"


def sync_captured(customer: str, kept_sales: list[frappe._dict]) -> None:
	"""Make the captured Occasions equal what her kept sales say: add what is new, remove what a
	cancelled or returned sale had said. Occasions asked or edited by an associate are left alone."""
	learnt = {}
	for sale in kept_sales:
		captured = occasion_from_purchase(
			sale.jc_purchase_occasion,
			sale.jc_occasion_date,
			sale.jc_recipient_name,
			sale.jc_recipient_relation,
		)
		if captured:
			key = occasion_key(
				customer, captured.occasion_type, captured.person_name, captured.day, captured.month
			)
			learnt.setdefault(key, (captured, sale))

	existing = frappe.get_all(
		"Occasion", filters={"customer": customer}, fields=["name", "occasion_key", "source"]
	)
	known = {row.occasion_key for row in existing}
	for key, (captured, sale) in learnt.items():
		if key in known:
			continue
		frappe.get_doc(
			{
				"doctype": "Occasion",
				"customer": customer,
				"occasion_type": captured.occasion_type,
				"person_name": captured.person_name,
				"relation": captured.relation,
				"day": captured.day,
				"month": str(captured.month),
				"year": captured.year,
				"source": CAPTURED_AT_SALE,
				"source_doctype": sale.doctype,
				"source_name": sale.name,
			}
		).insert(ignore_permissions=True)
	for row in existing:
		if row.source == CAPTURED_AT_SALE and row.occasion_key not in learnt:
			frappe.delete_doc("Occasion", row.name, ignore_permissions=True, force=True)


def advance_past_occurrences(today=None, batch_size: int = 1000) -> int:
	"""Move every occasion whose date has passed to its next one. Reads only rows already past
	(an index range on next_occurrence), so the cost follows what happened, not how many there are;
	a day the scheduler missed is caught up because everything before today qualifies."""
	today = getdate(today or nowdate())
	policy = clienteling_settings.feb29_policy()
	occasion = DocType("Occasion")
	moved = 0
	while True:
		rows = (
			frappe.qb.from_(occasion)
			.select(occasion.name, occasion.day, occasion.month)
			.where(occasion.next_occurrence < today)
			.orderby(occasion.next_occurrence)
			.limit(batch_size)
			.run(as_dict=True)
		)
		if not rows:
			return moved
		for row in rows:
			upcoming = next_occurrence(int(row.day), int(row.month), today, policy)
			frappe.db.set_value("Occasion", row.name, "next_occurrence", upcoming, update_modified=False)
		moved += len(rows)
		# a scheduler job, a batch per transaction: a rerun goes on from the last batch
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
