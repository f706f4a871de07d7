"""Learning profiles for many customers at once: the one path for a customer after her sale and for a
page of a store's history.

Each kind of fact is read for the whole page in one query (sales, item rows, items, stored
preferences and occasions, salespeople, outreach), domain/learning decides, and only what changed is
written: changed Customer fields in bulk UPDATEs, new occasions and preferences in multi-row INSERTs.
The page's Customer rows are locked first, so a refresh queued by a sale meanwhile waits its turn.
"""

from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.model.naming import make_autoname
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime, nowdate
from frappe.utils.html_utils import sanitize_html

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
UPDATE_CHUNK = 100  # rows per bulk UPDATE (one CASE per field)
OCCASION_COLUMNS = (
	*("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx"),
	*("customer", "customer_name", "occasion_type", "person_name", "relation", "day", "month", "year"),
	*("next_occurrence", "lead_days", "source", "source_doctype", "source_name", "occasion_key", "title"),
)
PREFERENCE_COLUMNS = (
	*("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx"),
	*("customer", "customer_name", "dimension", "qualifier", "value", "source", "score", "last_bought"),
	*("purchases", "preference_key", "title"),
)
COMMENT_COLUMNS = (
	*("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx"),
	*("comment_type", "comment_email", "reference_doctype", "reference_name", "content"),
)


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
				"Her sales name an occasion on an impossible date: {0}"
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
		changed = changed_fields(row, wanted)
		if changed:
			updates[result.customer] = {**changed, "jc_profile_refreshed_on": now}
			outcome.changed.append(result.customer)
		tier = result.profile["jc_loyalty_tier"]
		if loyalty and tier != result.tier_before:
			before = result.tier_before
			text = _("Loyalty tier: {0} → {1}").format(
				_(before) if before else _("none"), _(tier) if tier else _("none")
			)
			comments.append(
				(*_new_row(now, user), "Info", user, "Customer", result.customer, sanitize_html(text))
			)
		outcome.learnt.append(result.customer)
	frappe.db.bulk_update("Customer", updates, chunk_size=UPDATE_CHUNK, update_modified=False)
	_insert("Comment", COMMENT_COLUMNS, comments)
	_write_occasions(learnt, stored, today, settings, now, user)
	_write_preferences(learnt, stored, now, user)
	attribution.sync_many({result.customer: result.sale_facts for result in learnt}, settings)
	facts.mark_learnt([result.customer for result in results], [sale for r in results for sale in r.sales])


def _new_row(now, user) -> tuple:
	"""name, creation, modified, modified_by, owner, docstatus, idx of a new document, named as
	Frappe names a doctype set to `hash`."""
	return (make_autoname("hash"), now, now, user, user, 0, 0)


def _insert(doctype: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
	if rows:
		frappe.db.bulk_insert(doctype, list(columns), rows, chunk_size=2000)


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
					*_new_row(now, user),
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
	_insert("Occasion", OCCASION_COLUMNS, rows)


def _write_preferences(learnt: list[Learnt], stored: dict, now, user) -> None:
	inserts, updates, deletes = [], {}, []
	for result in learnt:
		plan = result.preferences
		deletes.extend(plan.delete)
		for name, pref in plan.update.items():
			updates[name] = {
				"value": pref.value,
				"score": pref.score,
				"last_bought": pref.last_seen,
				"purchases": pref.purchases,
				"title": preference_title(pref.dimension, pref.qualifier, pref.value),
			}
		for pref in plan.insert:
			value, qualifier = " ".join(pref.value.split()), " ".join((pref.qualifier or "").split())
			inserts.append(
				(
					*_new_row(now, user),
					*(result.customer, stored[result.customer].customer_name, pref.dimension, qualifier),
					*(value, INFERRED, pref.score, pref.last_seen, pref.purchases),
					stored_key(result.customer, pref.dimension, qualifier, value),
					preference_title(pref.dimension, qualifier, value),
				)
			)
	_delete("Preference", deletes)
	frappe.db.bulk_update("Preference", updates, chunk_size=UPDATE_CHUNK, modified=now, modified_by=user)
	_insert("Preference", PREFERENCE_COLUMNS, inserts)
