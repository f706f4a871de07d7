"""Customer.validate: stamp when consent was given, and forget it when withdrawn."""

from frappe.utils import now_datetime

CHANNELS = ("whatsapp", "sms", "email")


def validate(doc, method=None):
	for channel in CHANNELS:
		opted_in = doc.get(f"jc_{channel}_opt_in")
		if opted_in and not doc.get(f"jc_{channel}_opt_in_on"):
			doc.set(f"jc_{channel}_opt_in_on", now_datetime())
			if not doc.get(f"jc_{channel}_opt_in_via"):
				doc.set(f"jc_{channel}_opt_in_via", "In store")
		elif not opted_in:
			doc.set(f"jc_{channel}_opt_in_on", None)
			doc.set(f"jc_{channel}_opt_in_via", None)
