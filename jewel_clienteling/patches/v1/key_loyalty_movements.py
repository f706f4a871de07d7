"""Money moves once: give every Loyalty Ledger row posted before once keys the key it would have had
(domain/loyalty/backfill.py), so the unique index holds the past too.

Rows that repeat a movement already posted (what two requests at the same instant could post before
keys: a review or referral bonus paid twice, an opening balance imported twice) are decided so:

- the first row keeps the key; a repeat gets none (two rows cannot share it);
- what is left of a repeat is taken back by a Reverse row from source Correction, keyed by the repeat
  (running this again takes nothing more), with the reason naming both rows, and a note on her
  timeline saying what was corrected. A repeat already reversed in full (its sale was cancelled)
  needs nothing. As for any reversal, points of the repeat she has already spent are taken from her
  other points and never below nothing: what she cannot give back is forgiven.

Rows by hand (Manual) may repeat and get no key. Rows that already have a key keep it.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import loyalty as loyalty_rules
from jewel_clienteling.domain.loyalty.backfill import PastRow, keys_for_past_rows
from jewel_clienteling.services import loyalty


def execute():
	rows = past_rows()
	keyed, repeats = keys_for_past_rows(rows)
	ledger = DocType(loyalty.LEDGER)
	for name, key in keyed.items():
		frappe.qb.update(ledger).set(ledger.once_key, key).where(
			(ledger.name == name) & ledger.once_key.isnull()
		).run()
	corrected = correct(repeats)
	print(f"Loyalty Ledger: {len(keyed)} rows keyed, {len(repeats)} repeats found, {corrected} taken back")


def past_rows() -> list[PastRow]:
	"""Every row in posting order, as the backfill rule reads it."""
	ledger = DocType(loyalty.LEDGER)
	found = (
		frappe.qb.from_(ledger)
		.select(
			ledger.name,
			ledger.customer,
			ledger.entry_type,
			ledger.points,
			ledger.posting_date,
			ledger.expiry_date,
			ledger.voucher_type,
			ledger.voucher_no,
			ledger.against_entry,
			ledger.source,
			ledger.once_key,
		)
		.orderby(ledger.posting_date)
		.orderby(ledger.creation)
		.run(as_dict=True)
	)
	referred = referred_customers([row for row in found if row.source == loyalty_rules.SOURCE_REFERRAL])
	rows = []
	for row in found:
		try:
			(move,) = loyalty.movements([row])
		except loyalty_rules.LoyaltyError:
			continue  # a row the rules cannot read (none should exist) is left as it is, unkeyed
		rows.append(PastRow(move, row.customer, row.source or "", referred.get(row.name, "")))
	return rows


def referred_customers(rows) -> dict[str, str]:
	"""For each referral bonus, the customer whose sale paid it."""
	by_doctype = defaultdict(set)
	for row in rows:
		if row.voucher_type and row.voucher_no:
			by_doctype[row.voucher_type].add(row.voucher_no)
	buyers = {}
	for doctype, names in by_doctype.items():
		invoice = DocType(doctype)
		buyers[doctype] = dict(
			frappe.qb.from_(invoice)
			.select(invoice.name, invoice.customer)
			.where(invoice.name.isin(names))
			.run()
		)
	return {row.name: buyers.get(row.voucher_type, {}).get(row.voucher_no) or "" for row in rows}


def correct(repeats) -> int:
	"""Take back what is left of each repeat; returns how many were taken back."""
	today = getdate(nowdate())
	corrected = 0
	by_customer = defaultdict(list)
	for repeat in repeats:
		by_customer[repeat.row.customer].append(repeat)
	for customer in sorted(by_customer):
		loyalty.lock_customer(customer)
		notes = []
		for repeat in by_customer[customer]:
			name = repeat.row.movement.name
			rows = loyalty.customer_movements(customer, locked=True)
			try:
				move = loyalty_rules.reverse(
					rows, name, today, name=loyalty.new_name(), key=loyalty_rules.keys.correction(name)
				)
			except loyalty_rules.LoyaltyError:
				continue  # reversed in full already, or an expiry (never reversed)
			reason = _("Posted twice by mistake: {0} repeats {1}, so its points are taken back.").format(
				name, repeat.first
			)
			_row, written = loyalty.write(customer, move, loyalty_rules.SOURCE_CORRECTION, reason=reason)
			if written:
				corrected += 1
				notes.append(reason)
		loyalty.refresh_balance(customer, today)
		if notes and frappe.db.exists("Customer", customer):
			frappe.get_doc("Customer", customer).add_comment("Info", "<br>".join(notes))
	return corrected
