"""Her points on the real site: Loyalty Ledger rows and the balance kept on her Customer beside them.
The rules are in domain/loyalty/; here rows are read, locked and written.

Every write for a customer first locks her Customer row, so two counters, the sweep and the expiry
job take turns: nobody spends points another is spending, and the balance written last is right.

A movement that must happen once carries a key the database holds unique (`once_key`). Whoever
posts it second, even at the same instant from another process, finds the key taken: nothing is
written and the row already posted is named instead. Movements that may repeat have no key.
"""

from datetime import date
from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import loyalty

LEDGER = "Loyalty Ledger"


def new_name() -> str:
	return frappe.generate_hash(length=12)


def voucher_key(doctype: str, name: str) -> str:
	return f"{doctype}::{name}" if doctype and name else ""


def lock_customer(customer: str) -> bool:
	return bool(frappe.db.get_value("Customer", customer, "name", for_update=True))


def ledger_rows(customer: str, locked: bool = False) -> list[frappe._dict]:
	"""Her rows in posting order. `locked` (after `lock_customer`) reads them with a locking read,
	which sees what other counters committed while we waited, whatever our snapshot."""
	ledger = DocType(LEDGER)
	query = (
		frappe.qb.from_(ledger)
		.select(
			ledger.name,
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
		.where(ledger.customer == customer)
		.orderby(ledger.posting_date)
		.orderby(ledger.creation)
	)
	return (query.for_update() if locked else query).run(as_dict=True)


def movements(rows: list[frappe._dict]) -> list[loyalty.Movement]:
	return [
		loyalty.Movement(
			row.name,
			row.entry_type,
			row.points,
			getdate(row.posting_date),
			getdate(row.expiry_date) if row.expiry_date else None,
			voucher_key(row.voucher_type, row.voucher_no),
			row.against_entry or "",
			row.once_key or "",
		)
		for row in rows
	]


def customer_movements(customer: str, locked: bool = False) -> list[loyalty.Movement]:
	return movements(ledger_rows(customer, locked))


def write(
	customer: str, move: loyalty.Movement, source: str, voucher=None, reason: str = "", **extra
) -> tuple[str, bool]:
	"""One row as the app posts it: no form validation, the domain rules already decided it. Returns
	the row's name and whether this call wrote it: a movement whose key is taken was done already
	(by this request or another), and the row that did it is named."""
	doc = frappe.get_doc(
		{
			"doctype": LEDGER,
			"name": move.name or new_name(),
			"customer": customer,
			"entry_type": move.kind,
			"points": int(move.points),
			"posting_date": move.posting_date,
			"expiry_date": move.expiry_date,
			"against_entry": move.against or None,
			"source": source,
			"reason": reason,
			"voucher_type": voucher.doctype if voucher else None,
			"voucher_no": voucher.name if voucher else None,
			"store": voucher.get("pos_profile") if voucher else None,
			"company": voucher.get("company") if voucher else None,
			"posted_by": frappe.session.user,
			"once_key": move.key or None,
			**extra,
		}
	)
	if not move.key:
		doc.db_insert()
		return doc.name, True
	return _write_once(doc)


ONCE_SAVEPOINT = "jewel_clienteling_once"


def _write_once(doc) -> tuple[str, bool]:
	"""Insert a keyed row, or name the row that holds its key. The savepoint undoes only the refused
	insert (a database that aborts the transaction on an error needs it) and Frappe's "must be unique"
	message is kept from the user: for her the movement simply happened once."""
	frappe.db.savepoint(ONCE_SAVEPOINT)
	muted = frappe.flags.mute_messages
	frappe.flags.mute_messages = True
	try:
		doc.db_insert()
	except frappe.UniqueValidationError:
		frappe.db.rollback(save_point=ONCE_SAVEPOINT)
		return posted(doc.once_key), False
	finally:
		frappe.flags.mute_messages = muted
	frappe.db.release_savepoint(ONCE_SAVEPOINT)
	return doc.name, True


def posted(key: str) -> str | None:
	"""The row that holds a once key, read with a locking read, which sees what another process
	committed whatever our snapshot."""
	return frappe.db.get_value(LEDGER, {"once_key": key}, "name", for_update=True)


def refresh_balance(customer: str, today: date | None = None) -> int:
	"""Write what she holds today, and her next lapsing lot, onto her Customer."""
	today = getdate(today or nowdate())
	held = [
		lot for lot in loyalty.lots(customer_movements(customer, locked=True), today) if lot.remaining > 0
	]
	points = int(sum((lot.remaining for lot in held if lot.is_live(today)), Decimal(0)))
	next_lapse = min((lot.expiry_date for lot in held), default=None)
	lapsing = sum((lot.remaining for lot in held if lot.expiry_date == next_lapse), Decimal(0))
	frappe.db.set_value(
		"Customer",
		customer,
		{
			"jc_loyalty_points": points,
			"jc_points_next_expiry": next_lapse,
			"jc_points_expiring": int(lapsing),
		},
		update_modified=False,
	)
	return points


def balance(customer: str, today: date | None = None) -> int:
	return int(loyalty.balance(customer_movements(customer), getdate(today or nowdate())))
