"""Occasions in the database, kept current. (What a sale's capture fields teach is learnt in
services/learning.py.)"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain.occasions import next_occurrence
from jewel_clienteling.services import settings as clienteling_settings


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
