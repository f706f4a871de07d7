"""WhatsApp messages to her phone, by Meta's WhatsApp Cloud API, as pure rules: sending. What Meta's
webhook says back is domain/incoming.py; how fast the number may send, domain/pacing.py.

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

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

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
	'919812345678'). Pass a number already in international form (phones.normalise_phone's answer, or a
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
