"""ERPNext's Appointment, booked at the counter: see services/appointments.py for why a counter
booking skips the website's slot counting, email matching and round-robin assignment."""

from erpnext.crm.doctype.appointment.appointment import Appointment

from jewel_clienteling.services import appointments


class ClientelingAppointment(Appointment):
	def before_insert(self):
		if not appointments.booked_at_the_counter(self):
			return super().before_insert()
		appointments.prepare(self)

	def after_insert(self):
		if not appointments.booked_at_the_counter(self):
			return super().after_insert()
		appointments.after_booking(self)


def on_update(doc, method=None):
	"""Reminders follow the booking: planned, moved with its hour, withdrawn when it is closed."""
	appointments.plan_reminders(doc)
