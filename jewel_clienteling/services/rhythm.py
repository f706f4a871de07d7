"""Her rhythm on a real site: set at the counter or on her form (api/rhythm.py), or by her reply on
WhatsApp (services/webhook.py, beside STOP and START); read by the queue (services/outreach.py) for
her gap between messages and the moment a message goes. Rules: domain/rhythm.py."""

from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import rhythm
from jewel_clienteling.services import settings as clienteling_settings

CHANNELS = ("WhatsApp", "SMS", "Email")  # jc_preferred_channel's options


def send_moment(purpose: str, due: date, now: datetime, quiet: tuple, customer) -> datetime:
	"""When it may go: out of quiet hours and, for marketing, at her time of day. A message about
	her own piece, order or visit keeps its time."""
	preferred = customer.jc_preferred_time if purpose == outreach_rules.MARKETING else None
	return rhythm.send_after(due, now, *quiet, preferred)


def set_rhythm(
	customer: str,
	how_often: str | None,
	time_of_day: str | None,
	channel: str | None,
	when: datetime | None = None,
) -> dict:
	"""Write her choice (empty: the store's default) and when it was made (the privacy export and
	erasure take these fields with the rest of the app's fields on her Customer)."""
	how_often, time_of_day, channel = how_often or "", time_of_day or "", channel or ""
	if how_often not in ("", *rhythm.RHYTHMS):
		frappe.throw(_("Choose how often from the list."))
	if time_of_day not in ("", *rhythm.TIMES_OF_DAY):
		frappe.throw(_("Choose a time of day from the list."))
	if channel not in ("", *CHANNELS):
		frappe.throw(_("Choose a channel from the list."))
	values = {
		"jc_contact_rhythm": how_often,
		"jc_preferred_time": time_of_day,
		"jc_preferred_channel": channel,
		"jc_rhythm_set_on": when or now_datetime(),
	}
	frappe.db.set_value("Customer", customer, values)
	return {key: value for key, value in values.items() if key != "jc_rhythm_set_on"}


def take_reply(customer: str, text: str | None, received: datetime) -> str | None:
	"""Her reply asks to hear from the store more or less often: set it, unless she (or the counter)
	chose after she wrote it. Returns the rhythm set, or None."""
	current = frappe.db.get_value(
		"Customer", customer, ["jc_contact_rhythm", "jc_preferred_time", "jc_preferred_channel", "jc_rhythm_set_on"],
		as_dict=True, for_update=True,
	)  # fmt: skip
	if not current:
		return None
	cap = cint(clienteling_settings.get_settings().frequency_cap_days)
	chosen = rhythm.reply_rhythm(text, current.jc_contact_rhythm, cap)
	if not chosen:
		return None
	if current.jc_rhythm_set_on and get_datetime(current.jc_rhythm_set_on) > received:
		return None  # her latest word wins: a late or redelivered reply never undoes a newer choice
	set_rhythm(customer, chosen, current.jc_preferred_time, current.jc_preferred_channel, received)
	return chosen
