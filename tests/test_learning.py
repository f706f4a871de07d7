"""Learning many customers at once is learning each on her own: a page of random histories, its rows
mixed as grouped reads return them, gives every customer exactly what the per-customer rule (the
live refresh as it was written before learning became set-based) gives her."""

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.learning import (
	CurrentProfile,
	ExistingOccasion,
	LearningRules,
	LineRecord,
	SaleRecord,
	changed_fields,
	learn_customer,
	learn_page,
	served_by,
)
from jewel_clienteling.domain.loyalty import DEFAULT_TIER_THRESHOLDS, tier_for, tier_recheck_on
from jewel_clienteling.domain.occasions import CAPTURED_AT_SALE, occasion_from_purchase, occasion_key
from jewel_clienteling.domain.preferences import (
	INFERRED,
	STATED,
	ExistingPreference,
	ItemFacts,
	PurchaseLine,
	infer_preferences,
	item_dimensions,
	plan_preferences,
)
from jewel_clienteling.domain.profile import (
	Sale,
	compute_stats,
	lifecycle_stage,
	net_sales,
	next_change_on,
	rfm,
)

TODAY = date(2026, 11, 30)
TIERS = tuple((tier, Decimal(amount)) for tier, amount in DEFAULT_TIER_THRESHOLDS)
ITEMS = {
	"RING-GOLD": ItemFacts("Rings", {"Metal": "Gold", "Purity": "22K", "Stone": "Polki"}),
	"RING-PLAT": ItemFacts("Rings", {"Metal": "Platinum", "Stone": "Diamond"}),
	"NECKLACE": ItemFacts("Necklaces", {"Metal": "Gold", "Purity": "22K"}),
	"BANGLE": ItemFacts("Bangles", {"Metal": "Gold", "Purity": "18K", "Stone": "Plain"}),
	"COIN": ItemFacts("Gold Coins", {}),
}
UNKNOWN_ITEMS = {"OLD-CHAIN": "Chains", "LOOSE": None}
OCCASIONS = (None, "", "Self", "Anniversary gift", "Birthday gift", "Wedding", "Engagement", "Festival")
RELATIONS = (None, "Spouse", "Daughter", "Son", "Mother", "Sister")
PEOPLE = (None, "", "Rahul", " Anaya ", "Meera  Shah")
STORES = (None, "Store A", "Store B")
OWNERS = ("Administrator", "asha@example.com", "ravi@example.com", "")


# ----------------------------------------------------------------------- the rule as it was written


def reference(current, sales, lines, items, preferences, occasions, today, rules):
	"""services/profile.refresh_customer before learning became set-based, as plain values: her
	sales oldest first, stats, stage, RFM, tier, home store, captured occasions, preferences."""
	if current.erased:
		return None
	ordered = sorted(sales, key=lambda sale: (sale.posting_date, sale.name, sale.doctype))
	facts = [
		Sale(
			invoice=f"{sale.doctype}::{sale.name}",
			posting_date=sale.posting_date,
			amount=sale.amount or 0,
			return_against=f"{sale.doctype}::{sale.return_against}" if sale.is_return else None,
		)
		for sale in ordered
	]
	stats = compute_stats(facts)
	scores = rfm(stats, today, rules.rfm)
	due_on = next_change_on(stats, today, rules.lifecycle, rules.rfm)
	tier = ""
	if rules.tiers is not None:
		tier = tier_for([(sale.posting_date, sale.amount) for sale in facts], today, rules.tiers)
		recheck = tier_recheck_on([sale.posting_date for sale in facts], today)
		if recheck and (not due_on or recheck < due_on):
			due_on = recheck
	kept_names = {sale.invoice for sale, amount in net_sales(facts)[0] if amount > 0}
	kept = [sale for sale in ordered if f"{sale.doctype}::{sale.name}" in kept_names]
	profile = {
		"jc_home_store": current.home_store or next((s.pos_profile for s in kept if s.pos_profile), None),
		"jc_first_purchase_date": stats.first_purchase_date,
		"jc_last_purchase_date": stats.last_purchase_date,
		"jc_visits": stats.visits,
		"jc_purchases": stats.purchases,
		"jc_lifetime_value": stats.lifetime_value,
		"jc_average_ticket": stats.average_ticket,
		"jc_lifecycle_stage": lifecycle_stage(stats, today, rules.lifecycle),
		"jc_rfm_score": scores.code if scores else "",
		"jc_rfm_segment": scores.segment if scores else "",
		"jc_profile_due_on": due_on,
		"jc_loyalty_tier": tier,
	}
	# occasions.sync_captured
	learnt = {}
	for sale in kept:
		captured = occasion_from_purchase(
			sale.purchase_occasion, sale.occasion_date, sale.recipient_name, sale.recipient_relation
		)
		if captured:
			key = occasion_key(
				current.customer, captured.occasion_type, captured.person_name, captured.day, captured.month
			)
			learnt.setdefault(key, (captured, sale))
	known = {row.key for row in occasions}
	added = [value for key, value in learnt.items() if key not in known]
	removed = sorted(
		row.name for row in occasions if row.source == CAPTURED_AT_SALE and row.key not in learnt
	)
	# preferences.purchase_lines and sync_inferred, the lines taken in the order of her sales
	by_invoice = {(sale.doctype, sale.name): (index, sale) for index, sale in enumerate(ordered)}
	purchase_lines = []
	for line in sorted(lines, key=lambda line: (by_invoice[(line.doctype, line.parent)][0], line.idx)):
		sale = by_invoice[(line.doctype, line.parent)][1]
		item = items.get(line.item_code)
		dimensions = item_dimensions(item, rules.sources) if item else {}
		if item is None and line.item_group:
			dimensions = {"Category": line.item_group}
		purchase_lines.append(
			PurchaseLine(
				invoice=line.parent,
				posting_date=sale.posting_date,
				item_code=line.item_code or "",
				qty=float(line.qty or 0),
				dimensions=dimensions,
				size=line.size,
				for_self=sale.purchase_occasion in {None, "", "Self"},
				return_against=sale.return_against if sale.is_return else None,
			)
		)
	inferred = infer_preferences(
		purchase_lines,
		today,
		half_life_days=rules.half_life_days,
		min_score=rules.min_score,
		tickets=[(sale.posting_date, sale.amount) for sale in kept],
		bands=rules.budget_bands,
	)
	return profile, kept[-1] if kept else None, added, removed, plan_preferences(preferences, inferred)


# -------------------------------------------------------------------------------- random histories


@st.composite
def histories(draw):
	"""Up to five customers, each with up to eight invoices over six years (returns among them, some
	against invoices of hers, some against none she has), their item rows, and what is stored of her
	already (home store, tier, stated and inferred preferences, asked and captured occasions)."""
	rng = random.Random(draw(st.integers(0, 2**32)))
	customers, sales, lines, preferences, occasions = [], [], [], {}, {}
	number = 0
	for index in range(draw(st.integers(1, 5))):
		customer = f"CUST-{index}"
		customers.append(
			CurrentProfile(
				customer,
				home_store=rng.choice(STORES),
				tier=rng.choice(("", "Silver", "Gold")),
				erased=rng.random() < 0.1,
			)
		)
		hers = []
		for _ in range(rng.randrange(9)):
			number += 1
			doctype = rng.choice(("Sales Invoice", "POS Invoice"))
			originals = [sale for sale in hers if not sale.is_return and sale.doctype == doctype]
			if originals and rng.random() < 0.25:
				against = rng.choice(originals)
				sale = SaleRecord(
					doctype,
					f"RET-{number}",
					customer,
					against.posting_date + timedelta(days=rng.randrange(30)),
					-(against.amount * Decimal(rng.choice(("1", "0.5", "0.25")))).quantize(Decimal("0.01")),
					is_return=True,
					return_against=against.name if rng.random() < 0.9 else "CONSOLIDATED-1",
					owner=rng.choice(OWNERS),
				)
				for line in [line for line in lines if line.parent == against.name][: rng.randrange(1, 3)]:
					lines.append(
						LineRecord(
							customer, doctype, sale.name, line.idx, line.item_code, line.item_group, -line.qty
						)
					)
			else:
				sale = SaleRecord(
					doctype,
					f"INV-{number}",
					customer,
					TODAY - timedelta(days=rng.randrange(6 * 365)),
					Decimal(rng.randrange(500, 900000)) / 4,
					pos_profile=rng.choice(STORES),
					owner=rng.choice(OWNERS),
					purchase_occasion=rng.choice(OCCASIONS),
					recipient_name=rng.choice(PEOPLE),
					recipient_relation=rng.choice(RELATIONS),
					occasion_date=date(rng.randrange(1990, 2027), rng.randrange(1, 13), rng.randrange(1, 29))
					if rng.random() < 0.6
					else None,
				)
				for idx in range(1, rng.randrange(2, 5)):
					code = rng.choice([*ITEMS, *UNKNOWN_ITEMS])
					lines.append(
						LineRecord(
							customer,
							doctype,
							sale.name,
							idx,
							code,
							(ITEMS[code].item_group if code in ITEMS else UNKNOWN_ITEMS[code]),
							float(rng.randrange(1, 3)),
							rng.choice((None, "12", " 14 ", "16.5", "  ")),
						)
					)
			hers.append(sale)
		sales.extend(hers)
		preferences[customer] = [
			ExistingPreference(f"PREF-{index}-1", "Metal", "Gold", INFERRED, "", 0.5, TODAY, 1),
			ExistingPreference(f"PREF-{index}-2", "Ring Size", "13", STATED),
			ExistingPreference(f"PREF-{index}-3", "Stone", "Emerald", INFERRED, "", 0.2, TODAY, 2),
		][: rng.randrange(4)]
		occasions[customer] = [
			ExistingOccasion(f"OCC-{index}-1", occasion_key(customer, "Birthday", "", 1, 1), "Asked"),
			ExistingOccasion(f"OCC-{index}-2", occasion_key(customer, "Wedding", "", 2, 2), CAPTURED_AT_SALE),
		][: rng.randrange(3)]
	rng.shuffle(sales)
	rng.shuffle(lines)
	return customers, sales, lines, preferences, occasions


RULES = (LearningRules(), LearningRules(tiers=TIERS, half_life_days=200, min_score=0.05))


@given(histories(), st.sampled_from(RULES))
def test_a_page_learns_each_customer_as_the_per_customer_rule_does(history, rules):
	customers, sales, lines, preferences, occasions = history
	page = learn_page(customers, sales, lines, ITEMS, preferences, occasions, TODAY, rules)
	assert [learnt.customer for learnt in page] == [current.customer for current in customers]
	for current, learnt in zip(customers, page, strict=True):
		hers = [sale for sale in sales if sale.customer == current.customer]
		her_lines = [line for line in lines if line.customer == current.customer]
		stored_prefs, stored_occasions = preferences[current.customer], occasions[current.customer]
		alone = learn_customer(current, hers, her_lines, ITEMS, stored_prefs, stored_occasions, TODAY, rules)
		assert learnt == alone
		expected = reference(current, hers, her_lines, ITEMS, stored_prefs, stored_occasions, TODAY, rules)
		if expected is None:
			assert learnt.erased and not learnt.profile and learnt.preferences.is_empty()
			continue
		profile, last_kept, added, removed, plan = expected
		assert learnt.profile == profile
		assert learnt.last_kept == last_kept
		assert learnt.occasions_add == added
		assert learnt.occasions_remove == removed
		assert learnt.preferences == plan
		assert learnt.sales == sorted(hers, key=lambda sale: (sale.posting_date, sale.name, sale.doctype))


@given(histories())
def test_learning_what_was_learnt_changes_nothing(history):
	"""Stored as learnt, the same facts plan no write: no field, occasion or preference changes."""
	customers, sales, lines, preferences, occasions = history
	first = learn_page(customers, sales, lines, ITEMS, preferences, occasions, TODAY)
	stored_prefs, stored_occasions = {}, {}
	for learnt in first:
		kept = [row for row in preferences[learnt.customer] if row.name not in learnt.preferences.delete]
		kept = [
			ExistingPreference(
				row.name, p.dimension, p.value, row.source, p.qualifier, p.score, p.last_seen, p.purchases
			)
			if (p := learnt.preferences.update.get(row.name))
			else row
			for row in kept
		]
		kept += [
			ExistingPreference(
				f"NEW-{i}", p.dimension, p.value, INFERRED, p.qualifier, p.score, p.last_seen, p.purchases
			)
			for i, p in enumerate(learnt.preferences.insert)
		]
		stored_prefs[learnt.customer] = kept
		stored_occasions[learnt.customer] = [
			row for row in occasions[learnt.customer] if row.name not in learnt.occasions_remove
		] + [
			ExistingOccasion(
				f"NEW-{i}",
				occasion_key(learnt.customer, c.occasion_type, c.person_name, c.day, c.month),
				CAPTURED_AT_SALE,
			)
			for i, (c, _sale) in enumerate(learnt.occasions_add)
		]
	again = learn_page(customers, sales, lines, ITEMS, stored_prefs, stored_occasions, TODAY)
	for before, after in zip(first, again, strict=True):
		assert after.profile == before.profile
		assert after.preferences.is_empty()
		assert (after.occasions_add, after.occasions_remove) == ([], [])
		assert not changed_fields(before.profile, after.profile)


# ---------------------------------------------------------------------------------- named cases


def _sale(name, days_ago, amount, **fields):
	return SaleRecord(
		"Sales Invoice", name, "CUST-1", TODAY - timedelta(days=days_ago), Decimal(amount), **fields
	)


def test_a_store_with_a_past_is_learnt_by_the_age_of_its_sales():
	page = learn_page(
		[CurrentProfile("CUST-1"), CurrentProfile("CUST-2"), CurrentProfile("CUST-3")],
		[
			_sale("A", 3, 40000),
			SaleRecord(
				"POS Invoice",
				"B",
				"CUST-2",
				TODAY - timedelta(days=150),
				Decimal(90000),
				pos_profile="Store B",
			),
			SaleRecord("Sales Invoice", "C", "CUST-3", TODAY - timedelta(days=3 * 365), Decimal(250000)),
			SaleRecord("Sales Invoice", "D", "CUST-3", TODAY - timedelta(days=2 * 365), Decimal(50000)),
		],
		[],
		ITEMS,
		{},
		{},
		TODAY,
	)
	stages = {learnt.customer: learnt.profile["jc_lifecycle_stage"] for learnt in page}
	assert stages == {"CUST-1": "New", "CUST-2": "At risk", "CUST-3": "Lapsed"}
	assert page[1].profile["jc_home_store"] == "Store B"
	assert page[2].profile["jc_purchases"] == 2
	assert page[2].profile["jc_first_purchase_date"] == TODAY - timedelta(days=3 * 365)


def test_an_impossible_wedding_year_stops_only_her():
	page = learn_page(
		[CurrentProfile("CUST-1"), CurrentProfile("CUST-2")],
		[
			_sale("A", 10, 50000, purchase_occasion="Wedding", occasion_date=date(1850, 2, 10)),
			SaleRecord("Sales Invoice", "B", "CUST-2", TODAY, Decimal(1000)),
		],
		[],
		ITEMS,
		{},
		{},
		TODAY,
	)
	assert "1850" in page[0].problem
	assert page[1].problem is None and page[1].profile["jc_purchases"] == 1


def test_an_erased_customer_learns_nothing_but_her_sales_are_seen():
	[learnt] = learn_page(
		[CurrentProfile("CUST-1", erased=True)], [_sale("A", 3, 100)], [], ITEMS, {}, {}, TODAY
	)
	assert learnt.erased and learnt.profile == {} and [sale.name for sale in learnt.sales] == ["A"]


def test_who_served_her():
	assert served_by("asha@example.com", "ravi@example.com") == "asha@example.com"
	assert served_by(None, "ravi@example.com") == "ravi@example.com"
	assert served_by(None, "Administrator") is None
	assert served_by(None, "") is None


def test_only_changed_fields_are_written_and_null_zero_and_empty_are_one():
	stored = {"jc_visits": None, "jc_rfm_score": None, "jc_lifetime_value": Decimal("45000.000000000")}
	wanted = {"jc_visits": 0, "jc_rfm_score": "", "jc_lifetime_value": Decimal("45000")}
	assert changed_fields(stored, wanted) == {}
	assert changed_fields({"jc_last_purchase_date": date(2026, 1, 1)}, {"jc_last_purchase_date": None}) == {
		"jc_last_purchase_date": None
	}
	assert changed_fields({"jc_purchases": 1}, {"jc_purchases": 2}) == {"jc_purchases": 2}


def test_a_size_of_spaces_tells_nothing():
	[learnt] = learn_page(
		[CurrentProfile("CUST-1")],
		[_sale("A", 3, 1000, purchase_occasion="Self")],
		[LineRecord("CUST-1", "Sales Invoice", "A", 1, "RING-GOLD", "Rings", 1.0, "   ")],
		ITEMS,
		{},
		{},
		TODAY,
	)
	assert "Ring Size" not in {pref.dimension for pref in learnt.preferences.insert}
	assert ("Metal", "Gold") in {(pref.dimension, pref.value) for pref in learnt.preferences.insert}
