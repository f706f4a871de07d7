"""What the demo store stands on: a company (ERPNext's setup wizard, when the site has none),
fiscal years back to the first sale, the catalogue, two counters, three associates and a karigar.
Everything is looked up first and made only when missing."""

from datetime import date

import frappe
from erpnext.controllers.item_variant import create_variant
from frappe.utils import add_days, getdate, now_datetime

from jewel_clienteling.demo import catalogue, people

COMPANY = "Kanak Jewellers"
ASSOCIATE_ROLE = "Sales User"
SETTINGS = "Clienteling Settings"


def company() -> str:
	"""The site's default company; on a site whose setup wizard never ran, an Indian jeweller's."""
	name = frappe.db.get_single_value("Global Defaults", "default_company")
	if name:
		return name
	existing = frappe.get_all("Company", pluck="name", limit=1)
	if existing:
		return existing[0]
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	year = getdate().year
	setup_complete(
		{
			"currency": "INR",
			"company_name": COMPANY,
			"company_abbr": "KJ",
			"company_tagline": "Jewellers since 1962",
			"timezone": "Asia/Kolkata",
			"country": "India",
			"language": "english",
			"industry": "Retail",
			# calendar years, like ERPNext's own test setup, so this site can also run the tests
			"fy_start_date": f"{year}-01-01",
			"fy_end_date": f"{year}-12-31",
			"chart_of_accounts": "Standard",
		}
	)
	frappe.db.commit()  # the setup wizard's company must exist before the demo uses it
	return frappe.db.get_single_value("Global Defaults", "default_company") or COMPANY


def fiscal_years(first: date, last: date) -> None:
	"""A fiscal year for every day from `first` to `last`, shaped like the site's existing years."""
	day = getdate(first)
	while day <= getdate(last):
		found = frappe.get_all(
			"Fiscal Year",
			filters={"year_start_date": ("<=", day), "year_end_date": (">=", day), "disabled": 0},
			fields=["year_end_date"],
			limit=1,
		)
		if found:
			day = add_days(getdate(found[0].year_end_date), 1)
			continue
		start, end = _year_around(day)
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": str(start.year) if start.month == 1 else f"{start.year}-{end.year}",
				"year_start_date": start,
				"year_end_date": end,
			}
		).insert(ignore_permissions=True)
		day = add_days(end, 1)


def _year_around(day: date) -> tuple[date, date]:
	"""The year containing `day` that starts on the same day of the year as the site's other years."""
	existing = frappe.get_all("Fiscal Year", fields=["year_start_date"], order_by="year_start_date", limit=1)
	month, first_day = (1, 1)
	if existing:
		month, first_day = (
			getdate(existing[0].year_start_date).month,
			getdate(existing[0].year_start_date).day,
		)
	start = date(day.year, month, first_day)
	if start > day:
		start = date(day.year - 1, month, first_day)
	end = add_days(date(start.year + 1, month, first_day), -1)
	return start, getdate(end)


def item_groups() -> None:
	for group, _size in catalogue.TEMPLATES.values():
		if not frappe.db.exists("Item Group", group):
			frappe.get_doc(
				{"doctype": "Item Group", "item_group_name": group, "parent_item_group": "All Item Groups"}
			).insert(ignore_permissions=True)


def item_attributes() -> None:
	"""Metal, Purity and Stone with every value the catalogue uses (values are added to an existing
	attribute, never removed)."""
	for attribute, values in catalogue.ATTRIBUTES.items():
		if not frappe.db.exists("Item Attribute", attribute):
			frappe.get_doc(
				{
					"doctype": "Item Attribute",
					"attribute_name": attribute,
					"item_attribute_values": [{"attribute_value": v, "abbr": a} for v, a in values],
				}
			).insert(ignore_permissions=True)
			continue
		doc = frappe.get_doc("Item Attribute", attribute)
		have = {row.attribute_value for row in doc.item_attribute_values}
		abbrs = {row.abbr for row in doc.item_attribute_values}
		missing = [(value, abbr) for value, abbr in values if value not in have]
		for value, abbr in missing:
			doc.append("item_attribute_values", {"attribute_value": value, "abbr": _free(abbr, abbrs)})
		if missing:
			doc.save(ignore_permissions=True)


def _free(abbr: str, taken: set[str]) -> str:
	candidate, number = abbr, 1
	while candidate in taken:
		number += 1
		candidate = f"{abbr}{number}"
	taken.add(candidate)
	return candidate


def items(prefix: str) -> int:
	"""The catalogue's templates and pieces, item codes starting with the prefix. Returns how many
	were made."""
	made = 0
	for template, (group, _size) in catalogue.TEMPLATES.items():
		code = f"{prefix}-{template}"
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": f"{group} (design)",
					"item_group": group,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"has_variants": 1,
					"attributes": [{"attribute": attribute} for attribute in catalogue.ATTRIBUTES],
				}
			).insert(ignore_permissions=True)
			made += 1
	for piece in catalogue.PIECES:
		code = f"{prefix}-{piece.code}"
		if frappe.db.exists("Item", code):
			continue
		variant = create_variant(
			f"{prefix}-{piece.template}", {"Metal": piece.metal, "Purity": piece.purity, "Stone": piece.stone}
		)
		variant.item_code = code
		variant.item_name = piece.name
		variant.description = f"{piece.name} ({piece.purity} {piece.metal}, {piece.stone})"
		variant.insert(ignore_permissions=True)
		made += 1
	return made


def stores(prefix: str, company_name: str) -> list[str]:
	"""One POS Profile per store, paid in cash. These are the customers' home stores."""
	cash = _cash_account(company_name)
	currency, write_off, cost_center = frappe.get_cached_value(
		"Company", company_name, ["default_currency", "write_off_account", "cost_center"]
	)
	warehouse = frappe.db.get_value("Warehouse", {"company": company_name, "is_group": 0})
	names = []
	for store in people.STORES:
		name = f"{prefix} {store}"
		names.append(name)
		if frappe.db.exists("POS Profile", name):
			continue
		frappe.get_doc(
			{
				"doctype": "POS Profile",
				"__newname": name,
				"company": company_name,
				"currency": currency,
				"warehouse": warehouse,
				"write_off_account": write_off
				or frappe.db.get_value(
					"Account", {"company": company_name, "root_type": "Expense", "is_group": 0}
				),
				"write_off_cost_center": cost_center,
				"cost_center": cost_center,
				"selling_price_list": frappe.db.get_value("Price List", {"selling": 1, "enabled": 1}),
				"payments": [{"mode_of_payment": "Cash", "default": 1}],
			}
		).insert(ignore_permissions=True)
	assert cash
	return names


def _cash_account(company_name: str) -> str:
	cash = frappe.get_cached_value("Company", company_name, "default_cash_account") or frappe.db.get_value(
		"Account", {"account_type": "Cash", "company": company_name, "is_group": 0}
	)
	if not frappe.db.get_value("Mode of Payment Account", {"parent": "Cash", "company": company_name}):
		mode = frappe.get_doc("Mode of Payment", "Cash")
		mode.append("accounts", {"company": company_name, "default_account": cash})
		mode.save(ignore_permissions=True)
	return cash


def associate_email(prefix: str, login: str) -> str:
	return f"{prefix.lower()}.{login}@example.com"


def associates(prefix: str) -> list[str]:
	"""Three sales associates (no password, no welcome email) the outreach queue is shared among."""
	emails = []
	for login, first, last in people.ASSOCIATES:
		email = associate_email(prefix, login)
		emails.append(email)
		if frappe.db.exists("User", email):
			continue
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"send_welcome_email": 0,
			}
		)
		user.insert(ignore_permissions=True)
		user.add_roles(ASSOCIATE_ROLE)
	return emails


def karigar(prefix: str) -> str:
	name = f"{prefix} {people.KARIGAR}"
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": name,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		).insert(ignore_permissions=True)
	return name


def switch_on(loyalty: bool) -> list[str]:
	"""Clienteling and outreach on (a fresh install has them on); points only when asked. Returns
	what was switched on."""
	settings = frappe.get_single(SETTINGS)
	changed = []
	for fieldname in ("enabled", "outreach_enabled"):
		if not settings.get(fieldname):
			settings.set(fieldname, 1)
			changed.append(fieldname)
	if loyalty and not settings.loyalty_enabled:
		settings.loyalty_enabled = 1
		settings.loyalty_enabled_on = settings.loyalty_enabled_on or now_datetime()
		changed.append("loyalty_enabled")
	if changed:
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)
	return changed
