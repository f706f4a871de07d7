"""Old gold exchange on a real site: what she brings is valued on the site (never as the form says),
booked as stock received at its value and set off against her sale, with the GL and Stock Ledger rows
an accountant reads, all reversed on cancel; within store limits; in her privacy export and erasure."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt, nowdate

from jewel_clienteling.domain.default_templates import TEMPLATES
from jewel_clienteling.domain.outreach import OLD_GOLD_OFFER as OFFER
from jewel_clienteling.services import privacy, segments
from jewel_clienteling.setup import old_gold as setup
from jewel_clienteling.setup import segments as seeds
from jewel_clienteling.tests import fixtures as fx

RING = "JC-RING-GLD-22K-PLK"
PLATINUM_RING = "JC-RING-PLT-950-DIA"
SEGMENT = "Old gold to exchange"
NECKLACE = "JC-NECK-GLD-22K-PLK"
# 10.123 g net of 22K at 7,250.50 a gram of pure gold: 9.272 g fine, 67,227 (domain/old_gold.py)
VALUE = 67227
TOTAL = 154500  # 150,000 and 3% GST


def gst() -> list[dict]:
	"""3% GST on the sale, as two halves on their own tax accounts (CGST and SGST)."""
	company = fx.company()
	abbr = frappe.get_cached_value("Company", company, "abbr")
	parent = frappe.db.get_value(
		"Account", {"company": company, "is_group": 1, "root_type": "Liability"}, order_by="lft desc"
	)
	heads = []
	for label in ("JC CGST", "JC SGST"):
		if not frappe.db.exists("Account", f"{label} - {abbr}"):
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": label,
					"company": company,
					"parent_account": parent,
					"account_type": "Tax",
				}
			).insert(ignore_permissions=True)
		heads.append((f"{label} - {abbr}", f"{label[3:]} 1.5%"))
	return [
		{"charge_type": "On Net Total", "account_head": head, "rate": 1.5, "description": label}
		for head, label in heads
	]


def exchange(customer: str, sale=None, sale_type="Sales Invoice", **fields):
	return frappe.get_doc(
		{
			"doctype": "Old Gold Exchange",
			"customer": customer,
			"company": fx.company(),
			"posting_date": nowdate(),
			"metal": "Gold",
			"purity": "22K",
			"gross_weight": 10.456,
			"net_weight": 10.123,
			"rate": 7250.50,
			"description": "Two old bangles",
			"sale_type": sale_type if sale else None,
			"sale": sale,
			"photos": [{"photo": "/files/jc-old-bangles.jpg", "caption": "As brought"}],
			**fields,
		}
	)


def gl(voucher_type: str, voucher: str, cancelled: int | None = None) -> list[tuple]:
	"""(account, debit, credit, party, against voucher) of a voucher's GL Entries, sorted."""
	filters = {"voucher_type": voucher_type, "voucher_no": voucher}
	if cancelled is not None:
		filters["is_cancelled"] = cancelled
	rows = frappe.get_all(
		"GL Entry",
		filters=filters,
		fields=["account", "debit", "credit", "party", "against_voucher"],
	)
	return sorted(
		(r.account, flt(r.debit), flt(r.credit), r.party or "", r.against_voucher or "") for r in rows
	)


def balance(account: str, vouchers: list[str]) -> float:
	rows = frappe.get_all(
		"GL Entry", filters={"account": account, "voucher_no": ("in", vouchers)}, fields=["debit", "credit"]
	)
	return flt(sum(flt(r.debit) - flt(r.credit) for r in rows), 2)


class TestOldGoldExchange(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup.add_missing()
		settings = frappe.get_single("Clienteling Settings")
		cls.warehouse, cls.clearing = settings.old_gold_warehouse, settings.old_gold_account
		cls.stock_account = frappe.db.get_value(
			"Warehouse", cls.warehouse, "account"
		) or frappe.get_cached_value("Company", fx.company(), "default_inventory_account")

	def setUp(self):
		frappe.set_user("Administrator")
		self.her = fx.make_customer()

	def test_against_a_sales_invoice_stock_comes_in_at_its_value_and_her_receivable_is_set_off(self):
		# the new necklace at its full value, with 3% GST on all of it (1.5% CGST + 1.5% SGST)
		sale = fx.make_sales_invoice(self.her, [(NECKLACE, 150000)], taxes=gst())
		self.assertEqual(flt(sale.grand_total), TOTAL)
		doc = exchange(self.her, sale.name).insert()
		doc.submit()
		self.assertEqual((doc.fineness, flt(doc.fine_weight, 3), flt(doc.value)), (916, 9.272, VALUE))

		# stock: 10.123 g of Old Gold 22K into the old-gold warehouse at the exchange's value
		sle = frappe.get_all(
			"Stock Ledger Entry",
			filters={"voucher_no": doc.stock_entry, "is_cancelled": 0},
			fields=["item_code", "warehouse", "actual_qty", "stock_value_difference"],
		)
		self.assertEqual(
			[(r.item_code, r.warehouse, flt(r.actual_qty, 3), flt(r.stock_value_difference, 2)) for r in sle],
			[("Old Gold 22K", self.warehouse, 10.123, VALUE)],
		)
		# the accountant's rows: Dr stock, Cr clearing; then Dr clearing, Cr her receivable against the sale
		self.assertEqual(
			gl("Stock Entry", doc.stock_entry),
			sorted([(self.stock_account, VALUE, 0, "", ""), (self.clearing, 0, VALUE, "", "")]),
		)
		self.assertEqual(
			gl("Journal Entry", doc.journal_entry),
			sorted([(self.clearing, VALUE, 0, "", ""), (sale.debit_to, 0, VALUE, self.her, sale.name)]),
		)
		vouchers = [doc.stock_entry, doc.journal_entry]
		self.assertEqual(balance(self.clearing, vouchers), 0)
		self.assertEqual(
			flt(frappe.db.get_value("Sales Invoice", sale.name, "outstanding_amount")), TOTAL - VALUE
		)
		# the sale keeps its full value and the tax on it: the exchange pays, it does not discount; and
		# no GST is booked on the old gold (bought from an individual)
		taxed = frappe.db.get_value("Sales Invoice", sale.name, ["grand_total", "total_taxes_and_charges"])
		self.assertEqual(tuple(map(flt, taxed)), (TOTAL, 4500))
		tax_accounts = {row["account_head"] for row in gst()}
		self.assertFalse(tax_accounts & {row[0] for row in gl("Stock Entry", doc.stock_entry)})
		self.assertFalse(tax_accounts & {row[0] for row in gl("Journal Entry", doc.journal_entry)})

		doc.reload()
		doc.cancel()
		self.assertEqual(frappe.db.get_value("Stock Entry", doc.stock_entry, "docstatus"), 2)
		self.assertEqual(frappe.db.get_value("Journal Entry", doc.journal_entry, "docstatus"), 2)
		# ERPNext's reversal: every original row marked cancelled, a mirror row beside it, nothing left
		self.assertEqual(
			gl("Stock Entry", doc.stock_entry, cancelled=1),
			sorted(
				[
					(self.stock_account, VALUE, 0, "", ""),
					(self.stock_account, 0, VALUE, "", ""),
					(self.clearing, 0, VALUE, "", ""),
					(self.clearing, VALUE, 0, "", ""),
				]
			),
		)
		self.assertEqual(gl("Stock Entry", doc.stock_entry, cancelled=0), [])
		self.assertEqual(gl("Journal Entry", doc.journal_entry, cancelled=0), [])
		for account in (self.stock_account, self.clearing, sale.debit_to):
			self.assertEqual(balance(account, vouchers), 0, account)
		self.assertFalse(
			frappe.db.exists("Stock Ledger Entry", {"voucher_no": doc.stock_entry, "is_cancelled": 0})
		)
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", sale.name, "outstanding_amount")), TOTAL)

	def test_with_no_sale_yet_the_value_is_her_advance(self):
		doc = exchange(self.her).insert()
		doc.submit()
		rows = frappe.get_all(
			"Journal Entry Account",
			filters={"parent": doc.journal_entry, "party": self.her},
			fields=["credit", "is_advance", "reference_name"],
		)
		self.assertEqual(
			[(flt(r.credit), r.is_advance, r.reference_name) for r in rows], [(VALUE, "Yes", None)]
		)

	def test_the_value_is_worked_out_on_the_site_never_taken_from_the_form(self):
		doc = exchange(self.her, value=999999, fine_weight=99, fineness=999, tested_fineness=875).insert()
		# paid as tested: 10.123 x 875 / 1000 = 8.857625 -> 8.857 g; x 7,250.50 = 64,217.6785 -> 64,218
		self.assertEqual((doc.fineness, flt(doc.fine_weight, 3), flt(doc.value)), (875, 8.857, 64218))
		for wrong in ({"net_weight": 11}, {"gross_weight": 10.4561}, {"purity": "Silver 925"}):
			with self.subTest(wrong=wrong), self.assertRaises(frappe.ValidationError):
				exchange(self.her, **wrong).insert()

	def test_it_pays_only_towards_her_own_submitted_sale_and_no_more_than_it_owes(self):
		someone_else = fx.make_sales_invoice(fx.make_customer(), [(RING, 90000)])
		with self.assertRaises(frappe.ValidationError):
			exchange(self.her, someone_else.name).insert()
		small = fx.make_sales_invoice(self.her, [(RING, 50000)])
		doc = exchange(self.her, small.name).insert()
		with self.assertRaises(frappe.ValidationError):
			doc.submit()
		self.assertFalse(frappe.db.exists("Stock Entry", {"remarks": ("like", f"%{doc.name}%")}))

	def test_at_the_counter_the_old_gold_payment_is_the_set_off(self):
		cash = fx.make_pos_invoice(self.her, [(NECKLACE, 150000)])
		with self.assertRaises(frappe.ValidationError):  # paid all in cash: the gold was not taken
			exchange(self.her, cash.name, "POS Invoice").insert().submit()
		sale = fx.make_pos_invoice(self.her, [(NECKLACE, 150000)], submit=False)
		sale.set("payments", [])
		sale.append("payments", {"mode_of_payment": setup.MODE_OF_PAYMENT, "amount": VALUE})
		sale.append("payments", {"mode_of_payment": "Cash", "amount": 150000 - VALUE, "default": 1})
		sale.save()
		sale.submit()
		doc = exchange(self.her, sale.name, "POS Invoice").insert()
		doc.submit()
		# the stock is received; the POS payment (on the clearing account) is the set-off, no Journal Entry
		self.assertFalse(doc.journal_entry)
		self.assertEqual(gl("Stock Entry", doc.stock_entry)[0][1:3], (0, VALUE))
		# the old gold payment is spent: a second exchange cannot pay with it again
		with self.assertRaises(frappe.ValidationError):
			exchange(self.her, sale.name, "POS Invoice").insert().submit()

	def test_associates_of_another_store_neither_see_nor_write_it(self):
		from jewel_clienteling.tests.test_permissions import other_counter

		theirs = fx.make_customer(jc_home_store=other_counter())
		doc = exchange(theirs).insert()
		associate = f"jc-og-{frappe.generate_hash(length=6)}@example.com"
		fx.make_user(associate, "Sales User")
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": associate,
				"allow": "POS Profile",
				"for_value": fx.POS_PROFILE,
			}
		).insert(ignore_permissions=True)
		ours = exchange(fx.make_customer(jc_home_store=fx.POS_PROFILE)).insert()
		frappe.set_user(associate)
		self.assertFalse(frappe.has_permission("Old Gold Exchange", "read", doc.name))
		self.assertTrue(frappe.has_permission("Old Gold Exchange", "read", ours.name))
		listed = frappe.get_list(
			"Old Gold Exchange", filters={"name": ("in", [doc.name, ours.name])}, pluck="name"
		)
		self.assertEqual(listed, [ours.name])
		with self.assertRaises(frappe.PermissionError):
			exchange(theirs).insert()
		mine = exchange(fx.make_customer(jc_home_store=fx.POS_PROFILE)).insert()
		self.assertTrue(mine.name)

	def test_her_export_has_it_and_erasure_keeps_the_voucher_without_her_photos_and_words(self):
		doc = exchange(self.her, notes="Her late mother's bangles").insert()
		doc.submit()
		exported = privacy.export(self.her)
		self.assertEqual([row["name"] for row in exported["old_gold_exchanges"]], [doc.name])
		self.assertEqual(exported["old_gold_exchanges"][0]["photos"][0]["caption"], "As brought")
		summary = privacy.erase(self.her)
		self.assertEqual(summary["old_gold_exchanges_redacted"], 1)
		kept = frappe.db.get_value(
			"Old Gold Exchange", doc.name, ["value", "notes", "description"], as_dict=True
		)
		self.assertEqual((flt(kept.value), kept.notes, kept.description), (VALUE, None, None))
		self.assertFalse(frappe.db.exists("Old Gold Exchange Photo", {"parent": doc.name}))
		self.assertEqual(frappe.db.get_value("Stock Entry", doc.stock_entry, "docstatus"), 1)

	def test_the_segment_holds_who_exchanged_or_bought_gold_five_or_more_years_ago(self):
		seeds.add_missing()
		this_year = frappe.utils.getdate().year
		for year in range(this_year - 7, this_year - 2):
			if not frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
				frappe.get_doc(
					{
						"doctype": "Fiscal Year",
						"year": str(year),
						"year_start_date": f"{year}-01-01",
						"year_end_date": f"{year}-12-31",
					}
				).insert()
		six_years, four_years = fx.days_ago(6 * 365 + 2), fx.days_ago(4 * 365)
		old_gold_buyer, recent_gold, old_platinum, exchanged, withdrew = (
			fx.make_customer() for _ in range(5)
		)
		fx.make_sales_invoice(old_gold_buyer, [(RING, 40000)], posting_date=six_years)
		fx.make_sales_invoice(recent_gold, [(RING, 40000)], posting_date=four_years)
		fx.make_sales_invoice(old_platinum, [(PLATINUM_RING, 90000)], posting_date=six_years)
		exchange(exchanged).insert().submit()
		cancelled = exchange(withdrew).insert()
		cancelled.submit()
		cancelled.cancel()
		everyone = {old_gold_buyer, recent_gold, old_platinum, exchanged, withdrew}
		self.assertEqual(set(segments.members(SEGMENT)) & everyone, {old_gold_buyer, exchanged})
		self.assertEqual(segments.count(SEGMENT), len(segments.members(SEGMENT)))
		no = [{"criterion": SEGMENT, "operator": "is", "value": "No"}]
		_customer, query = segments.customers(segments.rules_of(no))
		others = {row[0] for row in query.select(_customer.name).run()} & everyone
		self.assertEqual(others, {recent_gold, old_platinum, withdrew})

	def test_before_a_festival_those_with_old_gold_are_offered_an_exchange_through_the_queue(self):
		from jewel_clienteling.jewel_clienteling.report.outreach_results import outreach_results
		from jewel_clienteling.tests.test_outreach import customer, outreach, plan_today

		for template in TEMPLATES:
			if template["reason"] == OFFER and not frappe.db.exists(
				"Outreach Template", template["template_name"]
			):
				frappe.get_doc({"doctype": "Outreach Template", **template}).insert()
		today = frappe.utils.getdate()
		festival = frappe.get_doc(
			{
				"doctype": "Festival",
				"festival_name": f"JC Old Gold Festival {frappe.generate_hash(length=6)}",
				"invite_days_before": 10,
				"dates": [{"festival_date": frappe.utils.add_days(today, 10)}],
			}
		).insert()
		# the planner commits page by page, so the festival would outlive the test's rollback
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.delete_doc, "Festival", festival.name, force=True, ignore_permissions=True)
		exchanged, never = customer(), customer()
		exchange(exchanged).insert().submit()

		plan_today()

		[offer] = outreach(exchanged, reason=OFFER, reference_name=festival.name)
		self.assertEqual((offer.status, offer.purpose, offer.channel), ("Due", "Marketing", "WhatsApp"))
		self.assertIn(festival.name, offer.message)
		self.assertIn("old gold", offer.message)
		self.assertEqual(outreach(never, reason=OFFER), [])
		_columns, rows = outreach_results.execute({"from_date": today, "to_date": today})
		[line] = [row for row in rows if row.group == OFFER]
		self.assertGreaterEqual(line.planned, 1)

	def test_install_makes_what_is_missing_and_never_overwrites_a_stores_choice(self):
		store_choice = frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": f"JC Melting {frappe.generate_hash(length=4)}",
				"company": fx.company(),
			}
		).insert()
		frappe.db.set_single_value("Clienteling Settings", "old_gold_warehouse", store_choice.name)
		self.addCleanup(
			frappe.db.set_single_value, "Clienteling Settings", "old_gold_warehouse", self.warehouse
		)
		frappe.db.set_value("Item", "Old Gold 22K", "description", "Our own words")
		frappe.delete_doc("Item", "Old Gold 9K", force=True)
		setup.add_missing()
		setup.add_missing()
		self.assertEqual(
			frappe.db.get_single_value("Clienteling Settings", "old_gold_warehouse"), store_choice.name
		)
		self.assertEqual(frappe.db.get_value("Item", "Old Gold 22K", "description"), "Our own words")
		self.assertTrue(frappe.db.exists("Item", "Old Gold 9K"))
		self.assertEqual(frappe.db.count("Warehouse", {"warehouse_name": setup.WAREHOUSE}), 1)
		self.assertEqual(frappe.db.count("Account", {"account_name": setup.ACCOUNT}), 1)
		self.assertEqual(
			frappe.db.get_single_value("Clienteling Settings", "old_gold_account"), self.clearing
		)
