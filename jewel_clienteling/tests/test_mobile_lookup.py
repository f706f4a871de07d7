"""Finding a customer by mobile reads the key (E.164) kept beside each number on her Customer and on
her Contacts' phone rows (services/mobile_keys): on a real site, through ERPNext's own ways of
changing a number, and against the lookup as it was (the REPLACE() scan, kept in the benchmark)."""

import frappe
from erpnext.selling.page.point_of_sale.point_of_sale import set_customer_info
from frappe.query_builder import DocType
from frappe.tests.utils import FrappeTestCase

from jewel_clienteling.benchmarks.mobile_lookup import WAYS, find_customer_before
from jewel_clienteling.patches.v1 import index_mobile_numbers
from jewel_clienteling.services import mobile_keys
from jewel_clienteling.services.customer_lookup import find_customer
from jewel_clienteling.setup.custom_fields import MOBILE_KEY
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_permissions import other_counter
from jewel_clienteling.tests.test_stores import limited_user
from jewel_clienteling.tests.test_walk_ins import unique_mobile

SETTINGS = "Clienteling Settings"


def every_way(mobile: str) -> list[str]:
	return [typed_as(mobile) for typed_as in WAYS.values()]


def contact_for(customer: str | None, *phones: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Contact of",
				"phone_nos": [
					{"phone": phone, "is_primary_mobile_no": i == 0} for i, phone in enumerate(phones)
				],
				"links": [{"link_doctype": "Customer", "link_name": customer}] if customer else [],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def forget_keys(*customers: str) -> None:
	"""As rows written before the key existed: no key on her Customer or on her Contacts' numbers."""
	customer, phone, link = DocType("Customer"), DocType("Contact Phone"), DocType("Dynamic Link")
	frappe.qb.update(customer).set(customer[MOBILE_KEY], None).where(customer.name.isin(customers)).run()
	contacts = frappe.qb.from_(link).select(link.parent).where(link.link_name.isin(customers))
	frappe.qb.update(phone).set(phone[MOBILE_KEY], None).where(phone.parent.isin(contacts)).run()


class TestMobileLookup(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def found(self, typed: str) -> tuple[str, ...]:
		return find_customer(typed).same_number

	def test_her_mobile_typed_any_way_finds_her(self):
		mobile = unique_mobile()
		her = fx.make_customer(mobile_no=f"0{mobile[:5]} {mobile[5:]}")
		self.assertEqual(frappe.db.get_value("Customer", her, MOBILE_KEY), "+91" + mobile)
		for typed in every_way(mobile):
			with self.subTest(typed=typed):
				self.assertEqual(find_customer(typed).customer, her)
		self.assertEqual(find_customer("98765").same_number, ())

	def test_a_mobile_changed_at_the_pos_finds_her_by_the_new_number_and_not_the_old(self):
		old, new = unique_mobile(), unique_mobile()
		her = fx.make_customer(mobile_no=f"+91 {old[:5]} {old[5:]}")
		self.assertIn(her, self.found(old))
		# ERPNext's POS: frappe.db.set_value on her mobile_no, then her primary Contact saved
		set_customer_info("mobile_no", her, f"0{new[:5]}-{new[5:]}")
		self.assertEqual(frappe.db.get_value("Customer", her, MOBILE_KEY), "+91" + new)
		for typed in every_way(new):
			self.assertEqual(find_customer(typed).customer, her)
		self.assertNotIn(her, self.found(old))

	def test_a_mobile_changed_on_her_contact_in_the_desk_finds_her_by_the_new_number_only(self):
		old, new = unique_mobile(), unique_mobile()
		her = fx.make_customer(mobile_no=old)
		contact = frappe.get_doc("Contact", frappe.db.get_value("Customer", her, "customer_primary_contact"))
		contact.phone_nos[0].phone = f"+91-{new[:5]}-{new[5:]}"
		contact.save(ignore_permissions=True)
		frappe.get_doc("Customer", her).save(ignore_permissions=True)  # fetches her primary contact's mobile
		self.assertEqual(find_customer(new).customer, her)
		self.assertNotIn(her, self.found(old))

	def test_a_number_on_a_contact_linked_to_her_finds_her_and_no_longer_once_unlinked(self):
		mobile, work = unique_mobile(), unique_mobile()
		her = fx.make_customer(mobile_no=None)
		contact = contact_for(her, f"+91 {mobile[:5]} {mobile[5:]}", f"0{work[:5]}.{work[5:]}")
		for typed in (*every_way(mobile), *every_way(work)):
			self.assertEqual(find_customer(typed).customer, her)
		doc = frappe.get_doc("Contact", contact)
		doc.links = []
		doc.save(ignore_permissions=True)
		self.assertEqual(self.found(work), ())
		stranger = unique_mobile()
		contact_for(None, stranger)  # a contact of no customer finds no one
		self.assertEqual(self.found(stranger), ())

	def test_a_disabled_customer_is_not_found_on_her_customer_or_her_contact(self):
		mobile = unique_mobile()
		her = fx.make_customer(mobile_no=mobile)
		frappe.db.set_value("Customer", her, "disabled", 1)
		self.assertEqual(self.found(mobile), ())

	def test_filling_gives_keys_to_numbers_written_before_and_goes_on_where_it_stopped(self):
		mobile_keys.fill()  # what the site's other tests left without a key is keyed first
		mobile, on_contact = unique_mobile(), unique_mobile()
		her = fx.make_customer(mobile_no=f"{mobile[:5]} {mobile[5:]}")
		other = fx.make_customer(mobile_no=None)
		contact_for(other, f"0{on_contact}")
		forget_keys(her, other)
		self.assertEqual(self.found(mobile), ())
		self.assertEqual(self.found(on_contact), ())
		written = mobile_keys.fill(page=7)  # pages of 7 rows: every page boundary is crossed
		self.assertEqual(written, {"Customer": 1, "Contact Phone": 2})  # her contact holds her mobile too
		self.assertEqual(find_customer(mobile).customer, her)
		self.assertEqual(find_customer(on_contact).customer, other)
		# stopped half-way: only what still lacks a key is written
		forget_keys(other)
		self.assertEqual(mobile_keys.fill(page=7), {"Customer": 0, "Contact Phone": 1})
		self.assertEqual(mobile_keys.fill(), {"Customer": 0, "Contact Phone": 0})

	def test_a_change_of_region_gives_numbers_without_their_country_new_keys(self):
		dubai = "050 123 4567"  # a UAE mobile as written in the UAE
		her = fx.make_customer(mobile_no=dubai)
		self.assertNotEqual(frappe.db.get_value("Customer", her, MOBILE_KEY), "+971501234567")
		region = frappe.db.get_single_value(SETTINGS, "default_region")
		self.addCleanup(self.set_region, region)
		self.set_region("AE")
		mobile_keys.fill(refresh=True)
		self.assertEqual(frappe.db.get_value("Customer", her, MOBILE_KEY), "+971501234567")
		self.assertEqual(find_customer("+971 50 123 4567").customer, her)

	def set_region(self, region: str | None) -> None:
		frappe.db.set_single_value(SETTINGS, "default_region", region)
		frappe.clear_document_cache(SETTINGS, SETTINGS)

	def test_the_same_answers_as_the_scan_it_replaces(self):
		"""A family sharing a number typed three ways, one of them disabled, one of another store,
		one only on a Contact: both lookups give the same customer, list and others' customers, for
		a manager and for an associate limited to her store, however the number is typed."""
		east = other_counter()
		mobile = unique_mobile()
		mother = fx.make_customer(mobile_no=f"+91 {mobile[:5]} {mobile[5:]}", jc_home_store=fx.POS_PROFILE)
		daughter = fx.make_customer(mobile_no=f"0{mobile}")
		fx.make_customer(mobile_no=mobile, disabled=1)
		fx.make_customer(mobile_no=f"{mobile[:5]}-{mobile[5:]}", jc_home_store=east)
		contact_for(fx.make_customer(mobile_no=None), f"91 {mobile}")
		daughter_name = frappe.db.get_value("Customer", daughter, "customer_name")
		associate = limited_user(fx.POS_PROFILE, "Sales User")
		for user in ("Administrator", associate):
			frappe.set_user(user)
			for typed in (*every_way(mobile), unique_mobile()):
				for name in (None, daughter_name):
					new, old = find_customer(typed, name), find_customer_before(typed, name)
					self.assertEqual(new, old, f"{user}, {typed}, {name}")
		frappe.set_user("Administrator")
		family = find_customer(mobile)
		self.assertIn(mother, family.same_number)
		self.assertEqual(len(family.same_number), 4)  # not the disabled one
		self.assertEqual(find_customer(mobile, daughter_name).customer, daughter)
		frappe.set_user(associate)
		hers = find_customer(mobile)
		self.assertEqual(len(hers.same_number), 3)  # not the other store's: she is named only to managers
		self.assertEqual(len(hers.elsewhere), 1)


class TestMobileKeysPatch(FrappeTestCase):
	def test_the_patch_fills_the_keys_of_a_store_with_a_past(self):
		frappe.set_user("Administrator")
		mobile, on_contact = unique_mobile(), unique_mobile()
		her = fx.make_customer(mobile_no=f"0{mobile}")
		other = fx.make_customer(mobile_no=None)
		contact = contact_for(other, f"+91 {on_contact}")
		self.addCleanup(self.delete_committed, her, other, contact)
		forget_keys(her, other)
		frappe.db.commit()  # nosemgrep: the patch commits each page, as a migrate does
		index_mobile_numbers.execute()
		self.assertEqual(find_customer(mobile).customer, her)
		self.assertEqual(find_customer(on_contact).customer, other)

	def delete_committed(self, *names: str) -> None:
		frappe.set_user("Administrator")
		for name in names:
			for doctype in ("Contact", "Customer"):
				if frappe.db.exists(doctype, name):
					for contact in frappe.get_all("Dynamic Link", {"link_name": name}, pluck="parent"):
						frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
