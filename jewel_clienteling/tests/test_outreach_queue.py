"""The planner run twice at once or killed halfway, the associate's Today queue, credit for the sale
an outreach brought, and templates refused on save."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.api import outreach as api
from jewel_clienteling.services import planner
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import RING, customer, occasion, outreach, plan_today
from jewel_clienteling.tests.utils import commit_and_run_queued_refresh, run_in_bench


class TestPlannerRuns(FrappeTestCase):
	"""Real worker processes: two at once, and one killed halfway."""

	def customers_with_birthdays(self, count: int, days_ahead: int) -> list[str]:
		names = [customer() for _ in range(count)]
		for name in names:
			occasion(name, days_ahead)
		frappe.db.commit()  # nosemgrep: the workers are other processes
		return names

	def planned(self, names: list[str]) -> dict[str, int]:
		rows = frappe.get_all("Client Outreach", filters={"customer": ["in", names]}, pluck="customer")
		return {name: rows.count(name) for name in names}

	def test_two_planners_at_once_plan_everything_exactly_once(self):
		names = self.customers_with_birthdays(25, 7)
		today = nowdate()
		args = {"first": today, "last": today, "today": today}
		workers = [run_in_bench("jewel_clienteling.services.planner.plan_days", **args) for _ in range(2)]
		outputs = [worker.communicate(timeout=300)[0] for worker in workers]
		self.assertEqual([worker.returncode for worker in workers], [0, 0], outputs)
		self.assertEqual(self.planned(names), dict.fromkeys(names, 1))

	def test_a_planner_killed_halfway_is_finished_by_the_next_run(self):
		names = self.customers_with_birthdays(12, 42)
		today = nowdate()
		worker = run_in_bench("jewel_clienteling.tests.planner_probe.plan_and_die", day=today, page_size=5)
		output = worker.communicate(timeout=300)[0]
		self.assertEqual(worker.returncode, 9, output)
		after_kill = self.planned(names)
		self.assertLess(sum(after_kill.values()), len(names), "the killed run must not have finished")

		planner.plan_days(getdate(today), getdate(today), getdate(today))

		self.assertEqual(self.planned(names), dict.fromkeys(names, 1))


class TestTodayQueue(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_an_associate_sees_her_queue_with_a_whatsapp_link_and_marks_it_done(self):
		mine = customer()
		occasion(mine, 0)
		theirs = customer(jc_preferred_associate=fx.SECOND_ASSOCIATE)
		occasion(theirs, 0)
		plan_today()

		frappe.set_user(fx.ASSOCIATE)
		queue = api.today()
		rows = {row.customer: row for group in queue["groups"] for row in group["outreach"]}
		self.assertIn(mine, rows)
		self.assertNotIn(theirs, rows)
		self.assertFalse(queue["is_manager"])
		link = rows[mine].whatsapp_link
		self.assertTrue(link.startswith("https://wa.me/919876543210?text=Dear%20"), link)

		api.mark_done(rows[mine].name, message="Happy birthday from all of us!")
		done = frappe.get_doc("Client Outreach", rows[mine].name)
		self.assertEqual(
			(done.status, done.sent_by, done.message),
			("Done", fx.ASSOCIATE, "Happy birthday from all of us!"),
		)
		self.assertIsNotNone(done.sent_on)
		self.assertRaises(frappe.ValidationError, api.mark_done, done.name)

		frappe.set_user("Administrator")
		groups = {group["associate"] for group in api.today()["groups"]}
		self.assertIn(fx.SECOND_ASSOCIATE, groups)

	def test_consent_withdrawn_after_planning_stops_the_message(self):
		name = customer()
		occasion(name, 0)
		plan_today()
		[row] = outreach(name)
		doc = frappe.get_doc("Customer", name)
		doc.jc_whatsapp_opt_in = 0
		doc.save(ignore_permissions=True)

		self.assertRaises(frappe.ValidationError, api.mark_done, row.name)
		self.assertEqual(frappe.db.get_value("Client Outreach", row.name, "status"), "Due")

	def test_a_manager_hands_an_associates_customers_to_another(self):
		name = customer()
		occasion(name, 0)
		plan_today()

		frappe.set_user(fx.ASSOCIATE)
		self.assertRaises(frappe.PermissionError, api.reassign, fx.ASSOCIATE, fx.SECOND_ASSOCIATE)
		frappe.set_user("Administrator")
		moved = api.reassign(fx.ASSOCIATE, fx.SECOND_ASSOCIATE)

		self.assertGreaterEqual(moved["outreach"], 1)
		[handed_over] = outreach(name)
		self.assertEqual(handed_over.assigned_to, fx.SECOND_ASSOCIATE)
		self.assertIn("— jc-associate-2,", handed_over.message, "the draft is signed by the new associate")
		self.assertEqual(frappe.db.get_value("Customer", name, "jc_preferred_associate"), fx.SECOND_ASSOCIATE)

	def test_a_sale_after_the_outreach_is_credited_to_it_once_and_uncredited_on_cancel(self):
		from jewel_clienteling.jewel_clienteling.report.outreach_results import outreach_results

		name = customer()
		occasion(name, 0, "Anniversary")
		plan_today()
		[row] = outreach(name)
		api.mark_done(row.name)
		frappe.db.commit()  # nosemgrep: the sale's refresh runs after commit

		sale = fx.make_pos_invoice(name, [(RING, 80000)])
		commit_and_run_queued_refresh(self, name)
		credited = frappe.get_doc("Client Outreach", row.name)
		self.assertEqual(
			(credited.attributed_sale_type, credited.attributed_sale), ("POS Invoice", sale.name)
		)
		self.assertEqual(credited.attributed_amount, sale.base_grand_total)

		second = fx.make_pos_invoice(name, [(RING, 30000)])
		commit_and_run_queued_refresh(self, name)
		self.assertEqual(frappe.db.get_value("Client Outreach", row.name, "attributed_sale"), sale.name)

		today = nowdate()
		_columns, data = outreach_results.execute(
			{"from_date": today, "to_date": today, "group_by": "Reason"}
		)
		[occasions] = [line for line in data if line.group == "Occasion"]
		self.assertGreaterEqual(occasions.converted, 1)
		self.assertGreaterEqual(occasions.revenue, sale.base_grand_total)

		frappe.get_doc("POS Invoice", sale.name).cancel()
		commit_and_run_queued_refresh(self, name)
		self.assertEqual(
			frappe.db.get_value("Client Outreach", row.name, "attributed_sale"),
			second.name,
			"once the first sale is cancelled, the next sale in the window is the one it brought",
		)


class TestOutreachSetup(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")  # whatever user an earlier module left

	def test_a_broken_template_is_refused_with_the_line(self):
		template = frappe.get_doc(
			{
				"doctype": "Outreach Template",
				"template_name": f"JC broken {frappe.generate_hash(length=6)}",
				"reason": "Lapsed",
				"message": "Dear {{ first_name ",
			}
		)
		self.assertRaisesRegex(frappe.ValidationError, "line 1", template.insert)

	def test_lead_days_must_be_whole_numbers(self):
		settings = frappe.get_doc("Clienteling Settings")
		settings.occasion_lead_days = "six weeks"
		self.assertRaisesRegex(frappe.ValidationError, "42, 7, 0", settings.save)
