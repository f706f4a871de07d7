"""The Clienteling Impact figures written again as plain SQL over the invoices, messages and emails
themselves, for the tests to hold the report to. Nothing here calls the app's code: the definitions
are restated from the README ("What remembering earns")."""

import frappe

SALES = """
	SELECT customer, posting_date AS day, IFNULL(pos_profile, '') AS store, owner, creation,
		base_grand_total AS amount
	FROM `tabPOS Invoice` WHERE docstatus = 1 AND is_return = 0
	UNION ALL
	SELECT customer, posting_date, IFNULL(pos_profile, ''), owner, creation, base_grand_total
	FROM `tabSales Invoice` WHERE docstatus = 1 AND is_return = 0 AND is_consolidated = 0
"""

VISITS = """
	WITH sales AS (__SALES__),
	visits AS (
		SELECT customer, day, store, SUM(amount) AS amount,
			SUBSTRING_INDEX(GROUP_CONCAT(owner ORDER BY creation, owner SEPARATOR '|'), '|', 1) AS associate
		FROM sales WHERE customer <> %(walk_in)s
		GROUP BY customer, day, store
	),
	ranked AS (
		SELECT v.*, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY day, store) AS nth,
			(SELECT MIN(w.day) FROM visits w WHERE w.customer = v.customer AND w.day > v.day) AS next_day
		FROM visits v
	)
	SELECT {column} AS col, r.nth = 1 AS first_visit,
		IFNULL(c.jc_referred_by, '') <> '' AS referred,
		COUNT(*) AS visits, SUM(r.amount) AS amount,
		SUM(DATE_FORMAT(r.day, '%%Y-%%m-01') <= %(matured)s) AS matured,
		SUM(DATE_FORMAT(r.day, '%%Y-%%m-01') <= %(matured)s
			AND IFNULL(r.next_day <= r.day + INTERVAL 12 MONTH, 0)) AS came_back
	FROM ranked r JOIN `tabCustomer` c ON c.name = r.customer
	WHERE r.day BETWEEN %(first)s AND %(last)s
		AND (%(store)s = '' OR r.store = %(store)s)
		AND (%(associate)s = '' OR r.associate = %(associate)s)
	GROUP BY 1, 2, 3
""".replace("__SALES__", SALES)

VISIT_COLUMNS = {
	"side": "CASE WHEN r.day < %(arrival_month)s THEN 'Before' ELSE 'After' END",
	"store": "r.store",
	"associate": "IFNULL(r.associate, '')",
	"month": "DATE_FORMAT(r.day, '%%Y-%%m-01')",
}

# a reply means it was read, and a read that it was delivered, on the channels that report those
# steps (WhatsApp; email, whose Communication and queue say the rest)
OUTREACH = """
	SELECT {column} AS col, o.reason, o.channel, COUNT(*) AS sent,
		SUM(o.delivered_on IS NOT NULL
			OR (o.channel IN ('WhatsApp', 'Email') AND (o.read_on IS NOT NULL
				OR o.replied_on IS NOT NULL OR o.status = 'Replied'))
			OR (o.channel = 'Email' AND (IFNULL(q.sent, 0) OR IFNULL(m.handed, 0)
				OR IFNULL(m.opened, 0) OR IFNULL(m.received, 0)))) AS delivered,
		SUM(o.read_on IS NOT NULL
			OR (o.channel IN ('WhatsApp', 'Email') AND (o.replied_on IS NOT NULL OR o.status = 'Replied'))
			OR (o.channel = 'Email' AND (IFNULL(m.opened, 0) OR IFNULL(m.received, 0)))) AS `read`,
		SUM(o.replied_on IS NOT NULL OR o.status = 'Replied'
			OR (o.channel = 'Email' AND IFNULL(m.received, 0))) AS replied,
		SUM(o.attributed_amount > 0) AS converted, SUM(o.attributed_amount) AS revenue
	FROM `tabClient Outreach` o
	LEFT JOIN `tabCustomer` c ON c.name = o.customer
	LEFT JOIN (
		SELECT reference_name,
			MAX(delivery_status IN ('Sent', 'Opened', 'Read', 'Clicked')) AS handed,
			MAX(read_by_recipient = 1) AS opened, MAX(sent_or_received = 'Received') AS received
		FROM `tabCommunication` WHERE reference_doctype = 'Client Outreach' GROUP BY reference_name
	) m ON m.reference_name = o.name
	LEFT JOIN (
		SELECT reference_name, 1 AS sent FROM `tabEmail Queue`
		WHERE reference_doctype = 'Client Outreach' AND status = 'Sent' GROUP BY reference_name
	) q ON q.reference_name = o.name
	WHERE o.status IN ('Sent', 'Delivered', 'Read', 'Replied', 'Done')
		AND o.sent_on >= %(first)s AND o.sent_on < %(last)s + INTERVAL 1 DAY
		AND (%(store)s = '' OR c.jc_home_store = %(store)s)
		AND (%(associate)s = '' OR o.assigned_to = %(associate)s)
	GROUP BY 1, 2, 3
"""

OUTREACH_COLUMNS = {
	"side": "CASE WHEN o.sent_on < %(arrival_month)s THEN 'Before' ELSE 'After' END",
	"store": "IFNULL(c.jc_home_store, '')",
	"associate": "IFNULL(o.assigned_to, '')",
	"month": "DATE_FORMAT(o.sent_on, '%%Y-%%m-01')",
}
TIMED = ("Occasion", "Post-purchase", "Lapsed")
CHANNELS = ("WhatsApp", "SMS", "Email", "Manual")


def expected(column: str, values: dict) -> dict[str, dict]:
	"""Every figure by column key, from the SQL above and arithmetic (see the README)."""
	values = {"store": "", "associate": "", "walk_in": "", **values}
	found: dict[str, dict] = {}

	def side(key) -> dict:
		return found.setdefault(str(key), {"msg": {}})

	for row in frappe.db.sql(VISITS.format(column=VISIT_COLUMNS[column]), values, as_dict=True):
		counts = side(row.col)
		kind = "first" if row.first_visit else "repeat"
		counts[f"{kind}_visits"] = counts.get(f"{kind}_visits", 0) + int(row.visits)
		counts[f"{kind}_amount"] = counts.get(f"{kind}_amount", 0) + float(row.amount)
		if row.first_visit:
			counts["matured"] = counts.get("matured", 0) + int(row.matured)
			counts["came_back"] = counts.get("came_back", 0) + int(row.came_back)
		if row.referred:
			counts["referred_visits"] = counts.get("referred_visits", 0) + int(row.visits)
			counts["referred_amount"] = counts.get("referred_amount", 0) + float(row.amount)
			if row.first_visit:
				counts["referred_new"] = counts.get("referred_new", 0) + int(row.visits)
	for row in frappe.db.sql(OUTREACH.format(column=OUTREACH_COLUMNS[column]), values, as_dict=True):
		messages = side(row.col)["msg"]
		kind = "timed" if row.reason in TIMED else "broadcast" if row.reason == "Campaign" else None
		for key in (kind, row.channel):
			if key:
				total = messages.setdefault(
					key, dict.fromkeys(("sent", "delivered", "read", "replied", "converted", "revenue"), 0)
				)
				for name in total:
					total[name] += float(row[name] or 0)
	return {key: figures(counts) for key, counts in found.items()}


def pct(part, whole):
	return round(100.0 * part / whole, 1) if whole else None


def figures(counts: dict) -> dict:
	first, repeat = counts.get("first_visits", 0), counts.get("repeat_visits", 0)
	first_spend = round(counts["first_amount"] / first, 2) if first else None
	repeat_spend = round(counts["repeat_amount"] / repeat, 2) if repeat else None
	empty = dict.fromkeys(("sent", "delivered", "read", "replied", "converted", "revenue"), 0)
	timed, broadcast = counts["msg"].get("timed", empty), counts["msg"].get("broadcast", empty)
	found = {
		"first_time_buyers": first,
		"matured_buyers": counts.get("matured", 0),
		"came_back": counts.get("came_back", 0),
		"come_back_rate": pct(counts.get("came_back", 0), counts.get("matured", 0)),
		"first_visits": first,
		"first_visit_spend": first_spend,
		"repeat_visits": repeat,
		"repeat_visit_spend": repeat_spend,
		"repeat_over_first": round(repeat_spend / first_spend, 2) if first_spend and repeat_spend else None,
		"referred_new_buyers": counts.get("referred_new", 0),
		"referred_visits": counts.get("referred_visits", 0),
		"referred_revenue": round(counts.get("referred_amount", 0), 2),
	}
	for kind, messages in (("timed", timed), ("broadcast", broadcast)):
		found[f"{kind}_sent"] = int(messages["sent"])
		found[f"{kind}_reply_rate"] = pct(messages["replied"], messages["sent"])
		found[f"{kind}_conversion_rate"] = pct(messages["converted"], messages["sent"])
		found[f"{kind}_revenue"] = round(messages["revenue"], 2)
	timed_reply, broadcast_reply = found["timed_reply_rate"], found["broadcast_reply_rate"]
	found["timed_over_broadcast"] = (
		round(timed_reply / broadcast_reply, 2) if timed_reply and broadcast_reply else None
	)
	for channel in CHANNELS:
		messages, slug = counts["msg"].get(channel, empty), channel.lower()
		found[f"{slug}_sent"] = int(messages["sent"])
		reported = ("delivered", "read") if channel in ("WhatsApp", "Email") else ()
		for step in ("delivered", "read", "replied"):
			shown = step == "replied" or step in reported or messages[step] > 0
			found[f"{slug}_{step}_rate"] = pct(messages[step], messages["sent"]) if shown else None
	return found
