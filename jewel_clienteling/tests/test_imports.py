"""A jeweller's sheets of occasions, preferences and notes brought in through Frappe's own Data
Import on a real site: good rows land on the customer found by her mobile however it was typed (or
by her ID), each bad row is refused with its reason in the import log and leaves nothing, and the
same sheet imported again adds nothing."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import cint, getdate

from jewel_clienteling.tests import sheets
from jewel_clienteling.tests.test_walk_ins import unique_mobile

OCCASION_COLUMNS = [
	"Customer",
	"Customer Name",
	"Mobile",
	"Occasion",
	"Whose Occasion",
	"Relation to Customer",
	"Date",
	"Notes",
]
PREFERENCE_COLUMNS = ["Customer", "Mobile", "Dimension", "For", "Value", "Notes"]
NOTE_COLUMNS = ["Customer", "Mobile", "Type", "Life Event", "Whose", "Relation to Customer", "When", "Note"]


def spaced(mobile: str) -> str:
	return f"+91 {mobile[:5]} {mobile[5:]}"


class TestImportSheets(FrappeTestCase):
	def assert_refused(self, log: dict, row: int, words: str) -> None:
		self.assertFalse(log[row].success, f"row {row} should have been refused")
		self.assertIn(words, log[row].text, f"row {row}'s message")

	def assert_landed(self, log: dict, rows: range | list) -> None:
		for row in rows:
			self.assertTrue(log[row].success, f"row {row} should have landed: {log[row].text}")

	def test_occasions_find_her_by_mobile_however_typed_refuse_bad_rows_and_never_twice(self):
		priya_mobile, anjali_mobile, nobody = unique_mobile(), unique_mobile(), unique_mobile()
		priya = sheets.customer_with_mobile(self, spaced(priya_mobile))
		anjali = sheets.customer_with_mobile(self, anjali_mobile)
		meera = sheets.customer_with_mobile(self, unique_mobile())
		p = priya_mobile
		sheet = sheets.csv_text(
			OCCASION_COLUMNS,
			[
				["", "Priya", f"0{p[:5]}-{p[5:]}", "Birthday", "", "Self", "14-02", "Likes rose gold"],  # 2
				["", "", f"(+91) {p[:5]} {p[5:]}", "Anniversary", "", "Self", "23/11/2009", ""],  # 3
				[meera, "", "", "Child's Birthday", "Ananya", "Daughter", "3 Mar 2015", ""],  # 4
				["", "", f"+91{anjali_mobile}", "Birthday", " Imran  Khan", "Spouse", "17 Aug", ""],  # 5
				["", "", nobody, "Birthday", "", "Self", "01-01", ""],  # 6: nobody has it
				["", "", p, "Birthday", "Riya", "Daughter", "31-02", ""],  # 7: no such day
				["", "", p, "Wedding", "", "Self", "14-02-88", ""],  # 8: which century?
				["", "", "12345", "Birthday", "", "Self", "01-01", ""],  # 9: not a number
				[meera, "", "", "Birthday", "", "Self", "", ""],  # 10: no date
				["", "", "", "Birthday", "", "Self", "01-01", ""],  # 11: no one
				["", "", f"+91 {p}", "Birthday", "", "Self", "14/2", "again"],  # 12: row 2 again
			],
		)
		status, log = sheets.run_import(self, "Occasion", sheet)

		self.assertEqual(status, "Partial Success")
		self.assert_landed(log, [2, 3, 4, 5, 12])
		self.assert_refused(log, 6, f"No customer has the mobile number {nobody}")
		self.assert_refused(log, 7, "31-02: February has no day 31.")
		self.assert_refused(log, 8, "14-02-88: write the year in full")
		self.assert_refused(log, 9, "12345 is not a mobile number we can read.")
		self.assert_refused(log, 10, "Give the date of the occasion")
		self.assert_refused(log, 11, "Give the customer's ID or mobile number.")
		# the same occasion typed another way is the one already there, untouched
		self.assertEqual(log[12].docname, log[2].docname)
		self.assertEqual(frappe.db.get_value("Occasion", log[2].docname, "notes"), "Likes rose gold")

		fields = ["customer", "occasion_type", "person_name", "relation", "day", "month", "year"]
		landed = {
			row: tuple(frappe.db.get_value("Occasion", log[row].docname, fields)) for row in (2, 3, 4, 5)
		}
		landed = {
			row: (*values[:4], cint(values[4]), cint(values[5]), cint(values[6]))
			for row, values in landed.items()
		}
		self.assertEqual(
			landed,
			{
				2: (priya, "Birthday", "", "Self", 14, 2, 0),
				3: (priya, "Anniversary", "", "Self", 23, 11, 2009),
				4: (meera, "Child's Birthday", "Ananya", "Daughter", 3, 3, 2015),
				5: (anjali, "Birthday", "Imran Khan", "Spouse", 17, 8, 0),
			},
		)
		# a refused row left nothing: each customer has only the occasions that landed
		before = {who: sheets.records("Occasion", who) for who in (priya, anjali, meera)}
		self.assertEqual(before[priya], sorted([log[2].docname, log[3].docname]))
		self.assertEqual(before[meera], [log[4].docname])
		self.assertEqual(before[anjali], [log[5].docname])

		again_status, again = sheets.run_import(self, "Occasion", sheet)
		self.assertEqual(again_status, "Partial Success")
		self.assertEqual(
			{row: again[row].docname for row in (2, 3, 4, 5, 12)},
			{row: log[row].docname for row in (2, 3, 4, 5, 12)},
		)
		self.assertEqual(
			{row: again[row].text for row in range(6, 12)}, {row: log[row].text for row in range(6, 12)}
		)
		self.assertEqual({who: sheets.records("Occasion", who) for who in (priya, anjali, meera)}, before)

	def test_preferences_claim_what_purchases_suggested_and_refuse_another_size(self):
		mobile = unique_mobile()
		kavya = sheets.customer_with_mobile(self, mobile)
		suggested = frappe.get_doc(
			{
				"doctype": "Preference",
				"customer": kavya,
				"dimension": "Metal",
				"value": "Platinum",
				"source": "Inferred",
				"score": 1.5,
			}
		).insert(ignore_permissions=True)
		sheets.commit()
		typed = f"0{mobile[:5]} {mobile[5:]}"
		sheet = sheets.csv_text(
			PREFERENCE_COLUMNS,
			[
				["", typed, "Ring Size", "Right ring finger", "12", ""],  # 2
				["", typed, "Metal", "", "platinum", "Told us at the wedding fair"],  # 3: she says so
				[kavya, "", "Stone", "", "Polki", ""],  # 4
				["", spaced(mobile), "Ring Size", "right ring finger", "14", ""],  # 5: another size
				["", typed, "Metal", "", "", ""],  # 6: says nothing
				["", mobile, "Stone", "", " polki ", ""],  # 7: row 4 again
			],
		)
		status, log = sheets.run_import(self, "Preference", sheet)

		self.assertEqual(status, "Partial Success")
		self.assert_landed(log, [2, 3, 4, 7])
		self.assert_refused(log, 5, "Ring Size (right ring finger) is already recorded as 12, not 14")
		self.assert_refused(log, 6, "Say what the customer prefers")
		self.assertEqual(log[3].docname, suggested.name)
		self.assertEqual(log[7].docname, log[4].docname)
		rows = {
			row.name: (row.dimension, row.qualifier, row.value, row.source)
			for row in frappe.get_all(
				"Preference",
				filters={"customer": kavya},
				fields=["name", "dimension", "qualifier", "value", "source"],
			)
		}
		self.assertEqual(
			rows,
			{
				log[2].docname: ("Ring Size", "Right ring finger", "12", "Stated"),
				suggested.name: ("Metal", "", "platinum", "Stated"),
				log[4].docname: ("Stone", "", "Polki", "Stated"),
			},
		)
		self.assertEqual(
			frappe.db.get_value("Preference", suggested.name, "notes"), "Told us at the wedding fair"
		)

		_status, again = sheets.run_import(self, "Preference", sheet)
		self.assertEqual(
			{row: again[row].docname for row in (2, 3, 4, 7)}, {row: log[row].docname for row in (2, 3, 4, 7)}
		)
		self.assertEqual(sorted(rows), sheets.records("Preference", kavya))

	def test_notes_and_life_events_land_once_with_their_year(self):
		mobile = unique_mobile()
		anjali = sheets.customer_with_mobile(self, spaced(mobile))
		sheet = sheets.csv_text(
			NOTE_COLUMNS,
			[
				["", mobile, "Note", "", "", "", "", "Prefers to be called after 6 pm"],  # 2
				[
					"",
					f"0{mobile}",
					"",
					"Engagement",
					"Ananya",
					"Daughter",
					"12-01-2026",
					"Ananya got engaged",
				],  # 3
				["", mobile, "Life Event", "New Baby", "Aarav", "Grandchild", "05-09", "First grandson"],  # 4
				[anjali, "", "Note", "", "", "", "", "   "],  # 5: nothing written
				[
					"",
					spaced(mobile),
					"Life Event",
					"Engagement",
					"Ananya",
					"Daughter",
					"12 Jan 2026",
					"Ananya got engaged",
				],  # 6
			],
		)
		status, log = sheets.run_import(self, "Customer Note", sheet)

		self.assertEqual(status, "Partial Success")
		self.assert_landed(log, [2, 3, 6])
		self.assert_refused(log, 4, "05-09: give the year too")
		self.assert_refused(log, 5, "Write the note before saving it.")
		self.assertEqual(log[6].docname, log[3].docname)
		event = frappe.db.get_value(
			"Customer Note",
			log[3].docname,
			["customer", "note_type", "event_type", "person_name", "relation", "event_date"],
			as_dict=True,
		)
		self.assertEqual(
			event,
			{
				"customer": anjali,
				"note_type": "Life Event",
				"event_type": "Engagement",
				"person_name": "Ananya",
				"relation": "Daughter",
				"event_date": getdate("2026-01-12"),
			},
		)
		notes = sheets.records("Customer Note", anjali)
		self.assertEqual(notes, sorted([log[2].docname, log[3].docname]))

		_status, again = sheets.run_import(self, "Customer Note", sheet)
		self.assertEqual(
			{row: again[row].docname for row in (2, 3, 6)}, {row: log[row].docname for row in (2, 3, 6)}
		)
		self.assertEqual(sheets.records("Customer Note", anjali), notes)

	def test_a_misspelt_choice_or_unknown_id_holds_the_sheet_back_before_any_row(self):
		"""Frappe's own checks of choices and links, as the README says: nothing is imported, the
		good row included, and the rows are named."""
		mobile = unique_mobile()
		priya = sheets.customer_with_mobile(self, mobile)
		sheet = sheets.csv_text(
			OCCASION_COLUMNS,
			[
				["", mobile, "", "Birthday", "", "Self", "14-02", ""],  # 2: good
				["", mobile, "", "Bday", "", "Self", "15-02", ""],  # 3
				["No Such Customer", "", "", "Birthday", "", "Self", "16-02", ""],  # 4
			],
		)
		warnings, _log = sheets.run_import(self, "Occasion", sheet, held_back=True)
		by_row = {
			warning["row"]: warning["message"] for warning in json.loads(warnings) if warning.get("row")
		}
		self.assertIn("Value must be one of", by_row[3])
		self.assertIn("No Such Customer", by_row[4])
		self.assertNotIn(2, by_row)
		self.assertEqual(sheets.records("Occasion", priya), [])

	def test_a_family_sharing_a_phone_is_told_apart_by_name_and_an_erased_customer_gets_nothing(self):
		mobile = unique_mobile()
		mother = sheets.customer_with_mobile(self, mobile)
		daughter = sheets.customer_with_mobile(self, spaced(mobile))
		erased = sheets.customer_with_mobile(self, unique_mobile())
		frappe.db.set_value(
			"Customer", erased, {"jc_erased_on": frappe.utils.now_datetime(), "jc_do_not_contact": 1}
		)
		sheets.commit()
		columns = ["Customer", "Customer Name", "Mobile", "Note"]
		sheet = sheets.csv_text(
			columns,
			[
				["", daughter, f"0{mobile}", "Wants a nose pin for her graduation"],  # 2
				["", "", mobile, "Asked about gold rates"],  # 3: which of them?
				[erased, "", "", "Came in for a ring cleaning"],  # 4
			],
		)
		_status, log = sheets.run_import(self, "Customer Note", sheet)

		self.assert_landed(log, [2])
		self.assertEqual(frappe.db.get_value("Customer Note", log[2].docname, "customer"), daughter)
		self.assert_refused(log, 3, "2 customers share the mobile number")
		self.assertIn(mother, log[3].text)
		self.assert_refused(log, 4, "was erased on request")
		self.assertEqual(
			{who: sheets.records("Customer Note", who) for who in (mother, daughter, erased)},
			{mother: [], daughter: [log[2].docname], erased: []},
		)
