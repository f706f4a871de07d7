"""Old Gold Exchange: the piece she brings valued as domain/old_gold.py says, and booked in ERPNext as
an Indian jeweller's accountant books it (README, "Old gold exchange"):

- on submit, a Stock Entry (Material Receipt) of the "Old Gold 22K"-style item of its purity, its
  net weight in grams, into the old-gold warehouse at the exchange value: Dr the warehouse's stock
  account, Cr the Old Gold Exchange clearing account (a current liability: what the store owes her);
- and, when it pays towards a Sales Invoice (or towards nothing yet), a Journal Entry: Dr the clearing
  account, Cr her receivable, against that invoice (or as her advance, for Get Advances on her next
  invoice). At the counter a POS Invoice is paid with the "Old Gold" mode of payment, whose account is
  the same clearing account, so no Journal Entry is made: the POS payment is the set-off.

No GST is charged on the old gold (bought from an individual, not a supply by a registered person);
the new sale is taxed on its full value: the exchange pays for it, it does not discount it.
Cancelling the exchange cancels both entries, and ERPNext writes their reversals."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max, Sum
from frappe.utils import flt, getdate

from jewel_clienteling.domain import old_gold as og
from jewel_clienteling.domain.preferences import item_dimensions
from jewel_clienteling.services import facts, store_access
from jewel_clienteling.services import settings as clienteling_settings

EXCHANGE = "Old Gold Exchange"
SALES_INVOICE = "Sales Invoice"
POS_INVOICE = "POS Invoice"
GRAM = "Gram"
SETTINGS = "Clienteling Settings"


def _sentence(code: str) -> str:
	return {
		"missing": _("{0} is needed."),
		"not_a_number": _('{0} must be a number, not "{1}".'),
		"not_positive": _("{0} must be above zero."),
		"finer_than_milligram": _("{0} is weighed to the milligram (three decimals), not {1}."),
		"net_above_gross": _("The net weight cannot be more than the gross weight."),
		"unknown_metal": _("Choose the metal."),
		"unknown_purity": _("Choose the purity."),
		"purity_not_of_metal": _("{1} is not a purity of {2}."),
		"fineness_out_of_range": _("The tested fineness is a whole number from 1 to 999, not {1}."),
	}[code]


def explain(error: og.ExchangeError) -> str:
	details = error.details
	field = details.get("field")
	label = _(frappe.get_meta(EXCHANGE).get_label(field)) if field else ""
	return _sentence(error.code).format(label, details.get("given", ""), _(details.get("metal") or ""))


def value(doc) -> None:
	"""Fineness, fine weight and value, always worked out here from what was weighed: a value sent by
	the form is never taken."""
	try:
		result = og.valuation(
			doc.metal, doc.purity, doc.gross_weight, doc.net_weight, doc.rate, doc.tested_fineness
		)
	except og.ExchangeError as error:
		frappe.throw(explain(error), title=_("Old Gold Exchange"))
	doc.fineness = result.fineness
	doc.fine_weight = float(result.fine_weight)
	doc.value = float(result.value)


def validate(doc) -> None:
	if doc.customer and not store_access.may_see_customer(doc.customer):
		frappe.throw(_("Choose a customer of your store."), frappe.PermissionError)
	doc.currency = frappe.get_cached_value("Company", doc.company, "default_currency")
	value(doc)
	if bool(doc.sale_type) != bool(doc.sale):
		frappe.throw(_("Choose both the kind of sale and the sale, or neither."))
	if doc.sale:
		check_sale(doc, submitting=False)


def check_sale(doc, submitting: bool) -> None:
	"""The sale is hers, of this company, a sale (not a return), and by submit a submitted one."""
	sale = frappe.db.get_value(
		doc.sale_type,
		doc.sale,
		["customer", "company", "docstatus", "is_return", "outstanding_amount"],
		as_dict=True,
	)
	if not sale:
		frappe.throw(_("{0} {1} does not exist.").format(_(doc.sale_type), doc.sale))
	if sale.customer != doc.customer or sale.company != doc.company:
		frappe.throw(_("The sale must be this customer's, in this company."))
	if sale.is_return or sale.docstatus == 2:
		frappe.throw(_("An exchange pays towards a sale, not a return or a cancelled invoice."))
	if submitting and sale.docstatus != 1:
		frappe.throw(_("Submit the sale before the exchange that pays towards it."))
	if submitting and not paid_at_counter(doc) and flt(doc.value) > flt(sale.outstanding_amount):
		frappe.throw(
			_("The sale has {0} left to pay, less than the exchange's {1}.").format(
				frappe.format_value(sale.outstanding_amount, {"fieldtype": "Currency"}),
				frappe.format_value(doc.value, {"fieldtype": "Currency"}),
			)
		)


def accounts(company: str) -> frappe._dict:
	"""Where the exchange is booked: Clienteling Settings' warehouse and clearing account (of this
	company), the company's cost centre."""
	settings = frappe.get_cached_doc(SETTINGS)
	warehouse, account = settings.old_gold_warehouse, settings.old_gold_account
	if not warehouse or not account:
		frappe.throw(_("Set the old gold warehouse and account in Clienteling Settings."))
	for doctype, name in (("Warehouse", warehouse), ("Account", account)):
		if frappe.db.get_value(doctype, name, "company") != company:
			frappe.throw(
				_("{0} {1} in Clienteling Settings is not of {2}.").format(_(doctype), name, company)
			)
	return frappe._dict(
		warehouse=warehouse,
		account=account,
		cost_center=frappe.get_cached_value("Company", company, "cost_center"),
	)


def book(doc) -> None:
	"""On submit: the stock received and, unless paid at the counter, the set-off."""
	if doc.sale:
		check_sale(doc, submitting=True)
	books = accounts(doc.company)
	counter = paid_at_counter(doc)
	if counter:
		check_paid_at_counter(doc, books.account)
	doc.db_set("stock_entry", receive_stock(doc, books))
	if not counter:
		doc.db_set("journal_entry", set_off(doc, books))


def paid_at_counter(doc) -> bool:
	"""A POS Invoice, or a Sales Invoice paid at a counter (is_pos, as POS Awesome makes them): its own
	payment rows settle it."""
	if not doc.sale:
		return False
	return doc.sale_type == POS_INVOICE or bool(frappe.db.get_value(SALES_INVOICE, doc.sale, "is_pos"))


def receive_stock(doc, books) -> str:
	item = og.item_code(doc.metal, doc.purity)
	if not frappe.db.exists("Item", item):
		frappe.throw(_("Make the stock item {0} for old metal of this purity.").format(item))
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"company": doc.company,
			"set_posting_time": 1,
			"posting_date": doc.posting_date,
			"remarks": _("Old gold taken in exchange from {0}: {1}").format(doc.customer_name, doc.name),
		}
	)
	entry.append(
		"items",
		{
			"item_code": item,
			"t_warehouse": books.warehouse,
			"qty": flt(doc.net_weight, 3),
			"uom": frappe.db.get_value("Item", item, "stock_uom"),
			"conversion_factor": 1,
			"basic_rate": flt(doc.value) / flt(doc.net_weight, 3),
			"set_basic_rate_manually": 1,
			"expense_account": books.account,
			"cost_center": books.cost_center,
		},
	)
	entry.flags.ignore_permissions = True  # the app books what the associate's submit recorded
	entry.insert()
	entry.submit()
	return entry.name


def set_off(doc, books) -> str:
	"""Dr the clearing account, Cr her receivable: against the Sales Invoice, or as her advance."""
	if doc.sale:
		receivable = frappe.db.get_value(SALES_INVOICE, doc.sale, "debit_to")
	else:
		from erpnext.accounts.party import get_party_account

		receivable = get_party_account("Customer", doc.customer, doc.company)
	credit = {
		"account": receivable,
		"party_type": "Customer",
		"party": doc.customer,
		"credit_in_account_currency": flt(doc.value),
		"cost_center": books.cost_center,
	}
	if doc.sale:
		credit.update(reference_type=SALES_INVOICE, reference_name=doc.sale)
	else:
		credit["is_advance"] = "Yes"
	entry = frappe.new_doc("Journal Entry")
	entry.update(
		{
			"voucher_type": "Journal Entry",
			"company": doc.company,
			"posting_date": doc.posting_date,
			"user_remark": _("Old gold exchange {0}: {1} g of {2} at {3}").format(
				doc.name, doc.net_weight, doc.purity, doc.rate
			),
			"accounts": [
				{
					"account": books.account,
					"debit_in_account_currency": flt(doc.value),
					"cost_center": books.cost_center,
				},
				credit,
			],
		}
	)
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	return entry.name


def check_paid_at_counter(doc, account: str) -> None:
	"""A sale paid at the counter is settled by its own payment: it must have taken the old gold (a
	payment on the clearing account) for at least this exchange's value, besides the other exchanges
	already paying towards it."""
	paid = sum(
		flt(amount)
		for amount in frappe.get_all(
			"Sales Invoice Payment",
			filters={"parenttype": doc.sale_type, "parent": doc.sale, "account": account},
			pluck="amount",
		)
	)
	taken = sum(
		flt(value)
		for value in frappe.get_all(
			EXCHANGE,
			filters={"sale_type": doc.sale_type, "sale": doc.sale, "docstatus": 1, "name": ("!=", doc.name)},
			pluck="value",
		)
	)
	if paid - taken < flt(doc.value):
		frappe.throw(
			_("Take the old gold at the counter as the Old Gold payment of {0} ({1} left of it).").format(
				doc.sale, frappe.format_value(max(paid - taken, 0), {"fieldtype": "Currency"})
			)
		)


def unbook(doc) -> None:
	"""On cancel: ERPNext reverses the set-off and the stock received."""
	for doctype, name in (("Journal Entry", doc.journal_entry), ("Stock Entry", doc.stock_entry)):
		if name and frappe.db.get_value(doctype, name, "docstatus") == 1:
			entry = frappe.get_doc(doctype, name)
			entry.flags.ignore_permissions = True
			entry.flags.ignore_links = True
			entry.cancel()


# ---------------------------------------------------------------------------------------- segments


def exchanged():
	"""A sub-query of the customers who exchanged old gold (submitted, not cancelled)."""
	exchange = DocType(EXCHANGE)
	return frappe.qb.from_(exchange).select(exchange.customer).where(exchange.docstatus == 1)


def gold_items(doctype: str, sold_by) -> list[str]:
	"""The gold pieces among the items sold on `doctype` up to `sold_by`, gold as the Metal
	preference source reads an item (an attribute, a field or the group, as the store set it)."""
	line = DocType(f"{doctype} Item")
	invoice = DocType(doctype)
	codes = {
		row[0]
		for row in frappe.qb.from_(line)
		.join(invoice)
		.on(line.parent == invoice.name)
		.select(line.item_code)
		.distinct()
		.where((invoice.docstatus == 1) & (invoice.posting_date <= sold_by) & line.item_code.isnotnull())
		.run()
	}
	sources = tuple(s for s in clienteling_settings.preference_sources() if s.dimension == "Metal")
	found = facts.item_facts(codes, sources)
	return sorted(
		code for code, item in found.items() if og.is_gold(item_dimensions(item, sources).get("Metal"))
	)


# ---------------------------------------------------------------------------------------- snapshot


def for_snapshot(customer: str) -> dict | None:
	"""Her exchanges for the counter (submitted only; a cancelled one paid nothing), in one grouped
	query on the customer index, or None when she has none (or the user may not read exchanges). The
	snapshot has already checked that the user sees this customer, which is the exchanges' store limit
	(hooks.py: by the customer's home store), so every one of her exchanges is the user's to see."""
	if not frappe.has_permission(EXCHANGE, "read"):
		return None
	exchange = DocType(EXCHANGE)
	rows = (
		frappe.qb.from_(exchange)
		.select(
			exchange.metal,
			exchange.currency,
			Count(exchange.name).as_("exchanges"),
			Sum(exchange.fine_weight).as_("fine_weight"),
			Sum(exchange.value).as_("value"),
			Max(exchange.posting_date).as_("last_on"),
		)
		.where((exchange.customer == customer) & (exchange.docstatus == 1))
		.groupby(exchange.metal, exchange.currency)
		.run(as_dict=True)
	)
	summary = og.exchanged_summary([og.ExchangedTotal(**row) for row in rows])
	if summary is None:
		return None
	for row in summary["fine_weights"]:
		row["fine_weight"] = float(row["fine_weight"])
	for row in summary["values"]:
		row["value"] = float(row["value"])
	return summary


# ----------------------------------------------------------------------------------------- privacy


def export_rows(customer: str) -> list[dict]:
	rows = frappe.get_all(EXCHANGE, filters={"customer": customer}, fields=["*"], order_by="creation asc")
	photos = frappe.get_all(
		"Old Gold Exchange Photo",
		filters={"parenttype": EXCHANGE, "parent": ("in", [row.name for row in rows] or [""])},
		fields=["parent", "photo", "caption"],
		order_by="idx asc",
	)
	for row in rows:
		row["photos"] = [{"photo": p.photo, "caption": p.caption} for p in photos if p.parent == row.name]
		row["posting_date"] = str(getdate(row.posting_date)) if row.posting_date else None
	return rows


def forget(customer: str) -> int:
	"""Erasure: the exchange is a voucher of the books (kept as tax law asks, like her invoices), but
	her photos, what she said about the pieces and the notes go, files included."""
	names = frappe.get_all(EXCHANGE, filters={"customer": customer}, pluck="name")
	if not names:
		return 0
	for file in frappe.get_all(
		"File", filters={"attached_to_doctype": EXCHANGE, "attached_to_name": ("in", names)}, pluck="name"
	):
		frappe.delete_doc("File", file, ignore_permissions=True, force=True)
	frappe.db.delete("Old Gold Exchange Photo", {"parenttype": EXCHANGE, "parent": ("in", names)})
	exchange = frappe.qb.DocType(EXCHANGE)
	frappe.qb.update(exchange).set(exchange.description, None).set(exchange.notes, None).where(
		exchange.customer == customer
	).run()
	return len(names)
