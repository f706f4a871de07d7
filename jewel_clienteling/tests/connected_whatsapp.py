"""A test's WhatsApp number, connected to the local Cloud API stand-in for as long as the test runs:
only its own approved templates enabled (one per reason), sending as fast as the stand-in answers.
Everything is put back as it was when the test ends."""

import frappe

from jewel_clienteling.tests.utils import whatsapp_template

SETTINGS = "Clienteling WhatsApp Settings"
TEMPLATE = "Clienteling WhatsApp Template"


def connect_whatsapp(test, base_url: str, number_id: str, token: str, prefix: str, reasons) -> None:
	"""Connect the number `number_id` at `base_url` with templates `{prefix}_{n}` for `reasons`."""
	enabled = frappe.get_all(TEMPLATE, filters={"enabled": 1}, pluck="name")
	frappe.db.set_value(TEMPLATE, {"name": ("in", enabled or [""])}, "enabled", 0)
	ours = [whatsapp_template(f"{prefix}_{n}", reason, ["first_name"]) for n, reason in enumerate(reasons)]
	config = frappe.get_single(SETTINGS)
	config.update(
		{
			"enabled": 1,
			"phone_number_id": number_id,
			"graph_url": base_url,
			"access_token": token,
			"recipient_gap_seconds": 0.001,
			"messages_per_second": 80,
			"timeout_seconds": 2,
		}
	)
	config.save()
	frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
	# reason: the senders run in their own transactions

	def disconnect():
		frappe.db.set_single_value(SETTINGS, "enabled", 0)
		frappe.db.set_value(TEMPLATE, {"name": ("in", ours)}, "enabled", 0)
		frappe.db.set_value(TEMPLATE, {"name": ("in", enabled or [""])}, "enabled", 1)
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		# reason: put back as the test found it, committed as it was changed

	test.addCleanup(disconnect)
