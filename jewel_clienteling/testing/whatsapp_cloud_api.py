"""What Meta's WhatsApp Cloud API checks and answers, for the local stand-in
(jewel_clienteling/testing/whatsapp_server.py): what is wrong with a send request's body, as Meta
would name it, and Meta's error object."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

TITLES = {
	100: "Invalid parameter",
	130429: "Rate limit hit",
	131000: "Something went wrong",
	131016: "Service unavailable",
	131026: "Message undeliverable",
	131047: "Re-engagement message",
	131048: "Spam rate limit hit",
	131049: "This message was not delivered to maintain healthy ecosystem engagement.",
	131056: "(Business Account, Consumer Account) pair rate limit hit",
}
MESSAGE_TYPES = ("text", "template")


def error_body(code: int, message: str | None = None, details: str | None = None) -> dict:
	"""Meta's error object: {"error": {"message": "(#code) title", "type", "code", "error_data", ...}}."""
	title = message or TITLES.get(code, "Error")
	return {
		"error": {
			"message": f"(#{code}) {title}",
			"type": "OAuthException",
			"code": code,
			"error_data": {"messaging_product": "whatsapp", "details": details or title},
			"fbtrace_id": "A" + uuid.uuid4().hex[:22],
		}
	}


def digits(phone: object) -> str:
	return re.sub(r"[^0-9]", "", phone) if isinstance(phone, str) else ""


@dataclass
class Fault:
	http_status: int
	code: int | None
	message: str | None = None
	details: str | None = None
	body: str | None = None  # sent as it is, as an HTML page, instead of Meta's JSON
	times: int | None = None  # None: for ever

	def response(self) -> tuple[int, bytes, str]:
		if self.body is not None:
			return self.http_status, self.body.encode("utf-8"), "text/html; charset=utf-8"
		payload = error_body(self.code, self.message, self.details) if self.code is not None else {}
		return self.http_status, json.dumps(payload).encode("utf-8"), "application/json"


def body_problem(body: object) -> str | None:
	"""What is wrong with a send request's body, as Meta would name it; None when it is fine."""
	if not isinstance(body, dict):
		return "The request body is not a JSON object"
	if body.get("messaging_product") != "whatsapp":
		return "messaging_product is required and must be whatsapp"
	if not digits(body.get("to")) or not re.fullmatch(r"\+?[0-9]+", str(body.get("to"))):
		return "to is required and must be a phone number"
	if body.get("recipient_type", "individual") != "individual":
		return "recipient_type must be individual"
	kind = body.get("type")
	if kind not in MESSAGE_TYPES:
		return f"type must be one of {', '.join(MESSAGE_TYPES)}"
	part = body.get(kind)
	if not isinstance(part, dict):
		return f"{kind} is required for type {kind}"
	if kind == "text":
		text = part.get("body")
		if not isinstance(text, str) or not text.strip():
			return "text.body is required"
		if len(text) > 4096:
			return "text.body is longer than 4096 characters"
		return None
	if not isinstance(part.get("name"), str) or not part["name"]:
		return "template.name is required"
	language = part.get("language")
	if not isinstance(language, dict) or not isinstance(language.get("code"), str) or not language["code"]:
		return "template.language.code is required"
	components = part.get("components", [])
	if not isinstance(components, list):
		return "template.components must be a list"
	for component in components:
		parameters = component.get("parameters", []) if isinstance(component, dict) else None
		if not isinstance(parameters, list) or not all(isinstance(p, dict) for p in parameters):
			return "template.components must be components with a list of parameters"
		for parameter in parameters:
			text = parameter.get("text")
			if parameter.get("type") == "text" and not (isinstance(text, str) and text.strip()):
				return "template.components text parameters need a text"
	return None


def json_answer(status: int, payload: dict) -> tuple[int, bytes, str]:
	return status, json.dumps(payload).encode("utf-8"), "application/json"
