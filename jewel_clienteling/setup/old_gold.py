"""What the old gold exchange books into, made on install and migrate only when missing: an "Old Gold"
item group and a stock item per purity (in grams), an "Old Gold" warehouse and an "Old Gold Exchange"
clearing account (a current liability) for the default company, the "Old Gold" mode of payment on
that account for the counter, and Clienteling Settings pointed at them when still empty. A store's
own choices are never overwritten; uninstall leaves them all, as they carry ledger entries."""

import frappe

from jewel_clienteling.domain import old_gold as og

ITEM_GROUP = "Old Gold"
WAREHOUSE = "Old Gold"
ACCOUNT = "Old Gold Exchange"
MODE_OF_PAYMENT = "Old Gold"
SETTINGS = "Clienteling Settings"


def ready() -> bool:
	"""Whether ERPNext's setup wizard has run: a default company and the item tree's root exist."""
	company = frappe.defaults.get_global_default("company")
	root = frappe.db.exists("Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))})
	return bool(company and frappe.db.exists("Company", company) and root)


def add_missing() -> None:
	if not ready():
		return  # the setup wizard is not done yet: the first migrate after it makes them
	company = frappe.defaults.get_global_default("company")
	group = _item_group()
	for purity, (metal, _fineness) in og.PURITIES.items():
		_item(og.item_code(metal, purity), group)
	warehouse = _warehouse(company)
	account = _account(company)
	if account:
		_mode_of_payment(company, account)
	for field, name in (
		("old_gold_item_group", group),
		("old_gold_warehouse", warehouse),
		("old_gold_account", account),
	):
		if name and not frappe.db.get_single_value(SETTINGS, field):
			frappe.db.set_single_value(SETTINGS, field, name)


def _item_group() -> str:
	if not frappe.db.exists("Item Group", ITEM_GROUP):
		root = frappe.db.get_value("Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))})
		frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": ITEM_GROUP,
				"parent_item_group": root,
			}
		).insert(ignore_permissions=True)
	return ITEM_GROUP


def _item(code: str, group: str) -> None:
	if frappe.db.exists("Item", code):
		return
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": code,
			"item_name": code,
			"item_group": group,
			"stock_uom": "Gram" if frappe.db.exists("UOM", "Gram") else "Nos",
			"is_stock_item": 1,
			"is_sales_item": 0,
			"is_purchase_item": 0,
			"include_item_in_manufacturing": 0,
			"description": code,
		}
	).insert(ignore_permissions=True)


def _warehouse(company: str) -> str | None:
	abbr = frappe.get_cached_value("Company", company, "abbr")
	name = f"{WAREHOUSE} - {abbr}"
	if frappe.db.exists("Warehouse", name):
		return name
	parent = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ("in", ("", None))}
	)
	frappe.get_doc(
		{"doctype": "Warehouse", "warehouse_name": WAREHOUSE, "company": company, "parent_warehouse": parent}
	).insert(ignore_permissions=True)
	return name


def _account(company: str) -> str | None:
	abbr = frappe.get_cached_value("Company", company, "abbr")
	name = f"{ACCOUNT} - {abbr}"
	if frappe.db.exists("Account", name):
		return name
	parent = frappe.db.get_value(
		"Account",
		{"company": company, "is_group": 1, "root_type": "Liability", "account_name": "Current Liabilities"},
	) or frappe.db.get_value(
		"Account",
		{
			"company": company,
			"is_group": 1,
			"root_type": "Liability",
			"parent_account": ("not in", ("", None)),
		},
		order_by="lft asc",
	)
	if not parent:
		return None
	frappe.get_doc(
		{
			"doctype": "Account",
			"account_name": ACCOUNT,
			"company": company,
			"parent_account": parent,
			"is_group": 0,
			"account_currency": frappe.get_cached_value("Company", company, "default_currency"),
		}
	).insert(ignore_permissions=True)
	return name


def _mode_of_payment(company: str, account: str) -> None:
	if frappe.db.exists("Mode of Payment", MODE_OF_PAYMENT):
		return
	frappe.get_doc(
		{
			"doctype": "Mode of Payment",
			"mode_of_payment": MODE_OF_PAYMENT,
			"type": "General",
			"accounts": [{"company": company, "default_account": account}],
		}
	).insert(ignore_permissions=True)


def after_setup_wizard(_args=None) -> None:
	"""ERPNext's setup wizard just made the company: make what the exchange books into now, rather
	than at the next migrate. Never fails the wizard: a problem is logged, and migrate tries again."""
	try:
		add_missing()
	except Exception:
		frappe.log_error(title="Old gold exchange setup after the setup wizard")
