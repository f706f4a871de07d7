"""Appointments on ERPNext's own Appointment: booked for her customer (or lead) at a store with an
associate, reminded through the outreach queue, followed up when she did not come, and shown on the
associate's Today page and on her snapshot.

ERPNext's Appointment is made for its website's booking form: it counts one slot for the whole site,
finds the party by email and assigns a round-robin agent. A booking made at the counter already
knows her, the store and the associate, so overrides/appointment.py sends such a booking here and
leaves the website's bookings to ERPNext.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_to_date, get_datetime, get_time, getdate, now_datetime, nowdate

from jewel_clienteling.domain import appointments
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import outreach_lifecycle as lifecycle
from jewel_clienteling.domain.outreach_lifecycle import OPEN
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import OUTREACH, Queue

APPOINTMENT = "Appointment"
REMINDER = outreach_rules.APPOINTMENT_REMINDER
MISSED = outreach_rules.APPOINTMENT_MISSED
FIELDS = [
	"name",
	"scheduled_time",
	"status",
	"jc_customer",
	"jc_lead",
	"customer_name",
	"customer_phone_number",
	"jc_purpose",
	"jc_store",
	"jc_associate",
	"jc_pieces",
]


def booked_at_the_counter(doc) -> bool:
	return bool(doc.get("jc_customer") or doc.get("jc_lead"))


def prepare(doc) -> None:
	"""Before a counter booking is saved the first time: who she is (from her customer or lead), the
	associate (whoever books, unless named), and no double booking of the associate's hour."""
	if doc.jc_customer:
		name, mobile, email = frappe.db.get_value(
			"Customer", doc.jc_customer, ["customer_name", "mobile_no", "email_id"]
		)
		doc.appointment_with, doc.party = "Customer", doc.jc_customer
	else:
		name, mobile, email = frappe.db.get_value("Lead", doc.jc_lead, ["lead_name", "mobile_no", "email_id"])
		doc.appointment_with, doc.party = "Lead", doc.jc_lead
	doc.customer_name = doc.customer_name or name
	doc.customer_phone_number = doc.customer_phone_number or mobile
	doc.customer_email = doc.customer_email or email
	doc.status = "Open"
	if not doc.jc_associate and frappe.session.user not in ("Administrator", "Guest"):
		doc.jc_associate = frappe.session.user
	scheduled = get_datetime(doc.scheduled_time)
	if scheduled < add_to_date(now_datetime(), minutes=-5):
		frappe.throw(_("An appointment cannot be booked in the past."), title=_("Appointment"))
	if doc.jc_associate and frappe.db.exists(
		APPOINTMENT,
		{
			"jc_associate": doc.jc_associate,
			"scheduled_time": scheduled,
			"status": ("!=", appointments.CLOSED),
		},
	):
		frappe.throw(
			_("{0} already has an appointment at {1}.").format(
				frappe.utils.get_fullname(doc.jc_associate), frappe.utils.format_datetime(scheduled)
			),
			title=_("Appointment"),
		)


def after_booking(doc) -> None:
	"""A calendar Event (ERPNext's own) and a ToDo for the associate, as a website booking gets."""
	doc.create_calendar_event()
	if doc.jc_associate:
		doc.assign_agent(doc.jc_associate)


# --- reminders ----------------------------------------------------------------------------------


def _quiet() -> tuple:
	settings = clienteling_settings.get_settings()
	start, end = settings.quiet_hours_start, settings.quiet_hours_end
	return (get_time(start) if start else None, get_time(end) if end else None)


def plan_reminders(doc) -> list[str]:
	"""The reminders of her booking in the queue, as service messages assigned to the associate. A
	booking moved to another hour has the old hour's reminders withdrawn; a closed one all of them.
	Safe to run on every save: the dedupe key is the booking, its hour and the step."""
	if not doc.get("jc_customer"):
		return []  # the queue writes to customers; a lead is reminded by the associate herself
	scheduled = get_datetime(doc.scheduled_time)
	hour = appointments.cycle(scheduled)
	closed = doc.status == appointments.CLOSED
	_withdraw(doc.name, REMINDER, keep_hour=None if closed else hour)
	if closed:
		return []
	now = now_datetime()
	context = appointments.message_context(scheduled, doc.jc_purpose, doc.jc_store, doc.jc_pieces)
	candidates, moments = [], {}
	for reminder in appointments.reminders(scheduled, now, *_quiet()):
		candidate = outreach_rules.Candidate(
			customer=doc.jc_customer,
			reason=REMINDER,
			reference_doctype=APPOINTMENT,
			reference_name=doc.name,
			cycle=f"{hour}/{reminder.step}",
			due_date=reminder.due_date,
			step=reminder.step,
			context={**context, "appointment_is_tomorrow": reminder.step == appointments.DAY_BEFORE},
		)
		candidates.append(candidate)
		moments[candidate.key] = reminder.send_after
	return _queue(candidates, doc.jc_associate, moments)


def _queue(candidates, associate: str | None, moments: dict | None = None) -> list[str]:
	if not candidates:
		return []
	Queue().add(candidates)
	outreach = DocType(OUTREACH)
	planned = []
	for candidate in candidates:
		row = frappe.db.get_value(OUTREACH, {"dedupe_key": candidate.key}, ["name", "status"], as_dict=True)
		if not row or row.status not in OPEN:
			continue
		update = frappe.qb.update(outreach).where(outreach.name == row.name)
		if associate:
			update = update.set(outreach.assigned_to, associate)
		if moments and candidate.key in moments:
			update = update.set(outreach.send_after, moments[candidate.key])
		if associate or moments:
			update.run()
		planned.append(row.name)
	return planned


def _withdraw(appointment: str, reason: str, keep_hour: str | None) -> None:
	outreach = DocType(OUTREACH)
	where = (
		(outreach.reference_doctype == APPOINTMENT)
		& (outreach.reference_name == appointment)
		& (outreach.reason == reason)
		& outreach.status.isin(OPEN)
	)
	if keep_hour:
		where &= outreach.cycle.not_like(f"{keep_hour}/%")
	(
		frappe.qb.update(outreach)
		.set(outreach.status, lifecycle.SKIPPED)
		.set(outreach.skip_reason, _("The appointment was moved or closed."))
		.set(outreach.modified, now_datetime())
		.where(where)
		.run()
	)


# --- the sweep ----------------------------------------------------------------------------------


def sweep(now=None) -> dict:
	"""Every quarter of an hour: reminders whose day has come fall due, and every booking not closed
	GRACE_MINUTES after its hour gets one follow-up for the associate (and its open reminders go)."""
	now = get_datetime(now or now_datetime())
	outreach = DocType(OUTREACH)
	(
		frappe.qb.update(outreach)
		.set(outreach.status, lifecycle.DUE)
		.where(
			(outreach.status == lifecycle.PLANNED)
			& outreach.reason.isin((REMINDER, MISSED))
			& (outreach.due_date <= getdate(now))
		)
		.run()
	)
	appointment = DocType(APPOINTMENT)
	rows = (
		frappe.qb.from_(appointment)
		.select(*[appointment[field] for field in FIELDS])
		.where(
			(appointment.status != appointments.CLOSED)
			& appointment.jc_no_show_on.isnull()
			& (appointment.scheduled_time <= add_to_date(now, minutes=-appointments.GRACE_MINUTES))
			& (appointment.scheduled_time >= add_to_date(now, days=-appointments.NO_SHOW_LOOKBACK_DAYS))
			& (appointment.jc_customer.isnotnull() | appointment.jc_lead.isnotnull())
		)
		.run(as_dict=True)
	)
	followed = 0
	for row in rows:
		scheduled = get_datetime(row.scheduled_time)
		if not appointments.is_no_show(row.status, scheduled, now):
			continue
		_withdraw(row.name, REMINDER, keep_hour=None)
		if row.jc_customer:
			context = appointments.message_context(scheduled, row.jc_purpose, row.jc_store, row.jc_pieces)
			candidate = outreach_rules.Candidate(
				customer=row.jc_customer,
				reason=MISSED,
				reference_doctype=APPOINTMENT,
				reference_name=row.name,
				cycle=appointments.cycle(scheduled),
				due_date=getdate(now),
				step=appointments.NO_SHOW,
				context=context,
			)
			followed += len(_queue([candidate], row.jc_associate))
		frappe.db.set_value(APPOINTMENT, row.name, "jc_no_show_on", now, update_modified=False)
	return {"no_shows": followed}


# --- what the counter and the Today page show ---------------------------------------------------


def next_for(customer: str) -> dict | None:
	"""Her next booking not closed, from now on (one query)."""
	appointment = DocType(APPOINTMENT)
	rows = (
		frappe.qb.from_(appointment)
		.select(*[appointment[field] for field in FIELDS])
		.where(
			(appointment.jc_customer == customer)
			& (appointment.status != appointments.CLOSED)
			& (appointment.scheduled_time >= add_to_date(now_datetime(), hours=-1))
		)
		.orderby(appointment.scheduled_time)
		.limit(1)
		.run(as_dict=True)
	)
	return rows[0] if rows else None


def for_day(associate: str | None, day=None) -> list[dict]:
	"""The bookings of a day (today by default), earliest first: one associate's, or everyone's."""
	day = getdate(day or nowdate())
	filters = {"scheduled_time": ("between", [f"{day} 00:00:00", f"{day} 23:59:59"])}
	if associate:
		filters["jc_associate"] = associate
	return frappe.get_list(APPOINTMENT, filters=filters, fields=FIELDS, order_by="scheduled_time asc")


# --- her access and erasure requests (services/privacy.py) ---------------------------------------


def _hers(appointment, customer: str):
	"""Booked for her at the counter, or on the website and linked to her Customer."""
	return (appointment.jc_customer == customer) | (
		(appointment.appointment_with == "Customer") & (appointment.party == customer)
	)


def about(customer: str) -> list[dict]:
	"""Her bookings, every field, for her access request."""
	appointment = DocType(APPOINTMENT)
	return (
		frappe.qb.from_(appointment)
		.select("*")
		.where(_hers(appointment, customer))
		.orderby(appointment.scheduled_time)
		.run(as_dict=True)
	)


def forget(customer: str) -> dict:
	"""Her erasure: her bookings go (her name, number, email, what she wanted to see), with their
	calendar events, the associate's ToDos, shares, comments and versions. Nothing needs them: no
	figure counts bookings, and their reminders are outreach, kept without her words like any other.
	A booking still to come goes too; she may book again."""
	appointment = DocType(APPOINTMENT)
	rows = (
		frappe.qb.from_(appointment)
		.select(appointment.name, appointment.calendar_event)
		.where(_hers(appointment, customer))
		.run(as_dict=True)
	)
	names = [row.name for row in rows]
	events = [row.calendar_event for row in rows if row.calendar_event]
	for doctype, docs in ((APPOINTMENT, names), ("Event", events)):
		if not docs:
			continue
		frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", docs)})
		frappe.db.delete("DocShare", {"share_doctype": doctype, "share_name": ("in", docs)})
		frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", docs)})
		frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", docs)})
		if doctype == "Event":
			frappe.db.delete("Event Participants", {"parenttype": "Event", "parent": ("in", docs)})
		frappe.db.delete(doctype, {"name": ("in", docs)})
	return {"appointments_deleted": len(names), "calendar_events_deleted": len(events)}
