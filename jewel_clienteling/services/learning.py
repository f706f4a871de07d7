"""Learning profiles for many customers at once: the one path for a customer after her sale and for a
page of a store's history.

Each kind of fact is read for the whole page in one query (sales, item rows, items, stored
preferences and occasions, salespeople, outreach), domain/learning decides, and only what changed is
written: changed Customer fields in bulk UPDATEs, new occasions and preferences in multi-row INSERTs.
The page's Customer rows are locked first, so a refresh queued by a sale meanwhile waits its turn.
"""

import base64
import secrets
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.model.naming import make_autoname
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime, nowdate
from frappe.utils.html_utils import sanitize_html
from pypika.terms import Parameter, Values

from jewel_clienteling.domain.learning import (
	CurrentProfile,
	ExistingOccasion,
	LearningRules,
	Learnt,
	changed_fields,
	learn_page,
	served_by,
)
from jewel_clienteling.domain.occasions import CAPTURED_AT_SALE, next_occurrence, occasion_key
from jewel_clienteling.domain.preferences import INFERRED, ExistingPreference
from jewel_clienteling.jewel_clienteling.doctype.occasion.occasion import occasion_title
from jewel_clienteling.jewel_clienteling.doctype.preference.preference import preference_title, stored_key
from jewel_clienteling.services import attribution, facts
from jewel_clienteling.services import settings as clienteling_settings

PROFILE_FIELDS = (
	"jc_home_store",
	"jc_first_purchase_date",
	"jc_last_purchase_date",
	"jc_visits",
	"jc_purchases",
	"jc_lifetime_value",
	"jc_average_ticket",
	"jc_lifecycle_stage",
	"jc_rfm_score",
	"jc_rfm_segment",
	"jc_profile_due_on",
	"jc_loyalty_tier",
	"jc_last_served_by",
)
INSERT_CHUNK = 500  # rows per multi-row INSERT
_STATEMENTS: dict[tuple, str] = {}
NEW_DOCUMENT = ("name", "creation", "modified", "modified_by", "owner")  # docstatus and idx: 0
OCCASION_COLUMNS = (
	*("customer", "customer_name", "occasion_type", "person_name", "relation", "day", "month", "year"),
	*("next_occurrence", "lead_days", "source", "source_doctype", "source_name", "occasion_key", "title"),
)
PREFERENCE_COLUMNS = (
	*("customer", "customer_name", "dimension", "qualifier", "value", "source", "score", "last_bought"),
	*("purchases", "preference_key", "title"),
)
PREFERENCE_UPDATE = ("value", "score", "last_bought", "purchases", "title", "modified", "modified_by")
COMMENT_COLUMNS = ("comment_type", "comment_email", "reference_doctype", "reference_name", "content")


@dataclass
class Outcome:
	learnt: list[str] = field(default_factory=list)  # profiles learnt (erased and failed ones are not)
	changed: list[str] = field(default_factory=list)  # of those, whose stored profile changed
	failed: dict[str, str] = field(default_factory=dict)  # customer: why (nothing of hers written)


def rules(settings=None) -> LearningRules:
	settings = settings or clienteling_settings.get_settings()
	return LearningRules(
		lifecycle=clienteling_settings.lifecycle_rules(settings),
		rfm=clienteling_settings.rfm_thresholds(settings),
		tiers=clienteling_settings.tier_thresholds(settings)
		if clienteling_settings.loyalty_enabled(settings)
		else None,
		sources=clienteling_settings.preference_sources(settings),
		half_life_days=clienteling_settings.half_life_days(settings),
		min_score=clienteling_settings.min_score(settings),
		budget_bands=clienteling_settings.budget_bands(settings),
	)


def learn(customers: list[str], today=None) -> Outcome:
	"""Learn these customers' profiles from their sales, as one transaction the caller commits. The
	walk-in customer and customers that do not exist are skipped; a customer whose facts cannot be
	learnt (a captured date no calendar has) is left as she was and reported in `failed`."""
	settings = clienteling_settings.get_settings()
	walk_in = clienteling_settings.walk_in_customer(settings)
	stored = _lock(sorted({name for name in customers if name and name != walk_in}))
	outcome = Outcome()
	if not stored:
		return outcome
	names = list(stored)
	today = getdate(today or nowdate())
	sales, lines = facts.page_sales(names), facts.page_lines(names)
	sources = clienteling_settings.preference_sources(settings)
	items = facts.item_facts({line.item_code for line in lines if line.item_code}, sources)
	results = learn_page(
		[
			CurrentProfile(name, row.jc_home_store, row.jc_loyalty_tier or "", bool(row.jc_erased_on))
			for name, row in stored.items()
		],
		sales,
		lines,
		items,
		_stored_preferences(names),
		_stored_occasions(names),
		today,
		rules(settings),
	)
	good = []
	for learnt in results:
		if learnt.problem:
			outcome.failed[learnt.customer] = _(
				"This customer's sales name an occasion on an impossible date: {0}"
			).format(learnt.problem)
		else:
			good.append(learnt)
	_write(good, stored, today, settings, outcome)
	return outcome


def _lock(customers: list[str]) -> dict[str, frappe._dict]:
	if not customers:
		return {}
	customer = DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(
			customer.name,
			customer.customer_name,
			customer.jc_erased_on,
			*(customer[field] for field in PROFILE_FIELDS),
		)
		.where(customer.name.isin(customers))
		.orderby(customer.name)
		.for_update()
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def _stored_preferences(customers: list[str]) -> dict[str, list[ExistingPreference]]:
	pref = DocType("Preference")
	found: dict[str, list[ExistingPreference]] = {}
	for customer, name, dimension, value, source, qualifier, score, last_bought, purchases in (
		frappe.qb.from_(pref)
		.select(
			pref.customer,
			pref.name,
			pref.dimension,
			pref.value,
			pref.source,
			pref.qualifier,
			pref.score,
			pref.last_bought,
			pref.purchases,
		)
		.where(pref.customer.isin(customers))
		.orderby(pref.name)
		.run()
	):
		found.setdefault(customer, []).append(
			ExistingPreference(
				name=name,
				dimension=dimension,
				value=value,
				source=source,
				qualifier=qualifier or "",
				score=score or 0.0,
				last_seen=getdate(last_bought) if last_bought else None,
				purchases=purchases or 0,
			)
		)
	return found


def _stored_occasions(customers: list[str]) -> dict[str, list[ExistingOccasion]]:
	occasion = DocType("Occasion")
	found: dict[str, list[ExistingOccasion]] = {}
	for customer, name, key, source in (
		frappe.qb.from_(occasion)
		.select(occasion.customer, occasion.name, occasion.occasion_key, occasion.source)
		.where(occasion.customer.isin(customers))
		.run()
	):
		found.setdefault(customer, []).append(ExistingOccasion(name, key, source))
	return found


def _write(results: list[Learnt], stored: dict, today, settings, outcome: Outcome) -> None:
	now, user = now_datetime(), frappe.session.user
	learnt = [result for result in results if not result.erased]
	team = facts.team_users([result.last_kept for result in learnt if result.last_kept])
	loyalty = clienteling_settings.loyalty_enabled(settings)  # a tier change is told on her timeline
	updates, comments = {}, []
	for result in learnt:
		row = stored[result.customer]
		last = result.last_kept
		wanted = {
			**result.profile,
			"jc_last_served_by": served_by(team.get((last.doctype, last.name)), last.owner) if last else None,
		}
		if changed_fields(row, wanted):
			updates[result.customer] = (*(wanted[field] for field in PROFILE_FIELDS), now)
			outcome.changed.append(result.customer)
		tier = result.profile["jc_loyalty_tier"]
		if loyalty and tier != result.tier_before:
			before = result.tier_before
			text = _("Loyalty tier: {0} → {1}").format(
				_(before) if before else _("none"), _(tier) if tier else _("none")
			)
			comments.append(("Info", user, "Customer", result.customer, sanitize_html(text)))
		outcome.learnt.append(result.customer)
	_update("Customer", (*PROFILE_FIELDS, "jc_profile_refreshed_on"), updates)
	_insert_new("Comment", COMMENT_COLUMNS, comments, now, user)
	_write_occasions(learnt, stored, today, settings, now, user)
	_write_preferences(learnt, stored, now, user)
	attribution.sync_many({result.customer: result.sale_facts for result in learnt}, settings)
	facts.mark_learnt([result.customer for result in results], [sale for r in results for sale in r.sales])


def _insert_new(doctype: str, columns: tuple[str, ...], rows: list[tuple], now, user) -> None:
	"""New documents of `doctype`, named as Frappe names a doctype set to `hash` (a prefix shared by
	this moment, then random base32), but with 40 random bits instead of 30 and drawn in one go:
	a chain's history inserts millions of rows within the same few minutes."""
	if not rows:
		return
	prefix = make_autoname("hash")[:4]
	random_part = base64.b32hexencode(secrets.token_bytes(5 * len(rows))).decode().lower()
	stamp = str(now)  # escaped once as text rather than formatted once a row
	_insert(
		doctype,
		(*NEW_DOCUMENT, *columns),
		[
			(prefix + random_part[8 * index : 8 * index + 8], stamp, stamp, user, user, *row)
			for index, row in enumerate(rows)
		],
	)


def _statement(key: tuple, build) -> str:
	"""A parameterised statement built once with frappe.qb (identifiers from this module only, every
	value a %s parameter), kept for the next page."""
	if key not in _STATEMENTS:
		if len(_STATEMENTS) > 256:
			_STATEMENTS.clear()
		_STATEMENTS[key] = build().get_sql()
	return _STATEMENTS[key]


def _insert(doctype: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
	"""Multi-row INSERTs of INSERT_CHUNK rows. (frappe.db.bulk_insert renders every value into the
	statement through the query builder, which took longer than the whole rest of learning.)"""
	table = DocType(doctype)
	slots = [Parameter("%s")] * len(columns)
	for start in range(0, len(rows), INSERT_CHUNK):
		chunk = rows[start : start + INSERT_CHUNK]
		size = len(chunk)
		statement = _statement(
			("insert", doctype, columns, size),
			lambda size=size: frappe.qb.into(table).columns(*columns).insert(*([slots] * size)),
		)
		values = [value for row in chunk for value in row]
		# the statement comes from frappe.qb above: identifiers of this module, every value a parameter
		frappe.db.sql(statement, values)  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql


def _update(doctype: str, columns: tuple[str, ...], updates: dict[str, tuple]) -> None:
	"""Rows that exist (and that this transaction has read or locked) changed in multi-row
	statements: INSERT ... ON DUPLICATE KEY UPDATE on their name, which only ever updates here.
	One round trip a chunk instead of one a row: several times faster on a busy database."""
	table = DocType(doctype)
	rows = [(name, *values) for name, values in updates.items()]

	def build(size):
		query = frappe.qb.into(table).columns("name", *columns)
		query = query.insert(*([[Parameter("%s")] * (len(columns) + 1)] * size))
		for column in columns:
			query = query.on_duplicate_key_update(table[column], Values(table[column]))
		return query

	for start in range(0, len(rows), INSERT_CHUNK):
		chunk = rows[start : start + INSERT_CHUNK]
		size = len(chunk)
		statement = _statement(("update", doctype, columns, size), lambda size=size: build(size))
		values = [value for row in chunk for value in row]
		# the statement comes from frappe.qb above: identifiers of this module, every value a parameter
		frappe.db.sql(statement, values)  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql


def _delete(doctype: str, names: list[str]) -> None:
	table = DocType(doctype)
	for start in range(0, len(names), 1000):
		frappe.qb.from_(table).delete().where(table.name.isin(names[start : start + 1000])).run()


def _write_occasions(learnt: list[Learnt], stored: dict, today, settings, now, user) -> None:
	policy = clienteling_settings.feb29_policy(settings)
	rows = []
	for result in learnt:
		customer_name = stored[result.customer].customer_name
		for captured, sale in result.occasions_add:
			person = " ".join(captured.person_name.split())
			rows.append(
				(
					*(result.customer, customer_name, captured.occasion_type, person, captured.relation),
					*(captured.day, str(captured.month), captured.year or 0),
					next_occurrence(captured.day, captured.month, today, policy),
					*(0, CAPTURED_AT_SALE, sale.doctype, sale.name),
					occasion_key(
						result.customer, captured.occasion_type, person, captured.day, captured.month
					),
					occasion_title(
						person or customer_name or result.customer,
						captured.occasion_type,
						captured.day,
						captured.month,
					),
				)
			)
	_delete("Occasion", [name for result in learnt for name in result.occasions_remove])
	_insert_new("Occasion", OCCASION_COLUMNS, rows, now, user)


def _write_preferences(learnt: list[Learnt], stored: dict, now, user) -> None:
	inserts, updates, deletes = [], {}, []
	titles: dict[tuple, str] = {}  # a page has few distinct ones; translating each row costs

	def title(dimension, qualifier, value):
		key = (dimension, qualifier, value)
		if key not in titles:
			titles[key] = preference_title(dimension, qualifier, value)
		return titles[key]

	for result in learnt:
		plan = result.preferences
		deletes.extend(plan.delete)
		for name, pref in plan.update.items():
			value = " ".join(pref.value.split())
			updates[name] = (
				*(value, pref.score, pref.last_seen, pref.purchases),
				*(title(pref.dimension, pref.qualifier, value), str(now), user),
			)
		for pref in plan.insert:
			value, qualifier = " ".join(pref.value.split()), " ".join((pref.qualifier or "").split())
			inserts.append(
				(
					*(result.customer, stored[result.customer].customer_name, pref.dimension, qualifier),
					*(value, INFERRED, pref.score, pref.last_seen, pref.purchases),
					stored_key(result.customer, pref.dimension, qualifier, value),
					title(pref.dimension, qualifier, value),
				)
			)
	_delete("Preference", deletes)
	_update("Preference", PREFERENCE_UPDATE, updates)
	_insert_new("Preference", PREFERENCE_COLUMNS, inserts, now, user)
