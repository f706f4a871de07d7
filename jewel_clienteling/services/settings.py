"""Clienteling Settings, read once per request from Frappe's document cache and turned into the
plain values domain/ rules take."""

from decimal import Decimal

import frappe
from frappe.utils import cint, flt, getdate

from jewel_clienteling.domain.loyalty import (
	BASIS_MAKING_CHARGE,
	BASIS_NET_AMOUNT,
	DEFAULT_TIER_THRESHOLDS,
	EarningRules,
	Rate,
)
from jewel_clienteling.domain.occasions import FEB29_ON_FEB28
from jewel_clienteling.domain.preferences import DEFAULT_BUDGET_BANDS, DEFAULT_SOURCES, PreferenceSource
from jewel_clienteling.domain.profile import LifecycleRules, RFMThresholds, parse_thresholds

SETTINGS = "Clienteling Settings"


def get_settings():
	return frappe.get_cached_doc(SETTINGS)


def stored_date(field: str):
	"""A date kept on the settings, read past every cache; None when none is kept (Frappe's
	get_single_value would read an empty date as today)."""
	# get_single_value would turn an empty date into today's date; get_value reads what is stored
	value = frappe.db.get_value(SETTINGS, SETTINGS, field)  # fmt: skip  # nosemgrep: frappe-semgrep-rules.rules.frappe-single-value-type-safety
	return getdate(value) if value else None


def is_enabled() -> bool:
	return bool(cint(get_settings().enabled))


def lifecycle_rules(settings=None) -> LifecycleRules:
	settings = settings or get_settings()
	default = LifecycleRules()
	return LifecycleRules(
		new_days=cint(settings.new_days) or default.new_days,
		at_risk_days=cint(settings.at_risk_days) or default.at_risk_days,
		lapsed_days=cint(settings.lapsed_days) or default.lapsed_days,
		loyal_min_purchases=cint(settings.loyal_min_purchases) or default.loyal_min_purchases,
	)


def _thresholds(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
	try:
		return parse_thresholds(text or "")
	except ValueError:
		return default


def rfm_thresholds(settings=None) -> RFMThresholds:
	settings = settings or get_settings()
	default = RFMThresholds()
	return RFMThresholds(
		recency_days=_thresholds(settings.rfm_recency_days, default.recency_days),
		frequency=_thresholds(settings.rfm_frequency, default.frequency),
		monetary=_thresholds(settings.rfm_monetary, default.monetary),
	)


def budget_bands(settings=None) -> tuple[int, ...]:
	settings = settings or get_settings()
	return _thresholds(settings.budget_bands, DEFAULT_BUDGET_BANDS)


def preference_sources(settings=None) -> tuple[PreferenceSource, ...]:
	settings = settings or get_settings()
	rows = [
		PreferenceSource(row.dimension, row.source_type, (row.source_name or "").strip())
		for row in settings.get("preference_sources") or []
	]
	return tuple(rows) or DEFAULT_SOURCES


def half_life_days(settings=None) -> int:
	return cint((settings or get_settings()).preference_half_life_days) or 365


def min_score(settings=None) -> float:
	settings = settings or get_settings()
	value = settings.preference_min_score
	return 0.1 if value is None else flt(value)


def feb29_policy(settings=None) -> str:
	return (settings or get_settings()).feb29_policy or FEB29_ON_FEB28


def walk_in_customer(settings=None) -> str | None:
	return (settings or get_settings()).walk_in_customer or None


def loyalty_enabled(settings=None) -> bool:
	settings = settings or get_settings()
	return bool(cint(settings.loyalty_enabled))


def earning_rules(settings=None) -> EarningRules:
	"""The shop's points rules; exclusions are rate rules of 0 in the settings, so none are implied here."""
	settings = settings or get_settings()
	return EarningRules(
		basis=BASIS_NET_AMOUNT if settings.earn_basis == BASIS_NET_AMOUNT else BASIS_MAKING_CHARGE,
		points_per_100=Decimal(str(flt(settings.points_per_100))),
		excluded_item_groups=frozenset(),
		min_invoice_amount=Decimal(str(flt(settings.min_invoice_amount))),
		birthday_multiplier=Decimal(str(flt(settings.birthday_multiplier) or 1)),
		expiry_days=cint(settings.points_expiry_days) or 365,
		rates=tuple(
			Rate(row.applies_to, row.value or "", Decimal(str(flt(row.points_per_100))), row.item_field or "")
			for row in settings.get("earning_rules") or []
		),
	)


def tier_thresholds(settings=None) -> tuple[tuple[str, Decimal], ...]:
	settings = settings or get_settings()
	rows = tuple((row.tier, Decimal(str(flt(row.min_spend)))) for row in settings.get("tiers") or [])
	return rows or tuple((tier, Decimal(amount)) for tier, amount in DEFAULT_TIER_THRESHOLDS)
