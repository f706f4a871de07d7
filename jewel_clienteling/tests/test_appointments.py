"""Appointments on a real site, the clock frozen: a counter booking on ERPNext's Appointment gets a
calendar event, the associate's ToDo and two reminders through the queue (service messages, even for
a customer who wants no marketing); moving or closing it moves or withdraws them; a no-show gets one
follow-up; the Today page and her snapshot show what is coming."""

from datetime import datetime

import frappe
import pytz
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import get_datetime, get_system_timezone
from freezegun import freeze_time

from jewel_clienteling.api import appointments as api
from jewel_clienteling.services import appointments, snapshot
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_walk_ins import customer, unique_mobile

QUIET = {"quiet_hours_start": "21:00:00", "quiet_hours_end": "10:00:00"}


def at(local: str):
	"""freeze_time at a moment of the site's own clock (with microseconds, as a real clock has: a
	document saved twice in one frozen second otherwise reads as modified by someone else)."""
	moment = pytz.timezone(get_system_timezone()).localize(datetime.fromisoformat(local + ".123456"))
	return freeze_time(moment.astimezone(pytz.UTC).replace(tzinfo=None))


def rows(appointment: str, reason: str = "Appointment reminder") -> list[frappe._dict]:
	return frappe.get_all(
		"Client Outreach",
		filters={"reference_doctype": "Appointment", "reference_name": appointment, "reason": reason},
		fields=[
			"name",
			"status",
			"step",
			"purpose",
			"due_date",
			"send_after",
			"assigned_to",
			"message",
			"cycle",
		],
		order_by="due_date asc, send_after asc",
	)


class TestAppointments(FrappeTestCase):
	def setUp(self):
		for template in defaults.TEMPLATES:
			if template["reason"].startswith("Appointment") and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)
		self.settings = change_settings("Clienteling Settings", QUIET)
		self.settings.__enter__()
		frappe.set_user(fx.ASSOCIATE)

	def tearDown(self):
		frappe.set_user("Administrator")
		self.settings.__exit__(None, None, None)
		frappe.db.rollback()  # each test books the same hours

	def book(self, her: str, when: str, purpose: str = "Bridal consultation", **extra) -> str:
		return api.book(scheduled_time=when, purpose=purpose, customer=her, **extra)["appointment"]

	def test_a_booking_gets_a_calendar_event_a_todo_and_two_service_reminders(self):
		frappe.set_user("Administrator")
		her = customer(consent=False, mobile_no=unique_mobile(), jc_do_not_contact=1)
		frappe.set_user(fx.ASSOCIATE)
		with at("2030-06-08 12:00:00"):
			name = self.book(her, "2030-06-12 15:00:00", pieces="JC-NECK-GLD-22K-PLK")
		doc = frappe.get_doc("Appointment", name)
		self.assertEqual((doc.appointment_with, doc.party, doc.jc_associate), ("Customer", her, fx.ASSOCIATE))
		self.assertTrue(frappe.db.exists("Event", doc.calendar_event))
		self.assertTrue(
			frappe.db.exists("ToDo", {"reference_name": name, "allocated_to": fx.ASSOCIATE, "status": "Open"})
		)
		day_before, two_hours = rows(name)
		self.assertEqual(
			[
				(r.step, str(r.due_date), str(r.send_after), r.purpose, r.status)
				for r in (day_before, two_hours)
			],
			[
				("Day before", "2030-06-11", "2030-06-11 10:00:00", "Utility", "Planned"),
				("Two hours before", "2030-06-12", "2030-06-12 13:00:00", "Utility", "Planned"),
			],
		)
		self.assertEqual({r.assigned_to for r in (day_before, two_hours)}, {fx.ASSOCIATE})
		self.assertIn("bridal consultation with us tomorrow", day_before.message)
		self.assertIn("today at 3:00 PM", two_hours.message)

	def test_saving_again_plans_nothing_twice_and_the_database_refuses_a_copy(self):
		her = customer(mobile_no=unique_mobile())
		with at("2030-06-08 12:00:00"):
			name = self.book(her, "2030-06-12 15:00:00")
			doc = frappe.get_doc("Appointment", name)
			doc.jc_pieces = "Polki set"
			doc.save()
		self.assertEqual(len(rows(name)), 2)
		copy = frappe.get_doc("Client Outreach", rows(name)[0].name).as_dict()
		copy.update({"name": None, "__islocal": 1})
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc(copy).db_insert()

	def test_moving_the_hour_moves_the_reminders_and_closing_withdraws_them(self):
		her = customer(mobile_no=unique_mobile())
		with at("2030-06-08 12:00:00"):
			name = self.book(her, "2030-06-12 15:00:00")
			doc = frappe.get_doc("Appointment", name)
			doc.scheduled_time = "2030-06-13 17:00:00"
			doc.save()
			open_rows = [r for r in rows(name) if r.status in ("Planned", "Due")]
			self.assertEqual(
				[str(r.send_after) for r in open_rows], ["2030-06-12 10:00:00", "2030-06-13 15:00:00"]
			)
			self.assertEqual(len([r for r in rows(name) if r.status == "Skipped"]), 2)
			doc.status = "Closed"
			doc.save()
		self.assertEqual({r.status for r in rows(name)}, {"Skipped"})

	def test_reminders_fall_due_on_their_day(self):
		her = customer(mobile_no=unique_mobile())
		with at("2030-06-08 12:00:00"):
			name = self.book(her, "2030-06-12 15:00:00")
		with at("2030-06-11 09:00:00"):
			appointments.sweep()
		self.assertEqual([r.status for r in rows(name)], ["Due", "Planned"])

	def test_a_no_show_gets_one_follow_up_after_the_grace(self):
		her = customer(mobile_no=unique_mobile())
		came = customer(mobile_no=unique_mobile())
		with at("2030-06-08 12:00:00"):
			name = self.book(her, "2030-06-12 11:00:00")
			closed = self.book(came, "2030-06-12 11:30:00")
		frappe.set_user("Administrator")
		frappe.db.set_value("Appointment", closed, "status", "Closed")
		with at("2030-06-12 11:45:00"):
			appointments.sweep()
		self.assertEqual(rows(name, "Appointment missed"), [])
		with at("2030-06-12 12:05:00"):
			appointments.sweep()
			appointments.sweep()
		[missed] = rows(name, "Appointment missed")
		self.assertEqual(
			(missed.status, missed.assigned_to, missed.purpose), ("Due", fx.ASSOCIATE, "Utility")
		)
		self.assertIn("we missed you on Wednesday 12 June", missed.message)
		self.assertEqual(rows(closed, "Appointment missed"), [])

	def test_double_booking_the_associate_or_booking_the_past_is_refused(self):
		her = customer(mobile_no=unique_mobile())
		with at("2030-06-08 12:00:00"):
			self.book(her, "2030-06-12 15:00:00")
			with self.assertRaises(frappe.ValidationError):
				self.book(customer(mobile_no=unique_mobile()), "2030-06-12 15:00:00")
			with self.assertRaises(frappe.ValidationError):
				self.book(her, "2030-06-07 15:00:00")

	def test_today_shows_her_appointments_and_the_snapshot_her_next_one(self):
		her = customer(mobile_no=unique_mobile())
		with at("2030-06-08 12:00:00"):
			mine = self.book(her, "2030-06-12 15:00:00", purpose="Private viewing")
			frappe.set_user("Administrator")
			fx.make_user(fx.SECOND_ASSOCIATE, "Sales User")
			other = self.book(
				customer(mobile_no=unique_mobile()), "2030-06-12 16:00:00", associate=fx.SECOND_ASSOCIATE
			)
			frappe.set_user(fx.ASSOCIATE)
			nearer = snapshot.build(her)["appointment"]
			self.assertEqual((nearer.name, nearer.jc_purpose), (mine, "Private viewing"))
		with at("2030-06-12 09:00:00"):
			self.assertEqual([row.name for row in api.today()], [mine])
			frappe.set_user("Administrator")
			self.assertEqual([row.name for row in api.today()], [mine, other])
			frappe.db.set_value("Appointment", mine, "status", "Closed")
			self.assertIsNone(snapshot.build(her)["appointment"])
		self.assertEqual(get_datetime(frappe.db.get_value("Appointment", mine, "scheduled_time")).hour, 15)
