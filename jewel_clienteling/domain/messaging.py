"""WhatsApp messages to her phone, by Meta's WhatsApp Cloud API, as pure rules.

Nothing here talks to the network or to the database: these are the rules the sending worker and the
webhook follow. What a message body must look like, what to do when Meta says no (wait and try again,
wait a day, or give up), whether a webhook really came from Meta, what it tells us (a message was
delivered or read, or she wrote back), whether "Stop." means she wants no more messages, and how fast
we may send without Meta throttling the shop's number.

Meta's numbers, for reference: a text message is at most 4096 characters; a template parameter at
most 1024 (60 in a header) with no line breaks or tabs; about 80 messages a second per business number
and one message every 6 seconds to the same person. Status webhooks come at least once and out of
order, so a message's status only ever moves forward.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

MAX_TEXT_BODY = 4096
DEFAULT_MESSAGES_PER_SECOND = 80  # Meta's default throughput for one business number
MAX_TEMPLATE_PARAMETER = 1024
MAX_HEADER_PARAMETER = 60


class MessagingError(ValueError):
	"""A messaging rule refused something. `reason` is a short code (empty_parameter, bad_phone, malformed,
	...); `detail` says which part, in words for the log."""

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(f"{reason}: {detail}" if detail else reason)
		self.reason = reason
		self.detail = detail


# ---------------------------------------------------------------------------------------------------
# Building what we send


_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_E164_DIGITS = re.compile(r"[1-9][0-9]{6,14}")


def recipient_digits(phone: str) -> str:
	"""Her number as the Cloud API wants it: E.164 digits without the '+' ('+91 98123 45678' gives
	'919812345678'). Pass a number already in international form (outreach.normalise_phone's answer, or a
	wa_id from a webhook): a national number such as '098123 45678' is refused, never guessed at."""
	if not isinstance(phone, str):
		raise MessagingError("bad_phone", "not text")
	digits = _PHONE_SEPARATORS.sub("", phone).removeprefix("+")
	if not _E164_DIGITS.fullmatch(digits):
		raise MessagingError("bad_phone", repr(phone))
	return digits


def _text_parameters(values: Iterable[str] | None, component: str, limit: int) -> list[dict]:
	if values is None:
		return []
	if isinstance(values, str | bytes | dict):
		raise MessagingError("bad_parameter", f"{component} parameters must be a list")
	parameters = []
	for position, value in enumerate(values, start=1):
		where = f"{component} parameter {position}"
		if value is None or (isinstance(value, str) and not value.strip()):
			raise MessagingError("empty_parameter", where)
		if not isinstance(value, str):
			raise MessagingError("bad_parameter", f"{where} is not text")
		if len(value) > limit:
			raise MessagingError(
				"parameter_too_long", f"{where} has {len(value)} characters, at most {limit}"
			)
		# Meta refuses these with error 132018 after we have spent a send on them
		if "\n" in value or "\t" in value or "     " in value:
			raise MessagingError("bad_parameter", f"{where} has a line break, a tab or five spaces in a row")
		parameters.append({"type": "text", "text": value})
	return parameters


def build_template_payload(
	to: str,
	name: str,
	language: str,
	body_params: list[str],
	header_params: list[str] | None = None,
) -> dict:
	"""The JSON body for sending an approved template (the only kind of message allowed outside the
	24-hour window). `body_params` fill {{1}}, {{2}}... in the template's body, `header_params` its text
	header. An empty parameter is refused rather than sent as a message that reads "Dear ,"."""
	if not isinstance(name, str) or not name.strip():
		raise MessagingError("bad_template", "template name is empty")
	if not isinstance(language, str) or not language.strip():
		raise MessagingError("bad_language", "language code is empty")
	components = []
	header = _text_parameters(header_params, "header", MAX_HEADER_PARAMETER)
	if header:
		components.append({"type": "header", "parameters": header})
	body = _text_parameters(body_params, "body", MAX_TEMPLATE_PARAMETER)
	if body:
		components.append({"type": "body", "parameters": body})
	template: dict = {"name": name.strip(), "language": {"code": language.strip()}}
	if components:
		template["components"] = components
	return {
		"messaging_product": "whatsapp",
		"recipient_type": "individual",
		"to": recipient_digits(to),
		"type": "template",
		"template": template,
	}


def build_text_payload(to: str, body: str) -> dict:
	"""The JSON body for a free-text message, allowed only while her 24-hour window is open."""
	if not isinstance(body, str) or not body.strip():
		raise MessagingError("empty_body", "the message is empty")
	if len(body) > MAX_TEXT_BODY:
		raise MessagingError("too_long", f"{len(body)} characters, at most {MAX_TEXT_BODY}")
	return {
		"messaging_product": "whatsapp",
		"recipient_type": "individual",
		"to": recipient_digits(to),
		"type": "text",
		"text": {"preview_url": False, "body": body},
	}


# ---------------------------------------------------------------------------------------------------
# When Meta says no: try again, wait a day, or give up


THROUGHPUT_CODES = frozenset({130429, 80007, 4})  # the number (or the app) sends too fast
PAIR_RATE_CODE = 131056  # too many messages to this one person
MARKETING_CAP_CODE = 131049  # Meta held back a marketing message to protect her inbox
UNDELIVERABLE_CODE = 131026  # not on WhatsApp, blocked us, old app, terms not accepted
WINDOW_CLOSED_CODE = 131047  # more than 24 h since she wrote: only a template may go
AUTH_CODES = frozenset({0, 190})  # the access token is wrong or expired

DAY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Outcome:
	"""What to do about one failed send. `reason` is throughput, pair_rate, server, timeout,
	marketing_cap (retry), or window_closed, undeliverable, auth, invalid, unknown (never retry)."""

	reason: str
	retry: bool
	needs_template: bool = False
	first_delay: float = 0.0  # seconds before the second attempt
	max_delay: float = 0.0  # the backoff never waits longer than this
	exponential: bool = True  # False: always wait first_delay

	@property
	def permanent(self) -> bool:
		"""Trying again would only fail again (or send something she must not get)."""
		return not self.retry

	def delay_seconds(self, attempt: int, jitter: float = 0.0) -> float:
		"""See retry_delay."""
		return retry_delay(self, attempt, jitter)


def _backoff(reason: str, first: float, cap: float) -> Outcome:
	return Outcome(reason=reason, retry=True, first_delay=first, max_delay=cap)


def _give_up(reason: str, needs_template: bool = False) -> Outcome:
	return Outcome(reason=reason, retry=False, needs_template=needs_template)


def classify_error(http_status: int | None, code: int | None) -> Outcome:
	"""Sort a failed send by Meta's error `code` first (Meta advises it over the HTTP status), then by
	the HTTP status. `http_status` None means no answer at all: a timeout or a refused connection."""
	if http_status is None:
		return _backoff("timeout", 2.0, 300.0)
	if code in THROUGHPUT_CODES:
		return _backoff("throughput", 1.0, 300.0)
	if code == PAIR_RATE_CODE:
		return _backoff("pair_rate", 6.0, 600.0)
	if code == MARKETING_CAP_CODE:
		return Outcome(
			"marketing_cap", retry=True, first_delay=DAY_SECONDS, max_delay=DAY_SECONDS, exponential=False
		)
	if code == UNDELIVERABLE_CODE:
		return _give_up("undeliverable")
	if code == WINDOW_CLOSED_CODE:
		return _give_up("window_closed", needs_template=True)
	if code in AUTH_CODES or http_status == 401:
		return _give_up("auth")
	if http_status == 429:
		return _backoff("throughput", 1.0, 300.0)
	if 500 <= http_status <= 599:
		return _backoff("server", 2.0, 300.0)
	if 400 <= http_status <= 499:
		return _give_up("invalid")
	return _give_up("unknown")


def retry_delay(outcome: Outcome, attempt: int, jitter: float = 0.0) -> float:
	"""Seconds to wait after failed attempt number `attempt` (1 for the first try): the first delay,
	doubled after each further failure up to the outcome's cap; a day, always, for the marketing cap.
	`jitter` is a fraction from 0 to 1 the caller draws (random.random() * 0.2, say); the wait grows by
	that fraction so that retries of a batch do not all land in the same second, and never shrinks."""
	if not outcome.retry:
		raise MessagingError("not_retryable", outcome.reason)
	if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
		raise MessagingError("bad_attempt", repr(attempt))
	if not 0.0 <= jitter <= 1.0:
		raise MessagingError("bad_jitter", repr(jitter))
	if outcome.exponential:
		delay = min(outcome.max_delay, outcome.first_delay * 2 ** min(attempt - 1, 64))
	else:
		delay = outcome.first_delay
	return delay * (1.0 + jitter)


def should_give_up(outcome: Outcome, attempt: int, max_attempts: int) -> bool:
	"""True when attempt number `attempt` has failed and no further attempt should be made."""
	if max_attempts < 1:
		raise MessagingError("bad_attempt", f"max_attempts {max_attempts}")
	return outcome.permanent or attempt >= max_attempts


@dataclass(frozen=True)
class SendResult:
	"""Meta's answer to one send: the message id when accepted, else Meta's error code and words."""

	http_status: int | None
	message_id: str | None = None
	message_status: str | None = None  # "accepted" (templates) or None
	error_code: int | None = None
	error_title: str | None = None  # "(#131047) Re-engagement message" becomes "Re-engagement message"
	error_message: str | None = None  # Meta's message as sent
	error_details: str | None = None
	error_subcode: int | None = None
	fbtrace_id: str | None = None
	raw: str = ""  # the start of a body that was not Meta's JSON (an HTML page from a proxy)

	@property
	def ok(self) -> bool:
		return self.message_id is not None

	@property
	def outcome(self) -> Outcome | None:
		"""What to do next when the send failed; None when it went."""
		return None if self.ok else classify_error(self.http_status, self.error_code)


_CODE_DIGITS = re.compile(r"[0-9]{1,18}")


def _as_int(value: object) -> int | None:
	if isinstance(value, bool):
		return None
	if isinstance(value, int):
		return value
	if isinstance(value, str) and _CODE_DIGITS.fullmatch(value.strip()):
		return int(value.strip())
	return None


def _as_text(value: object) -> str | None:
	return value if isinstance(value, str) and value else None


def _decoded(body: bytes | str | dict | None) -> tuple[object, str]:
	if isinstance(body, dict):
		return body, ""
	if isinstance(body, bytes | bytearray | memoryview):
		body = bytes(body).decode("utf-8", errors="replace")
	if not isinstance(body, str):
		return None, ""
	try:
		return json.loads(body), ""
	except (ValueError, RecursionError):
		return None, body.strip()[:500]


_TITLE_PREFIX = re.compile(r"^\(#\d+\)\s*")


def parse_send_response(http_status: int | None, body: bytes | str | dict | None) -> SendResult:
	"""Read Meta's answer to a send. Never raises: a proxy's HTML page or an empty body gives a result
	with no message id and no error code, which classify_error then judges by the HTTP status."""
	data, raw = _decoded(body)
	if not isinstance(data, dict):
		return SendResult(http_status=http_status, raw=raw)
	message_id = message_status = None
	if http_status is not None and 200 <= http_status <= 299:
		messages = data.get("messages")
		first = messages[0] if isinstance(messages, list) and messages else None
		if isinstance(first, dict):
			message_id = _as_text(first.get("id"))
			message_status = _as_text(first.get("message_status"))
	error = data.get("error")
	if not isinstance(error, dict):
		return SendResult(http_status=http_status, message_id=message_id, message_status=message_status)
	message = _as_text(error.get("message"))
	error_data = error.get("error_data")
	details = _as_text(error_data.get("details")) if isinstance(error_data, dict) else None
	return SendResult(
		http_status=http_status,
		error_code=_as_int(error.get("code")),
		error_title=_TITLE_PREFIX.sub("", message) if message else None,
		error_message=message,
		error_details=details,
		error_subcode=_as_int(error.get("error_subcode")),
		fbtrace_id=_as_text(error.get("fbtrace_id")),
	)


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


# ---------------------------------------------------------------------------------------------------
# Pacing: never faster than Meta allows


def _second_later(moment: float) -> float:
	return moment + 1.0


class Pacer:
	"""Hands out send times so that the shop's number sends at most `rate` messages in any one second
	and never two messages to one person less than `gap` seconds apart. Times are seconds on any clock
	(time.monotonic() will do); a `now` earlier than one already seen counts as that later time."""

	def __init__(self, rate: int = DEFAULT_MESSAGES_PER_SECOND, gap: float = 6.0):
		if isinstance(rate, bool) or not isinstance(rate, int) or rate < 1:
			raise MessagingError("bad_rate", repr(rate))
		if gap < 0:
			raise MessagingError("bad_gap", repr(gap))
		self.rate = rate
		self.gap = float(gap)
		self._times: list[float] = []  # every reservation not yet a second old, in order
		self._last: dict[str, float] = {}  # the latest reservation per recipient
		self._clock = float("-inf")
		self._forget_at = 10_000  # recipients remembered before the stale ones are forgotten

	def _crowded_until(self, moment: float) -> float | None:
		"""If a send at `moment` would make `rate` + 1 sends fit in one second, the earliest time the
		oldest of them has left that second; else None."""
		times, k = self._times, self.rate
		window = times[bisect_right(times, moment, key=_second_later) : bisect_left(times, moment + 1.0)]
		for i in range(len(window) - k + 1):
			first, last = window[i], window[i + k - 1]
			if max(last, moment) < min(first, moment) + 1.0:
				return first + 1.0
		return None

	def reserve(self, recipient: str, now: float) -> float:
		"""The earliest time, not before `now`, at which a message to `recipient` may go; the time is
		booked, so the next call sees it."""
		self._clock = max(self._clock, now)
		del self._times[: bisect_right(self._times, self._clock, key=_second_later)]
		moment = max(self._clock, self._last.get(recipient, float("-inf")) + self.gap)
		while (later := self._crowded_until(moment)) is not None:
			moment = later
		insort(self._times, moment)
		self._last[recipient] = moment
		if len(self._last) > self._forget_at:  # a recipient whose gap has passed needs no memory
			self._last = {r: t for r, t in self._last.items() if t + self.gap > self._clock}
			self._forget_at = max(10_000, 2 * len(self._last))
		return moment


def _most_in_window(times: list[float], window: float) -> int:
	times = sorted(times)
	most, start = 0, 0
	for end, moment in enumerate(times):
		while times[start] + window <= moment:
			start += 1
		most = max(most, end - start + 1)
	return most


def max_burst(sends: list[tuple[float, str]], window: float = 6.0) -> int:
	"""The most messages sent to any one person within `window` seconds (a half-open window: two
	messages exactly `window` apart are not in the same one). 1 means the pair rate was kept."""
	by_recipient: dict[str, list[float]] = {}
	for moment, recipient in sends:
		by_recipient.setdefault(recipient, []).append(moment)
	return max((_most_in_window(times, window) for times in by_recipient.values()), default=0)


def peak_rate(sends: list[tuple[float, str]], window: float = 1.0) -> int:
	"""The most messages sent, to anyone, within `window` seconds."""
	return _most_in_window([moment for moment, _ in sends], window)
