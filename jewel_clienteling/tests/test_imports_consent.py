"""Consent per channel from a jeweller's sheet, through Frappe's own Data Import on a real site: a row
that changes her choice changes it on her Customer with the audit row the app keeps for every
change; a row that agrees with her choice is kept as history; a choice she made after the row's day
(a STOP sent on WhatsApp) stands; a bad row is refused with its reason and leaves nothing; the same
sheet imported again adds nothing. And the README's sample sheets import as they are."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, getdate, now_datetime, nowdate

from jewel_clienteling.services import imports, webhook
from jewel_clienteling.tests import sheets
from jewel_clienteling.tests.test_walk_ins import unique_mobile

CONSENT_COLUMNS = ["Customer", "Mobile", "Channel", "Consent", "When", "Via", "Evidence"]
CHANNELS = ("whatsapp", "sms", "email")
SAMPLE_MOBILES = ("9901142731", "9901142732", "9901142733", "9901142734", "9901142735")
SAMPLES = {
	"occasions.csv": "Occasion",
	"preferences.csv": "Preference",
	"notes.csv": "Customer Note",
	"consent.csv": "Consent Change",
}


def choices(customer: str) -> dict:
	fields = [f"jc_{channel}_opt_in{part}" for channel in CHANNELS for part in ("", "_on", "_via")]
	return frappe.db.get_value("Customer", customer, fields, as_dict=True)


def changes(customer: str) -> list[tuple]:
	return [
		(row.channel, row.opted_in, row.changed_on, row.via, row.evidence)
		for row in frappe.get_all(
			"Consent Change",
			filters={"customer": customer},
			fields=["channel", "opted_in", "changed_on", "via", "evidence"],
			order_by="changed_on, channel",
		)
	]


class TestConsentSheet(FrappeTestCase):
	def test_consent_rows_change_her_choice_only_when_newer_and_never_twice(self):
		asha_mobile, bina_mobile, chitra_mobile = unique_mobile(), unique_mobile(), unique_mobile()
		asha = sheets.customer_with_mobile(self, asha_mobile)
		bina = sheets.customer_with_mobile(self, bina_mobile, jc_whatsapp_opt_in=1)
		chitra = sheets.customer_with_mobile(self, f"+91 {chitra_mobile}")
		# last week... today, in fact: Bina sent STOP on WhatsApp
		webhook.change_consent(bina, False, "wamid.jc-import-stop", now_datetime())
		sheets.commit()
		bina_before, bina_changes = choices(bina), changes(bina)
		soon = add_days(nowdate(), 10)
		sheet = sheets.csv_text(
			CONSENT_COLUMNS,
			[
				["", f"0{asha_mobile}", "WhatsApp", "Yes", "01-03-2025", "paper form", ""],  # 2
				["", asha_mobile, "SMS", "No", "01-03-2025", "", ""],  # 3: she had not opted in
				["", bina_mobile, "WhatsApp", "Opted in", "10-01-2024", "In store", ""],  # 4: older than STOP
				[chitra, "", "Email", "Maybe", "05-05-2025", "", ""],  # 5
				[chitra, "", "Email", "Yes", "", "", ""],  # 6: when?
				[chitra, "", "Email", "Yes", "05-05-2025", "Carrier pigeon", ""],  # 7
				[chitra, "", "WhatsApp", "Yes", getdate(soon).strftime("%d-%m-%Y"), "", ""],  # 8
				["", chitra_mobile, "SMS", "opt-in", "14 Feb 2024", "", "Signed the Diwali register"],  # 9
				["", f"+91 {asha_mobile}", "WhatsApp", "y", "1/3/2025", "Paper Form", ""],  # 10: row 2 again
			],
		)
		status, log = sheets.run_import(self, "Consent Change", sheet)

		self.assertEqual(status, "Partial Success")
		for row in (2, 3, 9, 10):
			self.assertTrue(log[row].success, f"row {row}: {log[row].text}")
		for row, words in {
			4: "The newer choice stands; this row was not imported.",
			5: "Consent must say Yes or No (or Opted in / Opted out), not <strong>Maybe</strong>.",
			6: "Say when the customer gave or withdrew this consent",
			7: "Via must be one of In store, WhatsApp, SMS, Email, Website, Phone call, Paper form",
			8: "is a day still to come.",
		}.items():
			self.assertFalse(log[row].success, f"row {row} should have been refused")
			self.assertIn(words, log[row].text, f"row {row}'s message")
		self.assertEqual(log[10].docname, log[2].docname)

		imported = f"{imports.IMPORTED}: "
		march_first = get_datetime("2025-03-01 00:00:00")
		asha_changes = changes(asha)
		self.assertEqual(len(asha_changes), 2)
		self.assertEqual(asha_changes[0][:4], ("SMS", 0, march_first, "In store"))  # history only
		self.assertEqual(asha_changes[1][:4], ("WhatsApp", 1, march_first, "Paper form"))
		self.assertTrue(all(row[4].startswith(imported) for row in asha_changes), asha_changes)
		self.assertEqual(
			choices(asha),
			{
				"jc_whatsapp_opt_in": 1,
				"jc_whatsapp_opt_in_on": march_first,
				"jc_whatsapp_opt_in_via": "Paper form",
				"jc_sms_opt_in": 0,
				"jc_sms_opt_in_on": None,
				"jc_sms_opt_in_via": None,
				"jc_email_opt_in": 0,
				"jc_email_opt_in_on": None,
				"jc_email_opt_in_via": None,
			},
		)
		# her STOP stands: nothing of row 4 was kept
		self.assertEqual((choices(bina), changes(bina)), (bina_before, bina_changes))
		self.assertEqual(choices(bina).jc_whatsapp_opt_in, 0)
		# only row 9 of Chitra's landed
		valentine = get_datetime("2024-02-14 00:00:00")
		self.assertEqual(changes(chitra), [("SMS", 1, valentine, "In store", "Signed the Diwali register")])
		chitra_now = choices(chitra)
		self.assertEqual(
			(
				chitra_now.jc_sms_opt_in,
				chitra_now.jc_sms_opt_in_on,
				chitra_now.jc_email_opt_in,
				chitra_now.jc_whatsapp_opt_in,
			),
			(1, valentine, 0, 0),
		)

		before = {who: (choices(who), changes(who)) for who in (asha, bina, chitra)}
		_status, again = sheets.run_import(self, "Consent Change", sheet)
		self.assertEqual(
			{row: again[row].docname for row in (2, 3, 9, 10)},
			{row: log[row].docname for row in (2, 3, 9, 10)},
		)
		self.assertEqual({who: (choices(who), changes(who)) for who in (asha, bina, chitra)}, before)

	def test_the_readme_sample_sheets_import_as_they_are_and_once(self):
		taken = frappe.get_all("Customer", filters={"mobile_no": ("like", "%990114273%")}, pluck="name")
		self.assertFalse(taken, "the sample sheets' numbers must be free on the test site")
		customers = [
			sheets.customer_with_mobile(self, mobile if i % 2 else f"+91 {mobile[:5]} {mobile[5:]}")
			for i, mobile in enumerate(SAMPLE_MOBILES)
		]
		landed = {}
		for sample, doctype in SAMPLES.items():
			status, log = sheets.run_import(self, doctype, (sheets.SAMPLES / sample).read_text())
			self.assertEqual(status, "Success", {row: entry.text for row, entry in log.items()})
			landed[doctype] = sorted(entry.docname for entry in log.values())
		for doctype, names in landed.items():
			self.assertEqual(
				sorted(name for who in customers for name in sheets.records(doctype, who)), names, doctype
			)
		self.assertEqual(len(landed["Occasion"]), 6)
		priya = choices(customers[0])
		self.assertEqual((priya.jc_whatsapp_opt_in, priya.jc_sms_opt_in), (1, 0))
		self.assertEqual(choices(customers[3]).jc_whatsapp_opt_in, 0)

		for sample, doctype in SAMPLES.items():
			status, log = sheets.run_import(self, doctype, (sheets.SAMPLES / sample).read_text())
			self.assertEqual(status, "Success")
			self.assertEqual(sorted(entry.docname for entry in log.values()), landed[doctype])
			self.assertEqual(
				sorted(name for who in customers for name in sheets.records(doctype, who)), landed[doctype]
			)
