"""The WhatsApp webhook: the app's only guest endpoint.

GET is Meta's verify-token handshake. POST is accepted only with a valid `X-Hub-Signature-256` over
the raw body (HMAC-SHA256 with the app secret, compared in constant time); anything else is a 403
before a single byte is acted on. A signed body is stored once and answered at once; jobs apply it
(services/webhook_intake.py). The rate limit per address follows the configured send pace: a campaign
brings up to three callbacks a second for each message it sends a second.
"""

import hmac
import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from werkzeug.wrappers import Response

from jewel_clienteling.domain import incoming
from jewel_clienteling.services import webhook_intake, whatsapp


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=webhook_intake.requests_per_minute, seconds=60)
def inbound() -> Response | dict:
	config = whatsapp.settings()
	if frappe.request.method == "GET":
		return _handshake(config)
	raw = frappe.request.get_data(cache=True) or b""
	if not incoming.signature_is_valid(
		whatsapp.app_secret(config), raw, frappe.get_request_header("X-Hub-Signature-256")
	):
		raise frappe.PermissionError(_("This request is not signed by Meta."))
	try:
		payload = json.loads(raw)
	except ValueError:
		frappe.throw(_("The webhook body is not JSON."), frappe.ValidationError)
	if not isinstance(payload, dict):
		frappe.throw(_("The webhook body is not a WhatsApp notification."), frappe.ValidationError)
	return webhook_intake.receive(raw, payload)


def _handshake(config) -> Response:
	expected = config.get_password("verify_token", raise_exception=False) or ""
	args = frappe.request.args
	given = args.get("hub.verify_token") or ""
	if (
		args.get("hub.mode") != "subscribe"
		or not expected
		or not hmac.compare_digest(given.encode(), expected.encode())
	):
		return Response(_("Verify token does not match"), status=403, mimetype="text/plain")
	return Response(args.get("hub.challenge") or "", status=200, mimetype="text/plain")
