"""What Meta's webhook tells us, as pure rules: whether a request really came from Meta (its
signature), what it says (a message was sent, delivered or read; she wrote back, and what), how a
message's status only ever moves forward (webhooks come at least once and out of order), whether
"Stop." means she wants no more messages, and whether the 24-hour window to write to her freely is
open. Sending is domain/messaging.py; pacing, domain/pacing.py."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from jewel_clienteling.domain.messaging import MessagingError, _as_int, _as_text

# ---------------------------------------------------------------------------------------------------
# Webhooks: is it really Meta, and what does it say


_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")


def sign(app_secret: str, raw_body: bytes) -> str:
	"""The X-Hub-Signature-256 header Meta puts on a webhook: 'sha256=' and the HMAC-SHA256 of the raw
	body, keyed with the app secret."""
	digest = hmac.new(app_secret.encode("utf-8"), bytes(raw_body), hashlib.sha256).hexdigest()
	return f"sha256={digest}"


def signature_is_valid(app_secret: str, raw_body: bytes, header: str | None) -> bool:
	"""True only when the header is Meta's signature of exactly these bytes. Check the raw body as
	received, before parsing: JSON read and written again is not the same bytes."""
	if not isinstance(app_secret, str) or not app_secret:
		return False
	if not isinstance(raw_body, bytes | bytearray | memoryview) or not isinstance(header, str):
		return False
	match = _SIGNATURE.fullmatch(header.strip())
	if not match:
		return False
	expected = sign(app_secret, raw_body).removeprefix("sha256=")
	return hmac.compare_digest(expected, match.group(1).lower())


@dataclass(frozen=True)
class StatusEvent:
	"""Meta tells us what became of a message we sent: sent, delivered, read or failed."""

	message_id: str
	status: str
	timestamp: datetime
	recipient_id: str = ""
	error_code: int | None = None
	error_title: str | None = None
	phone_number_id: str = ""  # which of the shop's numbers sent it


@dataclass(frozen=True)
class InboundMessage:
	"""She wrote to the shop. `text` is what she typed, the button she tapped or the caption of her
	photo; None for a location, a voice note and the like."""

	message_id: str
	from_phone: str
	timestamp: datetime
	kind: str
	text: str | None = None
	profile_name: str = ""
	payload: str | None = None  # a quick-reply button's payload, or an interactive reply's id
	context_message_id: str | None = None  # our message she replied to
	phone_number_id: str = ""


@dataclass
class WebhookBatch:
	statuses: list[StatusEvent] = field(default_factory=list)
	messages: list[InboundMessage] = field(default_factory=list)
	problems: list[str] = field(default_factory=list)


_UNIX_SECONDS = re.compile(r"[0-9]{1,11}")


def _timestamp(value: object) -> datetime | None:
	if isinstance(value, int) and not isinstance(value, bool):
		value = str(value)
	if not isinstance(value, str) or not _UNIX_SECONDS.fullmatch(value):
		return None
	try:
		return datetime.fromtimestamp(int(value), tz=timezone.utc)
	except (OverflowError, OSError, ValueError):
		return None


def _list(value: object) -> list:
	return value if isinstance(value, list) else []


def _dict(value: object) -> dict:
	return value if isinstance(value, dict) else {}


def _wa_digits(value: object) -> str | None:
	return value if isinstance(value, str) and value.isascii() and value.isdigit() else None


def _status_event(raw: object, where: str, phone_number_id: str) -> StatusEvent | str:
	if not isinstance(raw, dict):
		return f"{where}: not an object"
	message_id, status = _as_text(raw.get("id")), _as_text(raw.get("status"))
	moment = _timestamp(raw.get("timestamp"))
	if message_id is None or status is None or moment is None:
		return f"{where}: id, status or timestamp missing or unreadable"
	first_error = next((e for e in _list(raw.get("errors")) if isinstance(e, dict)), {})
	title = _as_text(first_error.get("title")) or _as_text(first_error.get("message"))
	return StatusEvent(
		message_id=message_id,
		status=status.lower(),
		timestamp=moment,
		recipient_id=_wa_digits(raw.get("recipient_id")) or "",
		error_code=_as_int(first_error.get("code")),
		error_title=title,
		phone_number_id=phone_number_id,
	)


def _inbound_text(kind: str, raw: dict) -> tuple[str | None, str | None]:
	"""(text, payload) of an inbound message of this kind."""
	part = _dict(raw.get(kind))
	if kind == "text":
		return _as_text(part.get("body")), None
	if kind == "button":
		payload = _as_text(part.get("payload"))
		return _as_text(part.get("text")) or payload, payload
	if kind == "interactive":
		reply = _dict(part.get(_as_text(part.get("type")) or ""))
		return _as_text(reply.get("title")), _as_text(reply.get("id"))
	if kind == "reaction":
		return _as_text(part.get("emoji")), None
	if kind in ("image", "video", "document"):
		return _as_text(part.get("caption")), None
	return None, None


def _inbound(raw: object, where: str, names: dict[str, str], phone_number_id: str) -> InboundMessage | str:
	if not isinstance(raw, dict):
		return f"{where}: not an object"
	message_id, kind = _as_text(raw.get("id")), _as_text(raw.get("type"))
	sender, moment = _wa_digits(raw.get("from")), _timestamp(raw.get("timestamp"))
	if message_id is None or kind is None or sender is None or moment is None:
		return f"{where}: id, from, type or timestamp missing or unreadable"
	text, payload = _inbound_text(kind, raw)
	return InboundMessage(
		message_id=message_id,
		from_phone=sender,
		timestamp=moment,
		kind=kind,
		text=text,
		profile_name=names.get(sender) or names.get("", ""),
		payload=payload,
		context_message_id=_as_text(_dict(raw.get("context")).get("id")),
		phone_number_id=phone_number_id,
	)


def _brief(value: object) -> str:
	return repr(value)[:60] if isinstance(value, str | int | float | None) else type(value).__name__


def _read_value(value: dict, where: str, batch: WebhookBatch) -> None:
	phone_number_id = _as_text(_dict(value.get("metadata")).get("phone_number_id")) or ""
	names = {}
	for contact in _list(value.get("contacts")):
		contact = _dict(contact)
		wa_id, name = _wa_digits(contact.get("wa_id")), _as_text(_dict(contact.get("profile")).get("name"))
		if name:
			names[wa_id or ""] = name  # a contact without wa_id names whoever wrote
	for index, raw in enumerate(_list(value.get("statuses"))):
		event = _status_event(raw, f"{where}.statuses[{index}]", phone_number_id)
		(batch.problems if isinstance(event, str) else batch.statuses).append(event)
	for index, raw in enumerate(_list(value.get("messages"))):
		message = _inbound(raw, f"{where}.messages[{index}]", names, phone_number_id)
		(batch.problems if isinstance(message, str) else batch.messages).append(message)
	for error in _list(value.get("errors")):
		error = _dict(error)
		code, title = _as_int(error.get("code")), _as_text(error.get("title"))
		batch.problems.append(f"{where}: Meta reports error {code} {title}")


def parse_webhook(payload: dict) -> WebhookBatch:
	"""Read one webhook call from Meta: delivery statuses of our messages and her messages to us. Anything
	that is not what Meta documents is skipped and noted in `problems`, never raised: a webhook that fails
	is sent again and again by Meta. Only a body that is not a JSON object at all is refused."""
	if not isinstance(payload, dict):
		raise MessagingError("malformed", "the webhook body is not a JSON object")
	batch = WebhookBatch()
	if payload.get("object") != "whatsapp_business_account":
		batch.problems.append(f"object is {_brief(payload.get('object'))}, not whatsapp_business_account")
		return batch
	entries = payload.get("entry")
	if not isinstance(entries, list):
		batch.problems.append("entry is not a list")
		return batch
	for e, entry in enumerate(entries):
		if not isinstance(entry, dict) or not isinstance(entry.get("changes"), list):
			batch.problems.append(f"entry[{e}]: no list of changes")
			continue
		for c, change in enumerate(entry["changes"]):
			where = f"entry[{e}].changes[{c}]"
			if not isinstance(change, dict) or change.get("field") != "messages":
				field_name = change.get("field") if isinstance(change, dict) else None
				batch.problems.append(f"{where}: field {_brief(field_name)} is not messages")
			elif not isinstance(change.get("value"), dict):
				batch.problems.append(f"{where}: value is not an object")
			else:
				_read_value(change["value"], where, batch)
	return batch


# ---------------------------------------------------------------------------------------------------
# A message's status only moves forward


STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 3}


def next_status(current: str | None, incoming: str) -> str | None:
	"""The status a message should take when Meta reports `incoming`, or None to leave it alone.

	sent, delivered, read only move forward (a late 'delivered' after 'read' changes nothing); failed
	can follow sent or delivered but not read (she has read it), and nothing follows failed. The same
	status twice gives None the second time, so a replayed webhook does nothing. An unknown status is
	ignored; a `current` we do not know (None, or our own 'queued') takes any known status."""
	incoming = incoming.strip().lower() if isinstance(incoming, str) else ""
	if incoming not in STATUS_RANK:
		return None
	current_rank = STATUS_RANK.get(current.strip().lower(), 0) if isinstance(current, str) else 0
	return incoming if STATUS_RANK[incoming] > current_rank else None


# ---------------------------------------------------------------------------------------------------
# Her consent, in her own words


STOP_WORDS = frozenset({"stop", "unsubscribe", "stop all", "stopall", "cancel", "opt out", "optout"})
START_WORDS = frozenset({"start", "subscribe", "unstop", "opt in", "optin"})
_INNER_SPACE = re.compile(r"[\s_\-]+")


def _trimmed(text: str) -> str:
	"""Drop anything around the words that is not a letter or a digit: spaces, '.', '!', emoji."""
	start, end = 0, len(text)
	while start < end and unicodedata.category(text[start])[0] not in "LN":
		start += 1
	while end > start and unicodedata.category(text[end - 1])[0] not in "LN":
		end -= 1
	return text[start:end]


def whole_words(text: str | None) -> str | None:
	"""Her whole message as plain words to compare ('Less often 🙏' gives 'less often'); None for none."""
	if not isinstance(text, str):
		return None
	return _INNER_SPACE.sub(" ", _trimmed(unicodedata.normalize("NFKC", text).casefold()))


def consent_intent(text: str | None) -> str | None:
	"""'stop' when her whole message asks for no more messages ('STOP', 'Stop.', 'opt-out 🙏'), 'start'
	when it asks for them again, else None. A sentence that merely contains the word ('please stop
	calling my husband') is not a request to unsubscribe."""
	words = whole_words(text)
	if words in STOP_WORDS:
		return "stop"
	if words in START_WORDS:
		return "start"
	return None


def window_open(last_inbound: datetime | None, now: datetime, hours: int = 24) -> bool:
	"""Whether free text may still be sent: she wrote to us less than `hours` ago."""
	if last_inbound is None:
		return False
	return now - last_inbound < timedelta(hours=hours)
