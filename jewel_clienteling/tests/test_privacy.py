"""Her access and erasure requests on a real site: what the export holds, what erasure removes and
what it must keep (invoices, points, an anonymous trace of consent), and who may do either."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate
from frappe.website.doctype.personal_data_download_request.personal_data_download_request import (
	get_user_data,
)

from jewel_clienteling.api import privacy as api
from jewel_clienteling.api.appointments import book
from jewel_clienteling.api.customer import add_note
from jewel_clienteling.services import planner, privacy, sync
from jewel_clienteling.setup import defaults
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import customer, occasion

RING = "JC-RING-GLD-22K-PLK"
PHONE_E164 = "+919876543210"


class TestPrivacy(FrappeTestCase):
	def setUp(self):
		self.customer = customer(jc_email_opt_in=1, email_id=f"{frappe.generate_hash(length=6)}@example.com")
		self.sale = fx.make_pos_invoice(
			self.customer,
			[(RING, 45000, 1, "12")],
			jc_purchase_occasion="Anniversary gift",
			jc_recipient_name="Meera",
			jc_recipient_relation="Daughter",
		)
		sync.run_refresh(self.customer)
		occasion(self.customer, 0, person_name="Rahul", relation="Spouse", occasion_type="Anniversary")
		self.note = add_note(self.customer, "Her daughter Meera is getting engaged in March")
		planner.plan_days(frappe.utils.getdate(), frappe.utils.getdate(), frappe.utils.getdate())
		frappe.get_doc(
			{
				"doctype": "Clienteling WhatsApp Message",
				"message_id": f"wamid.{frappe.generate_hash(length=12)}",
				"customer": self.customer,
				"phone": PHONE_E164,
				"received_on": frappe.utils.now_datetime(),
				"kind": "text",
				"text": "Please keep the green polki set for me",
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Consent Change",
				"customer": self.customer,
				"channel": "WhatsApp",
				"opted_in": 1,
				"changed_on": frappe.utils.now_datetime(),
				"via": "WhatsApp reply",
				"evidence": "START from 919876543210",
			}
		).insert(ignore_permissions=True)
		frappe.log_error(title=f"Clienteling: could not reach {PHONE_E164} for {self.customer}")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_her_export_holds_what_she_told_us_and_what_we_sent_her(self):
		data = json.loads(frappe.as_json(api.export_customer(self.customer, "Email of 12 Nov")))

		self.assertEqual(data["customer"]["name"], self.customer)
		self.assertEqual(data["customer"]["jc_whatsapp_opt_in"], 1)
		self.assertEqual([o["person_name"] for o in data["occasions"]], ["Rahul"])
		self.assertIn(("Stone", "Polki"), {(p["dimension"], p["value"]) for p in data["preferences"]})
		self.assertEqual(
			[n["note"] for n in data["notes"]], ["Her daughter Meera is getting engaged in March"]
		)
		self.assertTrue(any(row["reason"] == "Occasion" and row["message"] for row in data["outreach"]))
		self.assertEqual(data["whatsapp_messages"][0]["text"], "Please keep the green polki set for me")
		self.assertEqual(data["consent_changes"][0]["evidence"], "START from 919876543210")
		self.assertEqual([i["jc_recipient_name"] for i in data["invoices"]], ["Meera"])
		self.assertNotIn("dedupe_key", data["outreach"][0], "the app's bookkeeping is not her data")
		log = frappe.get_last_doc("Clienteling Privacy Log", filters={"customer": self.customer})
		self.assertEqual(
			(log.action, log.request_reference, log.done_by), ("Export", "Email of 12 Nov", "Administrator")
		)
		self.assertEqual(json.loads(log.summary)["occasions"], 1)

	def test_erasure_forgets_her_but_keeps_invoices_points_and_that_consent_existed(self):
		outreach = frappe.get_all("Client Outreach", filters={"customer": self.customer}, pluck="name")
		self.assertTrue(outreach)
		occasion_names = frappe.get_all("Occasion", filters={"customer": self.customer}, pluck="name")
		before_invoice_total = frappe.db.get_value("POS Invoice", self.sale.name, "grand_total")
		customer_name = frappe.db.get_value("Customer", self.customer, "customer_name")

		summary = api.erase_customer(
			self.customer, confirm_name=customer_name.upper(), request_reference="Form 7"
		)

		for doctype in ("Occasion", "Preference", "Customer Note", "Clienteling WhatsApp Message"):
			self.assertEqual(frappe.db.count(doctype, {"customer": self.customer}), 0, doctype)
		self.assertFalse(
			frappe.db.exists("Version", {"ref_doctype": "Occasion", "docname": ("in", occasion_names)})
		)
		for row in frappe.get_all("Client Outreach", filters={"name": ("in", outreach)}, fields=["*"]):
			self.assertFalse(row.phone or row.message or row.context, "outreach keeps no number or words")
			self.assertIn(row.status, ("Skipped", "Sent", "Delivered", "Read", "Replied", "Failed"))
		self.assertEqual(
			frappe.db.get_value("POS Invoice", self.sale.name, "grand_total"), before_invoice_total
		)
		self.assertEqual(frappe.db.get_value("POS Invoice", self.sale.name, "customer"), self.customer)
		self.assertFalse(frappe.db.get_value("POS Invoice", self.sale.name, "jc_recipient_name"))

		her = frappe.db.get_value(
			"Customer",
			self.customer,
			["jc_whatsapp_opt_in", "jc_email_opt_in", "jc_do_not_contact", "jc_erased_on", "jc_purchases"],
			as_dict=True,
		)
		self.assertEqual((her.jc_whatsapp_opt_in, her.jc_email_opt_in, her.jc_do_not_contact), (0, 0, 1))
		self.assertTrue(her.jc_erased_on)
		self.assertEqual(frappe.db.count("Consent Change", {"customer": self.customer}), 0)
		trace = frappe.get_all(
			"Consent Change",
			filters={"subject": privacy.pseudonym(self.customer)},
			fields=["channel", "opted_in", "evidence"],
		)
		self.assertIn(("Email", 1), {(row.channel, row.opted_in) for row in trace}, "consent given in store")
		self.assertIn(("WhatsApp", 0), {(row.channel, row.opted_in) for row in trace}, "withdrawn by erasure")
		self.assertFalse(any(row.evidence for row in trace))
		self.assertNotIn(self.customer, privacy.pseudonym(self.customer))

		logs = frappe.get_all("Error Log", filters={"method": ("like", "%could not reach%")}, pluck="method")
		self.assertFalse([text for text in logs if PHONE_E164 in text or self.customer in text])
		log = frappe.get_last_doc("Clienteling Privacy Log", filters={"customer": self.customer})
		self.assertEqual(log.action, "Erasure")
		self.assertEqual(json.loads(log.summary), summary)
		self.assertEqual(summary["occasion_deleted"], 1)

		# she comes back and buys: the sale stands, but no profile is rebuilt and the sweep settles
		fx.make_pos_invoice(self.customer, [(RING, 30000, 1, "12")])
		sync.run_refresh(self.customer)
		self.assertEqual(frappe.db.count("Preference", {"customer": self.customer}), 0)
		self.assertNotIn(self.customer, sync.customers_needing_refresh(1_000_000))

		again = api.erase_customer(self.customer, confirm_name=customer_name)
		self.assertEqual(again["occasion_deleted"] + again["customer_note_deleted"], 0)

	def test_only_a_manager_with_her_name_typed_can_erase_and_a_refusal_changes_nothing(self):
		frappe.set_user(fx.ASSOCIATE)
		with self.assertRaises(frappe.PermissionError):
			api.erase_customer(self.customer, confirm_name=self.customer)
		with self.assertRaises(frappe.PermissionError):
			api.export_customer(self.customer)
		frappe.set_user("Administrator")
		with self.assertRaises(frappe.ValidationError):
			api.erase_customer(self.customer, confirm_name="someone else")
		self.assertEqual(frappe.db.count("Occasion", {"customer": self.customer}), 1)
		self.assertFalse(frappe.db.exists("Clienteling Privacy Log", {"customer": self.customer}))

	def test_the_privacy_log_cannot_be_changed_or_deleted(self):
		api.export_customer(self.customer)
		log = frappe.get_last_doc("Clienteling Privacy Log", filters={"customer": self.customer})
		log.request_reference = "changed"
		with self.assertRaises(frappe.PermissionError):
			log.save(ignore_permissions=True)
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("Clienteling Privacy Log", log.name, ignore_permissions=True)

	def test_an_associates_own_data_request_finds_her_notes_and_assigned_outreach(self):
		frappe.set_user(fx.ASSOCIATE)
		add_note(self.customer, "Came in with her sister on " + nowdate())
		frappe.set_user("Administrator")

		data = json.loads(get_user_data(fx.ASSOCIATE))

		self.assertIn("Came in with her sister", " ".join(row["note"] for row in data["Customer Note"]))
		self.assertTrue(all(row["assigned_to"] == fx.ASSOCIATE for row in data["Client Outreach"]))

	def test_her_appointments_are_in_her_export_and_go_on_erasure_with_their_event_and_todo(self):
		for template in defaults.TEMPLATES:  # the reminders a booking plans
			if template["reason"].startswith("Appointment") and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert(ignore_permissions=True)
		day = frappe.utils.add_days(nowdate(), 3)
		while frappe.db.exists(
			"Appointment", {"scheduled_time": ("between", [f"{day} 15:00", f"{day} 17:00"])}
		):
			day = frappe.utils.add_days(day, 1)  # the associate's hours a committed run left booked
		self.addCleanup(_cancel_bookings, day)  # the next test's planner commits what this one left
		frappe.set_user(fx.ASSOCIATE)
		at_the_counter = book(
			scheduled_time=f"{day} 15:00:00",
			purpose="Bridal consultation",
			customer=self.customer,
			notes="Wants bridal sets for her daughter Meera",
		)["appointment"]
		someone_else = book(scheduled_time=f"{day} 16:00:00", purpose="Private viewing", customer=customer())
		frappe.set_user("Administrator")
		on_the_website = frappe.get_doc(
			{
				"doctype": "Appointment",
				"scheduled_time": f"{day} 17:00:00",
				"customer_name": "Her, from the website",
				"customer_email": frappe.db.get_value("Customer", self.customer, "email_id"),
				"appointment_with": "Customer",
				"party": self.customer,
			}
		).insert(ignore_permissions=True)
		event = frappe.db.get_value("Appointment", at_the_counter, "calendar_event")
		self.assertTrue(
			frappe.db.exists("ToDo", {"reference_type": "Appointment", "reference_name": at_the_counter})
		)

		data = json.loads(frappe.as_json(api.export_customer(self.customer)))

		self.assertEqual(
			[(row["name"], row["customer_details"]) for row in data["appointments"]],
			[(at_the_counter, "Wants bridal sets for her daughter Meera"), (on_the_website.name, None)],
		)
		reminders = frappe.get_all(
			"Client Outreach", filters={"reference_name": at_the_counter}, fields=["name", "customer"]
		)
		self.assertTrue(reminders and all(row.customer == self.customer for row in reminders))

		name = frappe.db.get_value("Customer", self.customer, "customer_name")
		summary = api.erase_customer(self.customer, confirm_name=name)

		self.assertEqual((summary["appointments_deleted"], summary["calendar_events_deleted"]), (2, 2))
		for appointment in (at_the_counter, on_the_website.name):
			self.assertFalse(frappe.db.exists("Appointment", appointment))
			self.assertFalse(
				frappe.db.exists("ToDo", {"reference_type": "Appointment", "reference_name": appointment})
			)
			self.assertFalse(
				frappe.db.exists("Version", {"ref_doctype": "Appointment", "docname": appointment})
			)
		self.assertFalse(frappe.db.exists("Event", event))
		self.assertFalse(frappe.db.exists("Event Participants", {"reference_docname": self.customer}))
		for row in frappe.get_all(
			"Client Outreach", filters={"name": ("in", [r.name for r in reminders])}, fields=["*"]
		):
			self.assertEqual((row.status, row.message, row.phone), ("Skipped", None, None))
		self.assertTrue(frappe.db.exists("Appointment", someone_else["appointment"]), "only hers go")


def _cancel_bookings(day: str) -> None:
	for name, event in frappe.get_all(
		"Appointment",
		filters={"scheduled_time": ("between", [f"{day} 15:00", f"{day} 17:00"])},
		fields=["name", "calendar_event"],
		as_list=True,
	):
		frappe.delete_doc("Appointment", name, ignore_permissions=True, force=True)
		if event and frappe.db.exists("Event", event):
			frappe.delete_doc("Event", event, ignore_permissions=True, force=True)
