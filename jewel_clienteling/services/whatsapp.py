"""Sending the outreach queue through the WhatsApp Cloud API, and taking in what Meta tells us back.

A drain job claims due WhatsApp outreach a page at a time (a claim is one UPDATE, so two workers
never send the same row), paces itself through Redis (messages per second per number, and a gap
between two messages to one customer, shared by every worker), sends, and records the result on the
outreach: the message id, or Meta's error with a retry time chosen by its class. No HTTP call ever
runs inside a sale: the queue is filled by the planner and drained by jobs.
"""

import json
import time

import frappe
import requests
from frappe import _
from frappe.utils import cint, flt, get_datetime, now_datetime
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from jewel_clienteling.domain import incoming
from jewel_clienteling.domain import messaging as rules
from jewel_clienteling.domain import outreach as outreach_rules
from jewel_clienteling.domain import rendering as text
from jewel_clienteling.services import claims, shared_number
from jewel_clienteling.services.rendering import log_broken

# the error code kept on a row whose free text met her closed window: it goes again as a template
WINDOW_CLOSED = str(rules.WINDOW_CLOSED_CODE)
SETTINGS = "Clienteling WhatsApp Settings"
OUTREACH = claims.OUTREACH
PAGE = 200
CHANNEL = "WhatsApp"


def settings():
	return frappe.get_cached_doc(SETTINGS)


_SECRETS: dict[tuple[str, str], str] = {}


def app_secret(config=None) -> str:
	"""The app secret that signs Meta's webhooks, decrypted once per web process and settings version
	(every callback needs it; reading it is a query of its own)."""
	config = config or settings()
	key = (frappe.local.site, str(config.modified))
	if key not in _SECRETS:
		_SECRETS.clear()  # an older version of the settings is never read again
		_SECRETS[key] = config.get_password("app_secret", raise_exception=False) or ""
	return _SECRETS[key]


def is_enabled() -> bool:
	doc = settings()
	return bool(cint(doc.enabled) and (shared_number.account(doc) or doc.phone_number_id))


def line(config) -> shared_number.Line:
	"""Where this drain sends: frappe_whatsapp's account when the store shares its number, else our
	own settings. Read once per drain (kept on the drain's own settings doc)."""
	if "jc_line" not in config.flags:
		name = shared_number.account(config)
		config.flags.jc_line = (
			shared_number.account_line(name)
			if name
			else shared_number.Line(
				url=messages_url(config),
				token=config.get_password("access_token", raise_exception=False) or "",
				phone_id=config.phone_number_id,
			)
		)
	return config.flags.jc_line


def messages_url(doc=None) -> str:
	doc = doc or settings()
	base = (doc.graph_url or "https://graph.facebook.com").rstrip("/")
	return f"{base}/{doc.api_version or 'v21.0'}/{doc.phone_number_id}/messages"


def http_session() -> requests.Session:
	"""Retries only what never reached Meta (a refused connection); everything else is classified
	and retried by the queue, so a message is never sent twice by the transport."""
	session = requests.Session()
	retry = Retry(total=2, connect=2, read=0, status=0, other=0, backoff_factor=0.2, allowed_methods=None)
	session.mount("http://", HTTPAdapter(max_retries=retry))
	session.mount("https://", HTTPAdapter(max_retries=retry))
	return session


# --- templates ------------------------------------------------------------------------------------


def approved_templates() -> dict[tuple[str, str], frappe._dict]:
	"""(reason, step) → template; a template with no step answers every step of its reason."""
	rows = frappe.get_all(
		"Clienteling WhatsApp Template",
		filters={"enabled": 1},
		fields=["name", "template_name", "language", "category", "reason", "step"],
	)
	return {(row.reason, row.step or ""): row for row in rows}


def sending_reasons(templates: dict) -> list[str]:
	"""The reasons the drain sends by itself: those with an approved template, and the answers to her
	own message, which go as free text in her 24-hour window (outreach.REPLIES)."""
	return sorted({reason for reason, _step in templates} | set(outreach_rules.REPLIES))


def template_for(templates: dict, reason: str, step: str):
	return templates.get((reason, step or "")) or templates.get((reason, ""))


def named_template(row):
	"""The template the outreach itself names (a campaign chooses its own), when it is enabled."""
	wanted = (json.loads(row.context) if row.context else {}).get("whatsapp_template")
	if not wanted:
		return None
	return frappe.db.get_value(
		"Clienteling WhatsApp Template",
		{"name": wanted, "enabled": 1},
		["name", "template_name", "language", "category", "reason", "step"],
		as_dict=True,
	)


def _parameters_of(template_name: str, config) -> list[str]:
	"""A template's parameter sources, read once per drain (kept on the drain's own settings doc)."""
	cache = config.flags.setdefault("jc_parameters", {})
	if template_name not in cache:
		cache[template_name] = template_parameters(template_name)
	return cache[template_name]


def template_parameters(template_name: str) -> list[str]:
	return frappe.get_all(
		"Clienteling WhatsApp Template Parameter",
		filters={"parent": template_name, "parenttype": "Clienteling WhatsApp Template"},
		pluck="source",
		order_by="idx",
	)


def parameter_values(sources: list[str], row, broken: set | None = None, template: str = "") -> list[str]:
	"""Each parameter's words, from the outreach's drafting details (or, for a variable it lacks, the
	row's own field of that name), rendered in the message sandbox. A parameter that is refused or
	fails is left empty (so the message is refused before sending) and logged once per `broken`."""
	context = json.loads(row.context) if row.context else {}
	variables = {name: row.get(name) for name in text.NAMES if row.get(name) not in (None, "")}
	variables.update({name: value for name, value in context.items() if value not in (None, "")})
	values = []
	for position, source in enumerate(sources, start=1):
		try:
			values.append(text.parameter_text(source, variables))
		except text.RenderFailed as error:
			key = (template, position)
			if broken is None or key not in broken:
				log_broken("WhatsApp template", f"{template} parameter {position}", error)
				if broken is not None:
					broken.add(key)
			values.append("")
	return values


# --- pacing shared by every worker ---------------------------------------------------------------


# Reserve the next send time of the number, spaced 1/rate apart, in one atomic step shared by every
# worker: no sliding second ever holds more than `rate` sends (a per-second counter allows twice
# that across a second's boundary).
_NEXT_SLOT = """
local now = tonumber(ARGV[1])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[2])), 'PX', 60000)
return tostring(slot)
"""


def wait_for_slot(number_id: str, per_second: int) -> None:
	"""Block until this worker's reserved moment under the number's pace has come."""
	# 1% under the pace: a few milliseconds of network jitter must not put one send too many into
	# a second as Meta counts it
	interval = 1.01 / max(per_second, 1)
	key = frappe.cache.make_key(f"jc:wa:pace:{number_id}")
	slot = float(frappe.cache.eval(_NEXT_SLOT, 1, key, repr(time.time()), repr(interval)))
	delay = slot - time.time()
	if delay > 0:
		time.sleep(delay)


def recipient_is_free(phone: str, gap_seconds: float) -> bool:
	"""Take the recipient for `gap_seconds` if nobody sent to her within it."""
	key = frappe.cache.make_key(f"jc:wa:to:{phone}")
	# make_key gives the site's own key; SET NX PX takes her atomically, which set_value cannot
	# nosemgrep: frappe-semgrep-rules.rules.frappe-cache-breaks-multitenancy
	return bool(frappe.cache.set(key, 1, nx=True, px=max(int(gap_seconds * 1000), 1)))


# --- the drain ----------------------------------------------------------------------------------


def drain(max_seconds: float = 50, page: int = PAGE, after_send=None) -> dict:
	"""Send what is due until nothing is, or `max_seconds` have passed. Safe in parallel.
	`after_send(row)` runs after each message's result is committed (the crash test uses it)."""
	result = {"sent": 0, "failed": 0, "retrying": 0, "skipped": 0, "deferred": 0}
	if not is_enabled():
		return result
	config = frappe.get_doc(SETTINGS)  # the drain's own copy: it keeps the token and parameters read
	templates = approved_templates()
	reasons = sending_reasons(templates)
	token = frappe.generate_hash(length=16)
	session = http_session()
	started = time.monotonic()
	while time.monotonic() - started < max_seconds:
		rows = claims.claim(token, now_datetime(), CHANNEL, reasons, page)
		if not rows:
			break
		for row in rows:
			outcome = send_one(row, config, templates, session)
			result[outcome] += 1
			# a background drain: each message's result is committed the moment it is known
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			if after_send:
				after_send(row)
	return result


def send_one(row, config, templates, session) -> str:
	"""Send one outreach and record what happened: sent, retrying, failed, skipped or deferred."""
	customer = claims.customer_consent(row.customer)
	if not claims.may_send(row, customer):
		return claims.finish(row, "Skipped", _("No WhatsApp consent when it was time to send."))
	held = claims.hold_if_crowded(row, customer)
	if held:
		return held
	try:
		to = rules.recipient_digits(row.phone or "")
		in_window = incoming.window_open(
			get_datetime(customer.jc_whatsapp_last_inbound) if customer.jc_whatsapp_last_inbound else None,
			now_datetime(),
		)
		if row.reason in outreach_rules.REPLIES and not (in_window and row.error_code != WINDOW_CLOSED):
			# an answer to her message goes in her window or not at all (no template says it)
			return claims.finish(
				row, "Skipped", _("The customer's 24-hour window closed before it was sent.")
			)
		if in_window and row.message and row.error_code != WINDOW_CLOSED:
			payload = rules.build_text_payload(to, row.message)
		else:
			template = named_template(row) or template_for(templates, row.reason, row.step)
			if not template:
				# no approved template for this step: look again in an hour (a manager may map one)
				return claims.release(row, "deferred", seconds=3600)
			payload = rules.build_template_payload(
				to,
				template.template_name,
				template.language,
				parameter_values(
					_parameters_of(template.name, config),
					row,
					config.flags.setdefault("jc_broken", set()),
					template.name,
				),
			)
	except rules.MessagingError as error:
		return claims.finish(row, "Failed", _("Not sendable: {0}").format(error), code=error.reason)
	if not recipient_is_free(to, flt(config.recipient_gap_seconds) or 6):
		return claims.release(row, "deferred", seconds=flt(config.recipient_gap_seconds) or 6)
	sender = line(config)
	wait_for_slot(sender.phone_id, cint(config.messages_per_second) or rules.DEFAULT_MESSAGES_PER_SECOND)
	response = _post(session, config, payload)
	attempts = cint(row.attempts) + 1
	if response.ok:
		outcome = claims.sent(row, attempts, wa_message_id=response.message_id)
		if sender.account:
			shared_number.record_sent(row, payload, response.message_id, sender.account)
		return outcome
	outcome = response.outcome
	if outcome.reason != "pair_rate":
		frappe.cache.delete(frappe.cache.make_key(f"jc:wa:to:{to}"))  # nothing reached her
	text = f"({response.error_code}) {response.error_title or response.error_message or ''}".strip()
	if outcome.retry and not rules.should_give_up(outcome, attempts, cint(config.max_attempts) or 6):
		code = str(response.error_code or response.http_status or "timeout")
		return claims.retry_later(row, attempts, rules.retry_delay(outcome, attempts), code, text)
	if outcome.needs_template and row.error_code != WINDOW_CLOSED:
		return claims.retry_later(row, attempts, 0, WINDOW_CLOSED, text)  # at once, as a template
	return claims.finish(
		row, "Failed", text, code=str(response.error_code or response.http_status or ""), attempts=attempts
	)


def _post(session, config, payload) -> rules.SendResult:
	sender = line(config)
	try:
		reply = session.post(
			sender.url,
			json=payload,
			headers={"Authorization": f"Bearer {sender.token}"},
			timeout=cint(config.timeout_seconds) or 10,
		)
	except requests.RequestException:
		return rules.parse_send_response(None, b"")
	return rules.parse_send_response(reply.status_code, reply.content)


def send_now(payload: dict) -> rules.SendResult:
	"""One message sent at once, for an associate answering from the desk (she waits for Meta's word)."""
	config = frappe.get_doc(SETTINGS)
	sender = line(config)  # frappe_whatsapp's account when the store shares its number
	wait_for_slot(sender.phone_id, cint(config.messages_per_second) or rules.DEFAULT_MESSAGES_PER_SECOND)
	return _post(http_session(), config, payload)
