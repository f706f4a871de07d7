"""Catalogue sharing: an associate picks pieces for her (or a ready selection), the app records the
share on her profile, signs a link that opens only those pieces until its day, and queues the
WhatsApp message (an offer: her consent is needed). The page (www/catalogue.py) records each
opening. See domain/catalogue.py for the token."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, flt, fmt_money, get_url, getdate, now_datetime, nowdate
from frappe.utils.password import get_decrypted_password, set_encrypted_password

from jewel_clienteling.domain import catalogue
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain.outreach_lifecycle import OPEN
from jewel_clienteling.services import settings as clienteling_settings
from jewel_clienteling.services.outreach import OUTREACH, Queue

SHARE = "Catalogue Share"
SETTINGS = "Clienteling Settings"
SECRET_FIELD = "catalogue_secret"  # noqa: S105 (a field name, not a secret)
SITE_CONFIG_SECRET = "jc_catalogue_secret"  # noqa: S105 (a config key)


def secret(make: bool = False) -> str | None:
	"""The key that signs links: the site config's `jc_catalogue_secret` when set, else the Password
	field of Clienteling Settings, made on the first share."""
	value = frappe.conf.get(SITE_CONFIG_SECRET) or get_decrypted_password(
		SETTINGS, SETTINGS, SECRET_FIELD, raise_exception=False
	)
	if not value and make:
		value = frappe.generate_hash(length=64)
		set_encrypted_password(SETTINGS, SETTINGS, value, SECRET_FIELD)
		frappe.db.set_single_value(SETTINGS, SECRET_FIELD, "*" * 10)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
	return value or None


def selection_items(
	customer: str, selection: str, items: list[str] | None = None, item_group: str | None = None
) -> tuple[list[str], str | None]:
	"""The item codes a selection stands for (sellable, enabled, at most MAX_PIECES), and the item
	group it used."""
	item = DocType("Item")
	query = (
		frappe.qb.from_(item)
		.select(item.name)
		.where((item.disabled == 0) & (item.is_sales_item == 1) & (item.has_variants == 0))
	)
	if selection == catalogue.PIECES:
		codes = catalogue.pick(items or [])
		if not codes:
			return [], None
		found = set(query.where(item.name.isin(codes)).run(pluck=True))
		return [code for code in codes if code in found], None
	if selection == catalogue.NEW_ARRIVALS:
		item_group = _her_category(customer)
		if not item_group:
			return [], None
		days = cint(clienteling_settings.get_settings().get("catalogue_new_arrival_days"))
		query = query.where(item.creation >= catalogue.arrivals_since(getdate(nowdate()), days))
	if not item_group:
		return [], None
	codes = (
		query.where(item.item_group == item_group)
		.orderby(item.creation, order=frappe.qb.desc)
		.limit(catalogue.MAX_PIECES)
		.run(pluck=True)
	)
	return codes, item_group


def _her_category(customer: str) -> str | None:
	"""Her strongest category preference that is an item group (stated first, then by score)."""
	preference = DocType("Preference")
	group = DocType("Item Group")
	rows = (
		frappe.qb.from_(preference)
		.join(group)
		.on(group.name == preference.value)
		.select(preference.value)
		.where((preference.customer == customer) & (preference.dimension == "Category"))
		.orderby(preference.source, order=frappe.qb.desc)
		.orderby(preference.score, order=frappe.qb.desc)
		.limit(1)
		.run(pluck=True)
	)
	return rows[0] if rows else None


def share(
	customer: str, selection: str, items: list[str] | None = None, item_group: str | None = None
) -> dict:
	"""Record the share, sign its link and queue the message. Returns the share, the link, and the
	message's status (Skipped with the reason when she has not consented)."""
	if selection not in catalogue.SELECTIONS:
		frappe.throw(
			_("Choose pieces, an item group or new arrivals in the customer's category."),
			title=_("Catalogue"),
		)
	codes, group = selection_items(customer, selection, items, item_group)
	if not codes:
		frappe.throw(_("There are no pieces to share in this selection."), title=_("Catalogue"))
	settings = clienteling_settings.get_settings()
	expires = catalogue.expiry(getdate(nowdate()), cint(settings.get("catalogue_link_days")))
	doc = frappe.get_doc(
		{
			"doctype": SHARE,
			"customer": customer,
			"selection": selection,
			"item_group": group,
			"shared_by": frappe.session.user,
			"expires_on": expires,
			"items": [{"item": code} for code in codes],
		}
	)
	doc.insert()
	link = get_url(f"/catalogue?t={catalogue.sign(secret(make=True), doc.name, expires)}")
	candidate = outreach_rules.Candidate(
		customer=customer,
		reason=outreach_rules.CATALOGUE_SHARE,
		reference_doctype=SHARE,
		reference_name=doc.name,
		cycle=doc.name,
		due_date=getdate(nowdate()),
		context=catalogue.message_context(link, len(codes), expires),
		event_date=expires,
	)
	Queue().add([candidate])
	row = frappe.db.get_value(
		OUTREACH, {"dedupe_key": candidate.key}, ["name", "status", "skip_reason"], as_dict=True
	)
	if row:
		doc.db_set("outreach", row.name, update_modified=False)
		if row.status in OPEN and frappe.session.user not in ("Administrator", "Guest"):
			frappe.db.set_value(OUTREACH, row.name, "assigned_to", frappe.session.user, update_modified=False)
	return {
		"share": doc.name,
		"link": link,
		"pieces": codes,
		"expires_on": str(expires),
		"outreach": row.name if row else None,
		"status": row.status if row else None,
		"skip_reason": row.skip_reason if row else None,
	}


# --- the page -----------------------------------------------------------------------------------


def open_share(token: str | None, user_agent: str | None = None) -> dict | None:
	"""What the page shows for a token: its own share's pieces, as the store chooses (price, weight),
	and the opening recorded. None (and nothing recorded) for a token that opens nothing."""
	key = secret()
	if not key or not token:
		return None
	try:
		name = catalogue.verify(key, token, getdate(nowdate()))
	except catalogue.TokenRefused:
		return None
	if not frappe.db.exists(SHARE, name):
		return None
	_record_view(name, user_agent)
	settings = clienteling_settings.get_settings()
	show_price, show_weight = (
		bool(settings.get("catalogue_show_prices")),
		bool(settings.get("catalogue_show_weights")),
	)
	line, item = DocType("Catalogue Share Item"), DocType("Item")
	rows = (
		frappe.qb.from_(line)
		.join(item)
		.on(item.name == line.item)
		.select(item.name, item.item_name, item.image, item.weight_per_unit, item.weight_uom)
		.where((line.parent == name) & (line.parenttype == SHARE))
		.orderby(line.idx)
		.run(as_dict=True)
	)
	prices = _prices([row.name for row in rows]) if show_price else {}
	return {
		"customer_name": (frappe.db.get_value(SHARE, name, "customer_name") or "").split(" ")[0],
		"pieces": [
			catalogue.shown(
				row.item_name or row.name,
				row.image,
				prices.get(row.name),
				flt(row.weight_per_unit),
				row.weight_uom,
				show_price,
				show_weight,
			)
			for row in rows
		],
	}


def _record_view(name: str, user_agent: str | None) -> None:
	now = now_datetime()
	doc = frappe.get_doc(SHARE, name)
	view = doc.append("views", {"viewed_on": now, "user_agent": (user_agent or "")[:240]})
	view.db_insert()
	share_table = DocType(SHARE)
	(
		frappe.qb.update(share_table)
		.set(share_table.view_count, share_table.view_count + 1)
		.set(share_table.last_viewed_on, now)
		.where(share_table.name == name)
		.run()
	)
	frappe.local.flags.commit = True  # a GET request: Frappe commits only when asked


def _prices(codes: list[str]) -> dict[str, str]:
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	price = DocType("Item Price")
	found = {}
	for row in (
		frappe.qb.from_(price)
		.select(price.item_code, price.price_list_rate, price.currency)
		.where(price.item_code.isin(codes) & (price.price_list == price_list) & (price.selling == 1))
		.run(as_dict=True)
	):
		found.setdefault(row.item_code, fmt_money(row.price_list_rate, currency=row.currency))
	return found
