"""Test fixtures on a real ERPNext site: a jewellery catalogue, a POS counter and helpers that make
real invoices through ERPNext's own controllers. Used by the integration tests and the benchmarks."""

import frappe
from erpnext.controllers.item_variant import create_variant
from frappe.utils import add_days, getdate, nowdate

POS_PROFILE = "JC Counter"
ASSOCIATE = "jc-associate@example.com"
STRANGER = "jc-stranger@example.com"
SECOND_ASSOCIATE = "jc-associate-2@example.com"
KARIGAR = "JC Karigar"
REPAIR_ITEM = "JC-REPAIR"

ATTRIBUTES = {
	"Metal": [("Gold", "GLD"), ("Platinum", "PLT")],
	"Purity": [("22K", "22K"), ("18K", "18K"), ("PT950", "950")],
	"Stone": [("Polki", "PLK"), ("Diamond", "DIA"), ("Plain", "PLN")],
}
# item code: (template, group, attributes)
CATALOGUE = {
	"JC-RING-GLD-22K-PLK": ("JC-RING", "Rings", {"Metal": "Gold", "Purity": "22K", "Stone": "Polki"}),
	"JC-RING-PLT-950-DIA": ("JC-RING", "Rings", {"Metal": "Platinum", "Purity": "PT950", "Stone": "Diamond"}),
	"JC-NECK-GLD-22K-PLK": ("JC-NECKLACE", "Necklaces", {"Metal": "Gold", "Purity": "22K", "Stone": "Polki"}),
	"JC-BANGLE-GLD-18K-PLN": ("JC-BANGLE", "Bangles", {"Metal": "Gold", "Purity": "18K", "Stone": "Plain"}),
}
COIN = "JC-COIN-10G"


def before_tests():
	"""bench run-tests calls only this app's before_tests: complete ERPNext's setup the way its own
	test runner does, then add our catalogue and counter."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	make_fixtures()
	# the test site's customers come and go with each test: catching up on those already lapsed would
	# plan win-backs into every other test's story; test_lapsed_backlog turns it on for itself
	frappe.db.set_single_value("Clienteling Settings", "lapsed_backlog_per_associate", 0)
	frappe.db.set_single_value("Clienteling Settings", "lapsed_backlog_before", None)
	frappe.db.set_single_value("Clienteling Settings", "stay_in_touch_backlog_since", None)
	frappe.db.commit()  # nosemgrep: fixtures must outlive each test's rollback


def company() -> str:
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def complete_setup() -> bool:
	"""A site whose setup wizard has not run has no company, no "All Item Groups", no chart of
	accounts: complete it as ERPNext's own test runner does. True when it had to."""
	if frappe.db.a_row_exists("Company"):
		return False
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	return True


def make_fixtures():
	"""The catalogue, the repair desk and the counter, on a site completed first if its setup wizard
	has not run (a fresh test site, as the benchmarks find it)."""
	complete_setup()
	for group in ("Rings", "Necklaces", "Bangles", "Gold Coins"):
		if not frappe.db.exists("Item Group", group):
			frappe.get_doc(
				{"doctype": "Item Group", "item_group_name": group, "parent_item_group": "All Item Groups"}
			).insert(ignore_permissions=True)
	for attribute, values in ATTRIBUTES.items():
		if not frappe.db.exists("Item Attribute", attribute):
			frappe.get_doc(
				{
					"doctype": "Item Attribute",
					"attribute_name": attribute,
					"item_attribute_values": [{"attribute_value": v, "abbr": a} for v, a in values],
				}
			).insert(ignore_permissions=True)
	for template, group in (("JC-RING", "Rings"), ("JC-NECKLACE", "Necklaces"), ("JC-BANGLE", "Bangles")):
		if not frappe.db.exists("Item", template):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": template,
					"item_group": group,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"has_variants": 1,
					"attributes": [{"attribute": a} for a in ATTRIBUTES],
				}
			).insert(ignore_permissions=True)
	for item_code, (template, _group, attributes) in CATALOGUE.items():
		if not frappe.db.exists("Item", item_code):
			variant = create_variant(template, attributes)
			variant.item_code = variant.item_name = item_code
			variant.insert(ignore_permissions=True)
	if not frappe.db.exists("Item", COIN):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": COIN,
				"item_group": "Gold Coins",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	make_fiscal_years()
	make_repair_desk()
	make_counter()
	make_user(ASSOCIATE, "Sales User")
	make_user(SECOND_ASSOCIATE, "Sales User")
	make_user(STRANGER, "Purchase User")


def make_repair_desk():
	"""A karigar to send pieces to and a service item to bill repairs with."""
	if not frappe.db.exists("Supplier", KARIGAR):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": KARIGAR,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Item", REPAIR_ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": REPAIR_ITEM,
				"item_name": "Repair charges",
				"item_group": "Services" if frappe.db.exists("Item Group", "Services") else "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)


def make_fiscal_years():
	"""Two years back and one ahead, for sales a year old (cadence, festivals, lapses)."""
	this_year = getdate(nowdate()).year
	for year in range(this_year - 2, this_year + 2):
		if not frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": str(year),
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)


def make_counter():
	name = company()
	cash, write_off, cost_center = frappe.get_cached_value(
		"Company", name, ["default_cash_account", "write_off_account", "cost_center"]
	)
	cash = cash or frappe.db.get_value("Account", {"account_type": "Cash", "company": name, "is_group": 0})
	if not frappe.db.get_value("Mode of Payment Account", {"parent": "Cash", "company": name}):
		mode = frappe.get_doc("Mode of Payment", "Cash")
		mode.append("accounts", {"company": name, "default_account": cash})
		mode.save(ignore_permissions=True)
	if not frappe.db.exists("POS Profile", POS_PROFILE):
		frappe.get_doc(
			{
				"doctype": "POS Profile",
				"name": POS_PROFILE,
				"__newname": POS_PROFILE,
				"company": name,
				"currency": frappe.get_cached_value("Company", name, "default_currency"),
				"warehouse": frappe.db.get_value("Warehouse", {"company": name, "is_group": 0}),
				"write_off_account": write_off
				or frappe.db.get_value("Account", {"company": name, "root_type": "Expense", "is_group": 0}),
				"write_off_cost_center": cost_center,
				"cost_center": cost_center,
				"selling_price_list": "Standard Selling",
				"payments": [{"mode_of_payment": "Cash", "default": 1}],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists(
		"POS Opening Entry", {"pos_profile": POS_PROFILE, "status": "Open", "docstatus": 1}
	):
		frappe.get_doc(
			{
				"doctype": "POS Opening Entry",
				"company": name,
				"pos_profile": POS_PROFILE,
				"user": "Administrator",
				"period_start_date": frappe.utils.now_datetime(),
				"posting_date": nowdate(),
				"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
			}
		).submit()


def make_user(email: str, role: str):
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
		user.add_roles(role)


def make_customer(**fields) -> str:
	name = f"JC Test {frappe.generate_hash(length=8)}"
	frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Individual",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}),
			**fields,
		}
	).insert(ignore_permissions=True)
	return name


def _rows(items):
	return [
		{"item_code": code, "qty": qty, "rate": rate, "jc_size": size}
		for code, rate, *rest in items
		for qty, size in [(rest[0] if rest else 1, rest[1] if len(rest) > 1 else None)]
	]


def _pay_in_cash(doc):
	"""The whole amount (or the whole refund) in one cash row, as a counter records it."""
	doc.calculate_taxes_and_totals()
	amount = doc.rounded_total or doc.grand_total
	doc.set("payments", [{"mode_of_payment": "Cash", "amount": amount, "default": 1}])
	doc.paid_amount = amount


def make_pos_invoice(customer: str, items, submit: bool = True, **fields):
	"""A POS Invoice paid in cash at the JC Counter. items: (item_code, rate[, qty[, size]])."""
	doc = frappe.get_doc(
		{
			"doctype": "POS Invoice",
			"company": company(),
			"pos_profile": POS_PROFILE,
			"customer": customer,
			"is_pos": 1,
			"items": _rows(items),
			**fields,
		}
	)
	doc.set_missing_values()
	_pay_in_cash(doc)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_sales_invoice(
	customer: str, items, is_pos: int = 0, posting_date=None, submit: bool = True, **fields
):
	"""A Sales Invoice, optionally paid at a counter (is_pos, as POS Awesome makes them)."""
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": company(),
			"customer": customer,
			"items": _rows(items),
			"is_pos": is_pos,
			"pos_profile": POS_PROFILE if is_pos else None,
			"set_posting_time": 1 if posting_date else 0,
			"posting_date": posting_date or nowdate(),
			"due_date": posting_date or nowdate(),
			**fields,
		}
	)
	doc.set_missing_values()
	if is_pos:
		_pay_in_cash(doc)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_return(doc, qty_by_item: dict | None = None):
	"""A return of `doc` (all of it, or the quantities given per item code), submitted."""
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	ret = make_return_doc(doc.doctype, doc.name)
	if qty_by_item:
		ret.items = [row for row in ret.items if row.item_code in qty_by_item]
		for row in ret.items:
			row.qty = -abs(qty_by_item[row.item_code])
	if ret.doctype == "POS Invoice" or ret.is_pos:
		_pay_in_cash(ret)
	ret.insert(ignore_permissions=True)
	ret.submit()
	return ret


def days_ago(days: int) -> str:
	return add_days(nowdate(), -days)
