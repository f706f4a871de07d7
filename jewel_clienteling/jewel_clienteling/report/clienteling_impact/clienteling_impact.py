# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

"""What remembering earns, from the store's own invoices and messages: one row a figure, one column
for each side of the comparison (before and after the app, each store, associate or month), and
every figure's definition beside it and in the help above. Runs on the read replica when the site
has one (Frappe's query_report.run is read-only)."""

import frappe
from frappe import _
from frappe.utils import add_days, escape_html, format_date, get_fullname

from jewel_clienteling.domain import impact as rules
from jewel_clienteling.services import impact, impact_upkeep


def execute(filters=None):
	scope = impact.scope_from(filters or {})
	counts = impact.impact(scope)
	keys = rules.columns_for(scope.compare, counts, scope.first, scope.last)
	labels = [column_label(scope, key) for key in keys]
	rows = rules.table(counts, keys)
	data = rows_with_words(rows)
	return columns(keys, labels), data, message(scope), chart(rows, labels), summary(scope, counts)


def column_label(scope, key: str) -> str:
	if scope.compare == rules.BEFORE_AND_AFTER:
		if scope.arrival is None:
			return _("All")
		month = scope.arrival.replace(day=1)  # counted by month: the month it arrived is with the app
		if key == rules.BEFORE:
			return _("Before the App (to {0})").format(format_date(add_days(month, -1)))
		return _("With the App (from {0})").format(format_date(month))
	if scope.compare == rules.MONTH:
		return format_date(key, "MMM yyyy")
	if scope.compare == rules.ASSOCIATE:
		return get_fullname(key) if key else _("Not Known")
	return key or _("No Store")


def columns(keys: list[str], labels: list[str]) -> list[dict]:
	return [
		{"fieldname": "figure", "label": _("Figure"), "fieldtype": "Data", "width": 300},
		*(
			# `column` says which side of the comparison it is (BEFORE/AFTER, a store, an associate, a month)
			{"fieldname": f"c{index}", "label": label, "fieldtype": "Data", "width": 170, "column": key}
			for index, (key, label) in enumerate(zip(keys, labels, strict=True))
		),
		{"fieldname": "definition", "label": _("How It Is Counted"), "fieldtype": "Data", "width": 500},
	]


def rows_with_words(rows: list[dict]) -> list[dict]:
	"""The figures in sections, each with its label and definition in the user's language."""
	words = definitions()
	sections = {
		"Come-back": _("Do first-time buyers come back?"),
		"Spend": _("What a visit is worth"),
		"Outreach": _("Timed messages against broadcast campaigns"),
		"Referrals": _("Referrals"),
	}
	found, section = [], None
	for row in rows:
		if row["section"] != section:
			section = row["section"]
			title = sections.get(section) or _("{0}: what became of a message").format(_(section))
			found.append({"figure": title, "is_section": 1})
		label, definition = words[row["figure"]]
		found.append({**row, "key": row["figure"], "figure": label, "definition": definition, "indent": 1})
	return found


def definitions() -> dict[str, tuple[str, str]]:
	"""Every figure's label and how it is counted (the README says the same)."""
	found = {
		"first_time_buyers": (
			_("First-time buyers"),
			_(
				"Customers whose first visit ever (at any store, before the app too) was in the period; counted at the store, associate and month of that visit."
			),
		),
		"matured_buyers": (
			_("… whose 12 months are over"),
			_(
				"First-time buyers whose first visit is in a month that ended at least 12 months ago, so whether they came back is known."
			),
		),
		"came_back": (
			_("… who came back within 12 months"),
			_(
				"Of those, the ones who bought again on a later day, at any store, within 12 months of their first visit."
			),
		),
		"come_back_rate": (
			_("Come-back rate"),
			_("Came back within 12 months ÷ first-time buyers whose 12 months are over."),
		),
		"first_visits": (
			_("First visits"),
			_(
				"A visit is a day a customer bought at a store: the customer's submitted invoices that day at that counter (POS Invoices, and Sales Invoices that are not a POS closing's); returns, cancelled invoices and the walk-in customer are left out. A first visit is the customer's first ever."
			),
		),
		"first_visit_spend": (
			_("Average spend, first visit"),
			_(
				"What first visits came to (invoice grand totals in the company currency) ÷ their number. A later return does not change it."
			),
		),
		"repeat_visits": (_("Repeat visits"), _("Visits in the period by customers who had visited before.")),
		"repeat_visit_spend": (
			_("Average spend, repeat visit"),
			_("What repeat visits came to ÷ their number."),
		),
		"repeat_over_first": (
			_("Repeat ÷ first-visit spend"),
			_("Average spend of a repeat visit ÷ that of a first visit: 2.0x means twice as much."),
		),
		"referred_new_buyers": (
			_("New customers by referral"),
			_("First visits in the period of customers whose Referred By names another customer."),
		),
		"referred_visits": (
			_("Visits by referred customers"),
			_("All visits in the period of referred customers."),
		),
		"referred_revenue": (
			_("Spend of referred customers"),
			_("What referred customers' visits in the period came to."),
		),
	}
	kinds = {
		rules.TIMED: (
			_("Timed"),
			_(
				"occasions, after a purchase, and a word to stay in touch when the customer has not been in (Lapsed)"
			),
		),
		rules.BROADCAST: (_("Broadcast"), _("campaigns sending the same message to many")),
	}
	for kind, (name, reasons) in kinds.items():
		slug = kind.lower()
		found[f"{slug}_sent"] = (
			_("{0}: messages sent").format(name),
			_(
				"Outreach about {0} that went out in the period: its sent time is in the period and it was sent (Sent, Delivered, Read, Replied or Done)."
			).format(reasons),
		)
		found[f"{slug}_reply_rate"] = (
			_("{0}: replied").format(name),
			_("Of those sent, the share the customer answered (a reply recorded on the outreach)."),
		)
		found[f"{slug}_conversion_rate"] = (
			_("{0}: bought after").format(name),
			_(
				"Of those sent, the share a sale was credited to: the customer bought within the attribution window after it (Clienteling Settings), each sale credited to one message."
			),
		)
		found[f"{slug}_revenue"] = (
			_("{0}: revenue of the sales credited").format(name),
			_("What the sales credited to those messages came to."),
		)
	found["timed_over_broadcast"] = (
		_("Timed ÷ broadcast reply rate"),
		_("How many times more often a timed message is answered than a campaign's."),
	)
	for channel, how in channel_sources().items():
		slug = channel.lower()
		found[f"{slug}_sent"] = (
			_("{0}: sent").format(_(channel)),
			_("Messages of every reason that went out on {0} in the period.").format(_(channel)),
		)
		for step, (label, source) in zip(rules.STEPS, how, strict=True):
			found[f"{slug}_{step}_rate"] = (_("{0}: {1}").format(_(channel), label), source)
	return found


def channel_sources() -> dict[str, tuple[tuple[str, str], ...]]:
	"""Where each channel's delivered, read and replied come from, in words."""
	replied = (_("replied"), _("Of those sent, the share with a reply recorded on the outreach."))
	unknown = _("Not reported by this channel; shown only where some message recorded it.")
	return {
		"WhatsApp": (
			(
				_("delivered"),
				_("Of those sent, the share WhatsApp reported delivered (or read, or answered)."),
			),
			(_("read"), _("Of those sent, the share WhatsApp reported read (or answered).")),
			replied,
		),
		"SMS": (
			(
				_("delivered"),
				_(
					"ERPNext's SMS gateway reports no delivery: shown only where a delivery was recorded on the outreach."
				),
			),
			(_("read"), unknown),
			replied,
		),
		"Email": (
			(
				_("delivered"),
				_(
					"Of those sent, the share Frappe's email queue handed to the mail server (Email Queue sent, or the Communication's delivery status), or read."
				),
			),
			(
				_("read"),
				_(
					"Of those sent, the share opened, as Frappe's read tracking records on the email's Communication (the email account must track email status)."
				),
			),
			(
				_("replied"),
				_(
					"Of those sent, the share with a reply recorded on the outreach or an email received on it."
				),
			),
		),
		"Manual": (
			(_("delivered"), _("Sent from the associate's own phone: not known.")),
			(_("read"), unknown),
			replied,
		),
	}


def message(scope) -> str:
	"""The help above the report: what is counted, over which period, and how fresh it is."""
	state = impact_upkeep.status()
	lines = [
		_("Period: {0} to {1}, whole months.").format(format_date(scope.first), format_date(scope.last)),
		_(
			"The app arrived on {0}: the day it was installed, or the day its first message went out when that was earlier. Choose another day under App Arrived On."
		).format(format_date(scope.arrival))
		if scope.arrival
		else _("The app's arrival is not known yet."),
		_(
			"Sales are read from a table kept from the invoices every ten minutes, including invoices made before the app; last brought up to date {0}."
		).format(frappe.utils.format_datetime(state["synced_to"]) if state["synced_to"] else _("never")),
	]
	if state["learning_past"]:
		lines.append(
			_("Still learning the store's past: {0} customers to go.").format(state["customers_left"])
		)
	if scope.stores is not None:
		lines.append(
			_("Stores: {0}. Outreach is counted for the customers whose home store they are.").format(
				", ".join(escape_html(store) for store in scope.stores)
			)
		)
	definitions_list = "".join(
		f"<li><b>{escape_html(label)}</b>: {escape_html(text)}</li>" for label, text in definitions().values()
	)
	return (
		"".join(f"<p>{line}</p>" for line in lines)
		+ f"<details><summary>{_('How each figure is counted')}</summary><ul>{definitions_list}</ul></details>"
	)


def chart(rows: list[dict], labels: list[str]) -> dict:
	wanted = {
		"come_back_rate": _("Come-back rate"),
		"timed_reply_rate": _("Timed: replied"),
		"broadcast_reply_rate": _("Broadcast: replied"),
	}
	by_key = {row["figure"]: row for row in rows}
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": name, "values": [by_key[key][f"c{i}"] or 0 for i in range(len(labels))]}
				for key, name in wanted.items()
			],
		},
		"type": "bar",
		"fieldtype": "Percent",
	}


def summary(scope, counts: dict[str, rules.Counts]) -> list[dict]:
	"""The headline figures: before → after when comparing with the app, else for the whole scope."""
	if scope.compare == rules.BEFORE_AND_AFTER:
		sides = [rules.figures(counts.get(key, rules.Counts())) for key in (rules.BEFORE, rules.AFTER)]
	else:
		sides = [rules.figures(rules.total(counts.values()))]
	headline = (
		("come_back_rate", _("Come-back rate"), "%"),
		("repeat_over_first", _("Repeat ÷ first-visit spend"), "x"),
		("timed_over_broadcast", _("Timed ÷ broadcast reply rate"), "x"),
		("whatsapp_read_rate", _("WhatsApp read"), "%"),
		("email_read_rate", _("Email read"), "%"),
		("referred_revenue", _("Spend of referred customers"), ""),
	)
	found = []
	for key, label, unit in headline:
		values = [side[key] for side in sides]
		text = " → ".join(
			"-" if value is None else f"{frappe.format(value, 'Float' if unit else 'Currency')}{unit}"
			for value in values
		)
		found.append({"value": text, "label": label, "datatype": "Data", "indicator": "Blue"})
	return found
