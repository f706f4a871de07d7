"""What remembering earns, on a real site: on a known store (customers buying across months and two
stores, a return, a cancelled and a consolidated invoice, a referral, messages on every channel with
their statuses, an email opened and one handed to the mail server), every number the Clienteling
Impact report gives equals hand-written SQL over the invoices and messages (tests/impact_sql.py);
a user limited to her store sees only hers; and with read_from_replica on, the report and the cards
run on the replica connection."""

import frappe
from dateutil.relativedelta import relativedelta
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from jewel_clienteling.api import dashboard as api
from jewel_clienteling.domain import impact as rules
from jewel_clienteling.services import impact_upkeep, visits
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.impact_sql import expected, figures
from jewel_clienteling.tests.test_permissions import other_counter

REPORT = "Clienteling Impact"
RING = "JC-RING-GLD-22K-PLK"
MANAGER = "jc-impact-manager@example.com"


def months_ago(months: int, day: int = 10):
	return (getdate(nowdate()).replace(day=1) - relativedelta(months=months)).replace(day=day)


def learn() -> None:
	"""What the ten-minute job does, inside the test's transaction: every customer's visits, then
	every month counted."""
	names = frappe.get_all("Customer", pluck="name", order_by="name")
	for start in range(0, len(names), visits.PAGE):
		visits.rebuild(names[start : start + visits.PAGE])
	impact_upkeep.recount_everything()


def period(arrival, **more) -> dict:
	"""The report's filters: 26 months until today, the app arrived on `arrival`."""
	return {"from_date": str(months_ago(26, 1)), "to_date": nowdate(), "arrival": str(arrival), **more}


def sql_values(filters: dict) -> dict:
	"""The same filters for the hand-written SQL."""
	first, last = rules.whole_months(getdate(filters["from_date"]), getdate(filters["to_date"]))
	return {
		"first": first,
		"last": last,
		"arrival_month": getdate(filters["arrival"]).replace(day=1),
		"matured": rules.last_matured_month(getdate(nowdate())),
		"walk_in": frappe.db.get_single_value("Clienteling Settings", "walk_in_customer") or "",
		"store": filters.get("store") or "",
		"associate": filters.get("associate") or "",
	}


def assert_report_is_the_sql(test, filters: dict, column: str, keys: list[str]) -> dict:
	"""Every figure of the report's columns `keys` equals the SQL's; returns the report's figures."""
	result = run(REPORT, filters=filters, ignore_prepared_report=True)
	wanted = expected(column, sql_values(filters))
	by_figure = {row["key"]: row for row in result["result"] if row.get("key")}
	nothing = figures({"msg": {}})  # a column with no visits and no messages
	test.assertEqual(set(by_figure), set(rules.FIGURE_KEYS))
	fieldname = {column.get("column"): column["fieldname"] for column in result["columns"]}
	for key in keys:
		for figure in rules.FIGURE_KEYS:
			want, got = wanted.get(key, nothing)[figure], by_figure[figure][fieldname[key]]
			with test.subTest(column=key, figure=figure):
				if want is None or got is None:
					test.assertEqual(got, want)
				else:
					test.assertAlmostEqual(float(got), float(want), places=2)
	return {key: {f: by_figure[f][fieldname[key]] for f in rules.FIGURE_KEYS} for key in keys}


class TestImpact(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.east = other_counter()
		fx.make_user(MANAGER, "Sales Manager")
		frappe.db.commit()  # nosemgrep: the users and the second store outlive each test

	def setUp(self):
		frappe.set_user("Administrator")
		self.arrival = months_ago(12, 15)
		self.people = make_store(self.east)
		learn()

	def tearDown(self):
		frappe.set_user("Administrator")

	def filters(self, **more) -> dict:
		return period(self.arrival, **more)

	def assert_report_is_the_sql(self, column: str, keys: list[str], **filters) -> dict:
		return assert_report_is_the_sql(self, self.filters(**filters), column, keys)

	def test_before_and_after_the_app_equal_the_sql(self):
		found = self.assert_report_is_the_sql("side", [rules.BEFORE, rules.AFTER])
		before, after = found[rules.BEFORE], found[rules.AFTER]
		# the known store, seen in the numbers: Ana and Bina first came before the app, Ana came back
		self.assertGreaterEqual(before["first_time_buyers"], 2)
		self.assertGreaterEqual(before["came_back"], 1)
		self.assertGreaterEqual(after["referred_new_buyers"], 1)
		self.assertGreaterEqual(after["timed_sent"], 4)
		self.assertIsNotNone(after["email_read_rate"])

	def test_store_associate_and_month_columns_equal_the_sql(self):
		self.assert_report_is_the_sql("store", [fx.POS_PROFILE, self.east], compare=rules.STORE)
		associate = self.people["associate"]
		self.assert_report_is_the_sql("associate", [associate], compare=rules.ASSOCIATE, associate=associate)
		months = [m.isoformat() for m in rules.months_between(months_ago(26, 1), getdate(nowdate()))]
		self.assert_report_is_the_sql("month", months, compare=rules.MONTH)

	def test_one_store_alone_equals_the_sql_for_that_store(self):
		self.assert_report_is_the_sql("side", [rules.BEFORE, rules.AFTER], store=self.east)

	def test_a_store_limited_manager_sees_only_her_store(self):
		frappe.get_doc(
			{"doctype": "User Permission", "user": MANAGER, "allow": "POS Profile", "for_value": self.east}
		).insert(ignore_permissions=True)
		frappe.set_user(MANAGER)
		result = run(REPORT, filters=self.filters(compare=rules.STORE), ignore_prepared_report=True)
		labels = [column["label"] for column in result["columns"][1:-1]]
		self.assertEqual(labels, [self.east])
		mine = run(REPORT, filters=self.filters(), ignore_prepared_report=True)
		frappe.set_user("Administrator")
		east = run(REPORT, filters=self.filters(store=self.east), ignore_prepared_report=True)
		self.assertEqual(mine["result"], east["result"])
		frappe.set_user(MANAGER)
		with self.assertRaises(frappe.PermissionError):
			run(REPORT, filters=self.filters(store=fx.POS_PROFILE), ignore_prepared_report=True)
		self.assertFalse(
			frappe.get_list("Clienteling Impact Month", filters={"store": fx.POS_PROFILE}, limit=1)
		)

	def test_the_help_defines_every_figure(self):
		result = run(REPORT, filters=self.filters(), ignore_prepared_report=True)
		rows = [row for row in result["result"] if row.get("key")]
		self.assertTrue(all(row["definition"] for row in rows))
		for row in rows:
			self.assertIn(frappe.utils.escape_html(row["figure"]), result["message"])

	def test_the_cards_and_the_chart_answer_from_the_same_counts(self):
		scope = sql_values(self.filters())
		last = rules.last_matured_month(getdate(nowdate()))
		matured = expected(
			"side",
			{
				**scope,
				"first": last - relativedelta(months=11),
				"last": rules.month_end(last),
				"arrival_month": "1900-01-01",
			},
		)["After"]
		self.assertEqual(api.come_back_rate()["value"], matured["come_back_rate"])
		this_month = getdate(nowdate()).replace(day=1)
		recent = expected(
			"side",
			{
				**scope,
				"first": this_month - relativedelta(months=11),
				"last": rules.month_end(this_month),
				"arrival_month": "1900-01-01",
			},
		)["After"]
		# a figure with nothing to count shows 0 on its card
		self.assertEqual(api.repeat_over_first_spend()["value"], recent["repeat_over_first"] or 0)
		self.assertEqual(api.timed_over_broadcast_replies()["value"], recent["timed_over_broadcast"] or 0)
		self.assertAlmostEqual(api.referred_spend()["value"], recent["referred_revenue"], places=2)
		chart = api.message_results_by_channel()
		whatsapp = chart["labels"].index("WhatsApp")
		self.assertEqual(chart["datasets"][1]["values"][whatsapp], recent["whatsapp_read_rate"])


def make_store(east: str) -> dict:
	"""The known store. Dates are months before this one; the app arrived 12 months ago."""
	associate = "jc-impact-associate@example.com"
	fx.make_user(associate, "Sales User")
	home, far = fx.POS_PROFILE, east
	ana = fx.make_customer(jc_home_store=home)
	bina = fx.make_customer(jc_home_store=far)
	chitra = fx.make_customer(jc_home_store=home)
	dev = fx.make_customer(jc_home_store=far, jc_referred_by=ana)
	esha = fx.make_customer(jc_home_store=home)
	farah = fx.make_customer(jc_home_store=home)
	gita = fx.make_customer(jc_home_store=far)

	def sale(customer, months, amount, store=home, day=10, **fields):
		return fx.make_sales_invoice(
			customer,
			[(RING, amount)],
			is_pos=1,
			posting_date=months_ago(months, day),
			pos_profile=store,
			**fields,
		)

	sale(ana, 20, 40000)  # her first visit, before the app
	sale(ana, 17, 90000)  # back within 12 months
	served = sale(ana, 2, 120000)
	frappe.db.set_value("Sales Invoice", served.name, "owner", associate)  # the associate who served her
	sale(bina, 15, 55000, store=far)  # never came back
	sale(chitra, 5, 30000)
	sale(chitra, 5, 12000)  # two bills, one visit
	sale(dev, 3, 65000, store=far)  # referred by Ana
	sale(dev, 1, 80000, store=far)
	sale(esha, 25, 20000)  # first visit before the period
	sale(esha, 10, 70000)
	first = sale(farah, 13, 50000)
	fx.make_return(first)  # a return is no visit, and does not change the visit's spend
	sale(farah, 11, 99000).cancel()  # a cancelled invoice is no visit
	sale(farah, 2, 45000, store=far)
	closing = sale(gita, 4, 300000)
	frappe.db.set_value("Sales Invoice", closing.name, "is_consolidated", 1)  # a POS closing's invoice
	fx.make_pos_invoice(gita, [(RING, 15000)])  # today, at the counter

	def message(customer, reason, channel, months, status, **fields):
		sent = add_to_date(now_datetime(), months=-months) if months else now_datetime()
		return (
			frappe.get_doc(
				{
					"doctype": "Client Outreach",
					"customer": customer,
					"reason": reason,
					"channel": channel,
					"status": status,
					"due_date": getdate(sent),
					"sent_on": sent if status not in ("Failed", "Skipped") else None,
					"assigned_to": associate,
					"cycle": frappe.generate_hash(length=6),
					"skip_reason": "Travelling" if status == "Skipped" else None,
					**fields,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	now = now_datetime()
	message(
		ana,
		"Occasion",
		"WhatsApp",
		2,
		"Replied",
		delivered_on=now,
		read_on=now,
		replied_on=now,
		attributed_amount=120000,
		attributed_sale_type="Sales Invoice",
		attributed_sale=served.name,
	)
	message(bina, "Post-purchase", "WhatsApp", 1, "Delivered", delivered_on=now)
	message(esha, "Lapsed", "SMS", 1, "Sent", replied_on=now)
	message(dev, "Occasion", "WhatsApp", 14, "Read", read_on=add_days(now, -420))  # before the app
	opened = message(chitra, "Campaign", "Email", 1, "Sent")
	handed = message(dev, "Campaign", "Email", 1, "Sent")
	message(farah, "Campaign", "WhatsApp", 1, "Failed")  # never went out
	message(farah, "Lapsed", "Manual", 0, "Done")
	message(gita, "Repair ready", "WhatsApp", 0, "Sent")
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Sent",
			"subject": "A note from us",
			"reference_doctype": "Client Outreach",
			"reference_name": opened,
			"delivery_status": "Read",
			"read_by_recipient": 1,
			"read_by_recipient_on": now,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Email Queue",
			"status": "Sent",
			"sender": "store@example.com",
			"message": "A note from us",
			"reference_doctype": "Client Outreach",
			"reference_name": handed,
			"recipients": [{"recipient": "dev@example.com", "status": "Sent"}],
		}
	).insert(ignore_permissions=True)
	return {"associate": associate, "ana": ana, "dev": dev}
