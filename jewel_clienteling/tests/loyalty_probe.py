"""Run by the concurrency and fault tests in processes of their own: a counter, a worker."""

import frappe

from jewel_clienteling.tests import fixtures as fx


def redeem(customer: str, points: int, item_code: str, rate: float) -> None:
	try:
		doc = fx.make_pos_invoice(customer, [(item_code, rate)], submit=False, jc_redeem_points=points)
		fx._pay_in_cash(doc)
		doc.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the draft is saved in one request, submitted in the next
		doc.submit()
		frappe.db.commit()  # nosemgrep: a counter's request commits its sale
		print(f"SOLD {doc.name}")
	except frappe.ValidationError as error:
		frappe.db.rollback()
		print(f"REFUSED {error}")


def sell(customer: str, item_code: str, rate: float, making: float, lock_wait: int = 50) -> None:
	"""A sale at a counter whose database gives up waiting for a lock after `lock_wait` seconds."""
	frappe.db.sql("SET SESSION innodb_lock_wait_timeout = %s", (int(lock_wait),))
	doc = fx.make_pos_invoice(customer, [(item_code, rate)], submit=False)
	doc.items[0].jc_making_charge = making
	doc.save(ignore_permissions=True)
	doc.submit()
	frappe.db.commit()  # nosemgrep: a counter's request commits its sale
	print(f"SOLD {doc.name}")


def refresh(customer: str, lock_wait: int = 50) -> None:
	"""The after-sale profile job, in a worker whose database gives up waiting after `lock_wait` s."""
	from jewel_clienteling.services import sync

	frappe.db.sql("SET SESSION innodb_lock_wait_timeout = %s", (int(lock_wait),))
	sync.run_refresh(customer)
	print("REFRESH DONE")
