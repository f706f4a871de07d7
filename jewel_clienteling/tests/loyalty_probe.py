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


# --- contenders of the once-only races (tests/race.py): each returns what it did ---------------------


def first_sale(customer: str, item_code: str, rate: float, making: float) -> str:
	"""A sale at a counter, made and submitted in one request."""
	doc = fx.make_pos_invoice(customer, [(item_code, rate)], submit=False)
	doc.items[0].jc_making_charge = making
	doc.save(ignore_permissions=True)
	doc.submit()
	return doc.name


def submit(doctype: str, name: str) -> str:
	"""The Submit button on a saved draft."""
	frappe.get_doc(doctype, name).submit()
	return name


def post(doctype: str, name: str) -> int:
	"""What the sweep does for an invoice a hook could not post: its points, then what it earned."""
	from jewel_clienteling.services import loyalty

	loyalty.post_invoice(frappe.get_doc(doctype, name))
	return frappe.db.get_value(doctype, name, "jc_points_earned")


def reverse_cancelled(doctype: str, name: str) -> None:
	"""What the sweep does for a cancellation a hook could not reverse."""
	from jewel_clienteling.services import loyalty

	loyalty.cancel_invoice(frappe.get_doc(doctype, name))


def review_by_api(customer: str, invoice_type: str, invoice: str, authorization: str) -> dict:
	"""The review bonus asked for through Frappe's own request handling, as the desk's button does."""
	from jewel_clienteling.tests.utils import request

	response = request(
		"post",
		"/api/method/jewel_clienteling.api.loyalty.award_review_bonus",
		json={"customer": customer, "invoice_type": invoice_type, "invoice": invoice},
		headers={"Authorization": authorization},
	)
	body = response.get_json(silent=True) or {}
	messages = [
		frappe.parse_json(m).get("message") for m in frappe.parse_json(body.get("_server_messages") or "[]")
	]
	return {"status": response.status_code, "row": body.get("message"), "messages": messages}
