"""Her erasure reaches Frappe's own logs: her customer ID, name and numbers in Error Logs and SMS
Logs are replaced by a mark (services/privacy)."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Replace

ERASED = "[erased]"


def scrub_error_logs(texts: list[str]) -> int:
	"""Error Logs name her (customer ID, name) or her number in titles and tracebacks."""
	log = DocType("Error Log")
	touched = set()
	for text in texts:
		pattern = f"%{_escape_like(text)}%"
		matches = frappe.get_all(
			"Error Log", or_filters={"method": ["like", pattern], "error": ["like", pattern]}, pluck="name"
		)
		if not matches:
			continue
		touched.update(matches)
		(
			frappe.qb.update(log)
			.set(log.method, Replace(log.method, text, ERASED))
			.set(log.error, Replace(log.error, text, ERASED))
			.where(log.name.isin(matches))
			.run()
		)
	return len(touched)


def scrub_sms_log(phones: list[str]) -> int:
	if not frappe.db.table_exists("SMS Log"):
		return 0
	sms = DocType("SMS Log")
	touched = set()
	for phone in phones:
		pattern = f"%{_escape_like(phone)}%"
		matches = frappe.get_all(
			"SMS Log",
			or_filters={"requested_numbers": ["like", pattern], "sent_to": ["like", pattern]},
			pluck="name",
		)
		if not matches:
			continue
		touched.update(matches)
		(
			frappe.qb.update(sms)
			.set(sms.message, ERASED)
			.set(sms.requested_numbers, Replace(sms.requested_numbers, phone, ERASED))
			.set(sms.sent_to, Replace(sms.sent_to, phone, ERASED))
			.where(sms.name.isin(matches))
			.run()
		)
	return len(touched)


def _escape_like(text: str) -> str:
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
