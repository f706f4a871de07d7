"""Loading the demo into a site (taking it out again: demo/removal.py).

Every demo record is found by its prefix: customers are named `{prefix}-CUST-0001`, items
`{prefix}-RING-...`, stores `{prefix} Karol Bagh`; invoices carry `Demo sale {key}` in their remarks
and repair tickets their key as tag number. Loading looks each one up first, so a second load adds
nothing; removing deletes the demo's customers with everything that belongs to them (invoices and
their ledger entries, occasions, preferences, notes, outreach, points, repairs), then its catalogue,
stores, associates and karigar. Records of other customers are never touched."""

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dt_time

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_days, getdate, nowdate

from jewel_clienteling.demo import plan, plan_messages, setup
from jewel_clienteling.services import loyalty, occasions, planner, profile
from jewel_clienteling.services import settings as clienteling_settings

SALE_DOCTYPES = ("Sales Invoice", "POS Invoice")
MODULE = "Jewel Clienteling"
COMMIT_EVERY = 25


def load(
	customers: int = 120,
	seed: int = 7,
	months: int = 24,
	prefix: str = "DEMO",
	loyalty_points: bool = True,
	echo: Callable[[str], None] | None = print,
) -> dict:
	"""Load the demo (or what of it is missing) and run the app's daily jobs over it. Returns what
	was made, by kind, and the seconds it took."""
	echo = echo or (lambda _text: None)
	started = time.monotonic()
	today = getdate(nowdate())
	made: Counter = Counter()
	the_plan = plan.make_plan(customers, seed, today, months, prefix)
	company = setup.company()
	first_day = min((sale.posting_date for sale in the_plan.sales), default=today)
	setup.fiscal_years(first_day, add_days(today, 60))
	setup.item_groups()
	setup.item_attributes()
	made["items"] = setup.items(prefix)
	stores = setup.stores(prefix, company)
	associates = setup.associates(prefix)
	karigar = setup.karigar(prefix)
	switched = setup.switch_on(loyalty_points)
	frappe.db.commit()  # a long load commits as it goes, so a rerun goes on from there
	echo(
		f"Catalogue, stores and associates ready for {company}"
		+ (f"; switched on {switched}" if switched else "")
	)

	made["customers"] = _customers(the_plan, stores, associates)
	made["occasions"], made["preferences"], made["notes"] = _profiles_asked(the_plan)
	frappe.db.commit()
	echo(f"{made['customers']} customers, {made['occasions']} occasions, {made['notes']} notes added")

	made["invoices"] = _sales(the_plan, company, stores, prefix, echo)
	made["repairs"] = _repairs(the_plan, company, karigar, echo)
	made["messages"] = _messages(the_plan, associates)
	frappe.db.commit()

	echo("Running the app's jobs: profiles, points lapsing, today's outreach...")
	for customer in the_plan.customers:
		profile.refresh_customer(customer.key, today)
		frappe.db.commit()
	if clienteling_settings.loyalty_enabled():
		loyalty.expire_points(today)
	queued = planner.plan_days(today, today, today)
	occasions.advance_past_occurrences(today)
	frappe.db.commit()
	made["outreach planned"] = queued.get("planned", 0)
	seconds = round(time.monotonic() - started, 1)
	echo(f"Demo '{prefix}' loaded in {seconds} s: " + ", ".join(f"{v} {k}" for k, v in made.items()))
	return {**made, "seconds": seconds}


def _customers(the_plan: plan.Plan, stores: list[str], associates: list[str]) -> int:
	existing = set(
		frappe.get_all(
			"Customer", filters={"name": ("in", [c.key for c in the_plan.customers])}, pluck="name"
		)
	)
	group = _leaf("Customer Group", "Individual")
	territory = _leaf("Territory", "India")
	made = 0
	for customer in the_plan.customers:
		if customer.key in existing:
			continue
		channel = (
			"WhatsApp"
			if customer.whatsapp
			else "SMS"
			if customer.sms
			else "Email"
			if customer.email_opt_in
			else ""
		)
		doc = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": customer.name,
				"customer_type": "Individual",
				"customer_group": group,
				"territory": territory,
				"gender": customer.gender if frappe.db.exists("Gender", customer.gender) else None,
				"mobile_no": customer.mobile,
				"email_id": customer.email,
				"jc_home_store": stores[customer.store],
				"jc_preferred_associate": associates[customer.associate]
				if customer.associate is not None
				else None,
				"jc_referred_by": customer.referred_by,
				"jc_do_not_contact": int(customer.do_not_contact),
				"jc_preferred_channel": channel,
				"jc_whatsapp_opt_in": int(customer.whatsapp),
				"jc_sms_opt_in": int(customer.sms),
				"jc_email_opt_in": int(customer.email_opt_in),
			}
		)
		doc.insert(set_name=customer.key, ignore_permissions=True)
		made += 1
	return made


def _leaf(doctype: str, preferred: str) -> str | None:
	if frappe.db.get_value(doctype, {"name": preferred, "is_group": 0}):
		return preferred
	return frappe.db.get_value(doctype, {"is_group": 0})


def _who_has(doctype: str, customers: list[str], **filters) -> set[str]:
	return set(
		frappe.get_all(
			doctype, filters={"customer": ("in", customers), **filters}, pluck="customer", distinct=True
		)
	)


def _profiles_asked(the_plan: plan.Plan) -> tuple[int, int, int]:
	"""What associates asked and wrote down: for a customer who has none of that kind yet."""
	keys = [c.key for c in the_plan.customers] or [""]
	names = {c.key: c.name for c in the_plan.customers}
	asked = _who_has("Occasion", keys, source="Asked")
	stated = _who_has("Preference", keys, source="Stated")
	noted = _who_has("Customer Note", keys)
	counts = [0, 0, 0]
	for occasion in the_plan.occasions:
		if occasion.customer not in asked:
			frappe.get_doc(
				{
					"doctype": "Occasion",
					"customer": occasion.customer,
					"customer_name": names[occasion.customer],
					"occasion_type": occasion.occasion_type,
					"person_name": occasion.person_name,
					"relation": occasion.relation,
					"day": occasion.day,
					"month": str(occasion.month),
					"year": occasion.year,
					"source": "Asked",
				}
			).insert(ignore_permissions=True)
			counts[0] += 1
	for preference in the_plan.preferences:
		if preference.customer not in stated:
			frappe.get_doc(
				{
					"doctype": "Preference",
					"customer": preference.customer,
					"dimension": preference.dimension,
					"qualifier": preference.qualifier,
					"value": preference.value,
					"source": "Stated",
				}
			).insert(ignore_permissions=True)
			counts[1] += 1
	for note in the_plan.notes:
		if note.customer not in noted:
			frappe.get_doc(
				{
					"doctype": "Customer Note",
					"customer": note.customer,
					"note_type": note.note_type,
					"event_type": note.event_type,
					"relation": note.relation,
					"event_date": note.event_date,
					"note": note.note,
				}
			).insert(ignore_permissions=True)
			counts[2] += 1
	return tuple(counts)


def sale_remark(key: str) -> str:
	return f"Demo sale {key}"


def _sales(the_plan: plan.Plan, company: str, stores: list[str], prefix: str, echo) -> int:
	"""Each planned sale as a submitted Sales Invoice paid in cash at her home store, oldest first,
	so points are earned before they are spent and a referral pays on the first sale."""
	invoice = DocType("Sales Invoice")
	done = {
		row[0]
		for row in frappe.qb.from_(invoice)
		.select(invoice.remarks)
		.where(invoice.customer.isin([c.key for c in the_plan.customers] or [""]) & (invoice.docstatus == 1))
		.run()
	}
	home = {c.key: stores[c.store] for c in the_plan.customers}
	todo = [sale for sale in the_plan.sales if sale_remark(sale.key) not in done]
	started = time.monotonic()
	for number, sale in enumerate(todo, start=1):
		_submit_sale(sale, company, home[sale.customer], prefix)
		if number % COMMIT_EVERY == 0 or number == len(todo):
			frappe.db.commit()
		if number % 50 == 0 or number == len(todo):
			echo(f"  invoices: {number}/{len(todo)} ({round(time.monotonic() - started)} s)")
	return len(todo)


def _submit_sale(sale: plan.Sale, company: str, store: str, prefix: str) -> None:
	rng = random.Random(sale.key)  # noqa: S311 - demo data, not a secret
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": company,
			"customer": sale.customer,
			"is_pos": 1,
			"pos_profile": store,
			"update_stock": 0,
			"set_posting_time": 1,
			"posting_date": sale.posting_date,
			"posting_time": f"{rng.randint(11, 19):02d}:{rng.randint(0, 59):02d}:00",
			"due_date": sale.posting_date,
			"remarks": sale_remark(sale.key),
			"jc_purchase_occasion": sale.purchase_occasion,
			"jc_recipient_name": sale.recipient_name,
			"jc_recipient_relation": sale.recipient_relation,
			"jc_occasion_date": sale.occasion_date,
			"items": [
				{
					"item_code": f"{prefix}-{line.item}",
					"qty": 1,
					"rate": line.rate,
					"jc_size": line.size,
					"jc_making_charge": line.making_charge,
				}
				for line in sale.lines
			],
		}
	)
	doc.set_missing_values()
	if sale.redeem and clienteling_settings.loyalty_enabled():
		held = loyalty.balance(sale.customer, sale.posting_date)
		doc.jc_redeem_points = held // 100 * 100 if held >= 200 else 0
		loyalty.apply_redemption(doc)
	doc.calculate_taxes_and_totals()
	amount = doc.rounded_total or doc.grand_total
	doc.set("payments", [{"mode_of_payment": "Cash", "amount": amount, "default": 1}])
	doc.paid_amount = amount
	doc.insert(ignore_permissions=True)
	doc.submit()


def _messages(the_plan: plan.Plan, associates: list[str]) -> int:
	"""The past year's outreach, as the queue would have recorded it once sent: the workspace's
	funnel and, once her profile is refreshed, the sales each message brought."""
	keys = [message.key for message in the_plan.messages] or [""]
	done = set(frappe.get_all("Client Outreach", filters={"dedupe_key": ("in", keys)}, pluck="dedupe_key"))
	customers = {customer.key: customer for customer in the_plan.customers}
	made = 0
	for message in the_plan.messages:
		if message.key in done:
			continue
		customer = customers[message.customer]
		rng = random.Random(message.key)  # noqa: S311 - demo data, not a secret
		sent = datetime.combine(message.sent_on, dt_time(rng.randint(11, 18), rng.randint(0, 59)))
		delivered = sent + timedelta(seconds=rng.randint(2, 90)) if message.delivered else None
		read = delivered + timedelta(minutes=rng.randint(1, 600)) if message.read else None
		replied = read + timedelta(minutes=rng.randint(1, 240)) if message.replied else None
		status = "Replied" if replied else "Read" if read else "Delivered" if delivered else "Sent"
		associate = associates[customer.associate] if customer.associate is not None else None
		frappe.get_doc(
			{
				"doctype": "Client Outreach",
				"customer": customer.key,
				"customer_name": customer.name,
				"reason": message.reason,
				"step": message.reason,
				"status": status,
				"due_date": message.sent_on,
				"assigned_to": associate,
				"channel": message.channel,
				"phone": customer.mobile if message.channel != "Email" else None,
				"message": plan_messages.message_text(customer, message),
				"cycle": message.key,
				"dedupe_key": message.key,
				"sent_on": sent,
				"sent_by": associate,
				"delivered_on": delivered,
				"read_on": read,
				"replied_on": replied,
				"attempts": 1,
			}
		).insert(ignore_permissions=True)
		made += 1
	return made


STEPS = ("Estimated", "Approved", "At Workshop", "Ready", "Delivered")


def _repairs(the_plan: plan.Plan, company: str, karigar: str, echo) -> int:
	"""Tickets taken in and moved along the desk's own steps, then dated as if over the past weeks."""
	ticket_table = DocType("Repair Ticket")
	keys = [repair.key for repair in the_plan.repairs] or [""]
	done = {
		row[0]
		for row in frappe.qb.from_(ticket_table)
		.select(ticket_table.tag_number)
		.where(ticket_table.tag_number.isin(keys) & (ticket_table.docstatus == 1))
		.run()
	}
	made = 0
	today = getdate(nowdate())
	for repair in the_plan.repairs:
		if repair.key in done:
			continue
		received = add_days(today, -repair.received_days_ago)
		ticket = frappe.get_doc(
			{
				"doctype": "Repair Ticket",
				"company": company,
				"customer": repair.customer,
				"tag_number": repair.key,
				"piece_description": repair.piece,
				"complaint": repair.piece.split(", ", 1)[-1].capitalize(),
				"services": [{"service": service} for service in repair.services],
				"gross_weight_in": repair.weight,
				"estimate": repair.estimate,
				"charges": repair.estimate,
				"promised_date": add_days(received, 7),
			}
		)
		ticket.insert(ignore_permissions=True)
		ticket.submit()
		dates = {"creation": f"{received} 12:00:00"}
		for step in STEPS[: STEPS.index(repair.status) + 1] if repair.status in STEPS else ():
			ticket.status = step
			if step == "Approved":
				ticket.approved_via = "WhatsApp"
			if step == "At Workshop":
				ticket.workshop = karigar
				ticket.sent_to_workshop_on = add_days(received, 1)
			if step == "Ready":
				ticket.received_from_workshop_on = add_days(received, 7)
				dates["ready_on"] = add_days(received, 7)
			if step == "Delivered":
				ticket.weight_out = repair.weight
				dates["delivered_on"] = add_days(received, 17)
			ticket.flags.ignore_permissions = True
			ticket.save()
		frappe.db.set_value("Repair Ticket", ticket.name, dates, update_modified=False)
		made += 1
	frappe.db.commit()
	echo(f"{made} repair tickets taken in")
	return made


# ------------------------------------------------------------------------------------------ removal
