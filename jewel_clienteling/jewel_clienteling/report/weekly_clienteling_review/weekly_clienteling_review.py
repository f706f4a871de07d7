# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

"""The manager's weekly review, one row per associate (services/review.py): follow-ups due, done on
time, overdue and skipped with reasons; leads by stage and age; conversion; and revenue from their
outreach and their leads. Emailed weekly to each store's managers by Frappe's Auto Email Report."""

from frappe import _

from jewel_clienteling.domain import review as rules
from jewel_clienteling.services import review


def execute(filters=None):
	return columns(), review.review(filters or {})


def _column(fieldname, label, fieldtype="Int", width=110, **extra):
	return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}


def columns() -> list[dict]:
	return [
		_column("associate", _("Associate"), "Link", 200, options="User"),
		_column("store", _("Store"), "Data", 150),
		_column("follow_ups_due", _("Follow-ups Due")),
		_column("done_on_time", _("Done on Time")),
		_column("on_time_rate", _("On Time %"), "Percent"),
		_column("overdue", _("Overdue")),
		_column("skipped", _("Skipped")),
		_column("skip_reasons", _("Why Skipped"), "Data", 220),
		_column("new_leads", _("New Leads")),
		_column("open_leads", _("Open Leads")),
		*[_column(rules.stage_key(stage), _(stage)) for stage in rules.OPEN_STAGES],
		_column("average_lead_age", _("Average Age of Open Leads (Days)"), "Float", 150),
		_column("leads_overdue", _("Leads Past Their Next Step"), width=150),
		_column("won", _("Won")),
		_column("lost", _("Lost")),
		_column("conversion", _("Conversion %"), "Percent"),
		_column("outreach_revenue", _("Revenue from Outreach"), "Currency", 160),
		_column("lead_revenue", _("Revenue from Leads"), "Currency", 160),
	]
