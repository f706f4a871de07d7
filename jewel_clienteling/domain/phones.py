"""Her mobile number as one form (E.164), read however it was typed at the counter, and the wa.me link
an associate taps to write to her from their own phone. Pure rules, on the phonenumbers library."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

import phonenumbers


def normalise_phone(raw: str | None, region: str = "IN") -> str | None:
	"""Her mobile as E.164 ('+919812345678'), read the way it was typed at the counter ('98123 45678',
	'098123-45678', '+91 98123 45678'); None when empty, unreadable or not a real number."""
	text = "" if raw is None else str(raw).strip()
	if not text:
		return None
	try:
		number = phonenumbers.parse(text, region or None)
	except phonenumbers.NumberParseException:
		return None
	if not phonenumbers.is_valid_number(number):
		return None
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone_from_key(raw: str | None, key: str | None, region: str = "IN") -> str | None:
	"""normalise_phone(raw, region), without parsing the number again when `key` (the E.164 key kept
	beside it, services/mobile_keys.py) is what `raw` reads as: `raw` itself written without spaces and
	dashes, or its national form ('98123 45678', '098123-45678') with the region's country code. The key
	was made by normalise_phone from a number that reads the same, so it is the answer. Anything else
	(no key, a key left from an earlier number, a region whose national numbers are rewritten when read)
	is parsed as before."""
	if key and key[0] == "+" and raw is not None:
		compact = str(raw).strip().replace(" ", "").replace("-", "")
		if compact == key:
			return key
		national = _national_form(region)
		if national and compact.isdigit():
			code, prefix = national
			digits = compact[len(prefix) :] if prefix and compact.startswith(prefix) else compact
			if key == code + digits:
				return key
	return normalise_phone(raw, region)


@cache
def _national_form(region: str | None) -> tuple[str, str] | None:
	"""('+91', '0') when the region's national numbers read as its country code and their digits, less
	the national prefix; None where reading them rewrites more (Argentina, Brazil) or the region is
	unknown."""
	metadata = phonenumbers.PhoneMetadata.metadata_for_region((region or "").upper())
	if metadata is None or metadata.national_prefix_transform_rule:
		return None
	prefix = metadata.national_prefix or ""
	if (metadata.national_prefix_for_parsing or "") != prefix:
		return None
	return f"+{metadata.country_code}", prefix


def whatsapp_link(phone: str | None, text: str, region: str = "IN") -> str | None:
	"""A wa.me link that opens WhatsApp on the associate's phone with the message written; None when
	the number is not valid."""
	number = normalise_phone(phone, region)
	if number is None:
		return None
	return f"https://wa.me/{number.removeprefix('+')}?text={quote(text or '')}"
