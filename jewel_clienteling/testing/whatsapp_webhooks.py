"""Webhook bodies as Meta sends them back to the shop (statuses, her replies), and how Meta signs them
with the app secret: for tests of our webhook, next to the Cloud API stand-in
(jewel_clienteling/testing/whatsapp_server.py)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime

from jewel_clienteling.domain.incoming import sign
from jewel_clienteling.testing.whatsapp_cloud_api import digits

DISPLAY_PHONE_NUMBER = "15550001234"
BUSINESS_ACCOUNT_ID = "102290129340398"


def _unix(timestamp: datetime | float | None) -> str:
	if timestamp is None:
		return str(int(time.time()))
	if isinstance(timestamp, datetime):
		return str(int(timestamp.timestamp()))
	return str(int(timestamp))


def _envelope(value: dict, phone_number_id: str) -> dict:
	metadata = {"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": phone_number_id}
	return {
		"object": "whatsapp_business_account",
		"entry": [
			{
				"id": BUSINESS_ACCOUNT_ID,
				"changes": [
					{
						"value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
						"field": "messages",
					}
				],
			}
		],
	}


def status_payload(
	message_id: str,
	status: str,
	recipient: str,
	timestamp: datetime | float | None = None,
	error: tuple[int, str] | None = None,
	phone_number_id: str = "123",
	category: str = "marketing",
) -> dict:
	"""Meta telling us a message we sent was sent, delivered, read or failed (`error` = (code, title))."""
	event: dict = {
		"id": message_id,
		"status": status,
		"timestamp": _unix(timestamp),
		"recipient_id": digits(recipient),
	}
	if status in ("sent", "delivered"):
		event["conversation"] = {"id": uuid.uuid4().hex, "origin": {"type": category}}
		event["pricing"] = {"billable": True, "pricing_model": "CBP", "category": category}
	if error is not None:
		code, title = error
		event["errors"] = [{"code": code, "title": title, "message": title, "error_data": {"details": title}}]
	return _envelope({"statuses": [event]}, phone_number_id)


def _inbound(
	from_phone: str, message: dict, message_id: str | None, name: str, timestamp, phone_number_id: str
) -> dict:
	sender = digits(from_phone)
	message = {
		"from": sender,
		"id": message_id or "wamid.HBgM" + uuid.uuid4().hex.upper(),
		"timestamp": _unix(timestamp),
		**message,
	}
	contacts = [{"profile": {"name": name}, "wa_id": sender}]
	return _envelope({"contacts": contacts, "messages": [message]}, phone_number_id)


def inbound_text_payload(
	from_phone: str,
	text: str,
	message_id: str | None = None,
	name: str = "",
	timestamp: datetime | float | None = None,
	phone_number_id: str = "123",
) -> dict:
	"""She typed a message to the shop."""
	message = {"type": "text", "text": {"body": text}}
	return _inbound(from_phone, message, message_id, name, timestamp, phone_number_id)


def inbound_button_payload(
	from_phone: str,
	text: str,
	payload: str | None = None,
	context_message_id: str | None = None,
	message_id: str | None = None,
	name: str = "",
	timestamp: datetime | float | None = None,
	phone_number_id: str = "123",
) -> dict:
	"""She tapped a quick-reply button on one of our templates (`context_message_id`)."""
	message: dict = {"type": "button", "button": {"text": text, "payload": payload or text}}
	if context_message_id:
		message["context"] = {"from": DISPLAY_PHONE_NUMBER, "id": context_message_id}
	return _inbound(from_phone, message, message_id, name, timestamp, phone_number_id)


def signed(app_secret: str, payload: dict) -> tuple[bytes, dict[str, str]]:
	"""The raw body and headers of Meta's POST to our webhook. Meta sends compact JSON with non-ASCII
	escaped (\\u0915), and signs exactly those bytes."""
	raw = json.dumps(payload, separators=(",", ":")).encode("ascii")
	return raw, {"X-Hub-Signature-256": sign(app_secret, raw), "Content-Type": "application/json"}
