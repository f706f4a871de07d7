"""Bad input against every whitelisted method and the WhatsApp webhook, through Frappe's own request
handling (its WSGI application, as a browser or a script would reach it): wrong types, huge
strings, unicode and emoji, SQL-looking and HTML/script text, impossible dates, negative and huge
numbers. Each request gets a clear error or is stored safely; none gets a 500."""

import inspect
import json

import frappe
from frappe.tests.utils import FrappeTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jewel_clienteling.api.customer import add_note
from jewel_clienteling.testing.whatsapp_webhooks import signed
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import customer, occasion
from jewel_clienteling.tests.test_permissions import MANAGER, METHODS, make_users
from jewel_clienteling.tests.test_repair_desk import take_in
from jewel_clienteling.tests.utils import request

SECRET = "fuzz-app-secret"  # noqa: S105 - signs the test webhooks
NASTY_TEXT = [
	"'; DROP TABLE `tabCustomer`; --",
	'" OR 1=1 --',
	"x\\' OR '1'='1",
	"<script>alert('jc')</script>",
	'<img src=x onerror="alert(1)">',
	"{{ frappe.db.sql('select 1') }}",
	"👰🏽💍 Priyā Śarmā 🎉",
	"\u202eevil\u202c",
	"null",
	"",
	" ",
	"a" * 20_000,
	"2026-02-30",
	"0000-00-00",
	"9999-99-99",
	"-1",
]
values = st.one_of(
	st.sampled_from(NASTY_TEXT),
	st.text(max_size=300),
	st.integers(min_value=-(2**70), max_value=2**70),
	st.floats(allow_nan=False, allow_infinity=False),
	st.booleans(),
	st.none(),
	st.lists(st.integers(), max_size=3),
	st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


class TestBadInput(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		user = frappe.get_doc("User", MANAGER)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		secret = frappe.generate_hash(length=15)
		user.api_secret = secret
		user.save(ignore_permissions=True)
		cls.auth = {"Authorization": f"token {user.api_key}:{secret}"}
		cls.valid = cls.valid_arguments()
		config = frappe.get_single("Clienteling WhatsApp Settings")
		config.app_secret = SECRET
		config.save()
		frappe.db.commit()  # nosemgrep: the requests run in their own transactions

	@classmethod
	def valid_arguments(cls) -> dict:
		her = customer(jc_preferred_associate=MANAGER)
		sale = fx.make_pos_invoice(her, [("JC-RING-GLD-22K-PLK", 20000, 1, "12")])
		occasion(her, 0)
		note = add_note(her, "A note to fuzz around")
		return {
			"customer": her,
			"invoice": sale.name,
			"invoice_type": "POS Invoice",
			"note": note,
			"name": take_in(customer=her).name,
		}

	def call(self, method: str, http_method: str, kwargs: dict):
		path = f"/api/method/jewel_clienteling.api.{method}"
		if http_method == "GET":
			query = {
				key: value if isinstance(value, str) else json.dumps(value) for key, value in kwargs.items()
			}
			return request("get", path, query_string=query, headers=self.auth)
		return request("post", path, json=kwargs, headers=self.auth)

	def assert_clear_answer(self, response, what: str):
		self.assertLess(response.status_code, 500, f"{what}: {response.get_data(as_text=True)[:2000]}")
		if response.status_code >= 400:
			body = response.get_json(silent=True) or {}
			self.assertTrue(body.get("_server_messages") or body.get("exc_type"), f"{what}: no message")

	def test_every_whitelisted_method_answers_bad_input_with_a_clear_error(self):
		for method, (http_method, _allowed) in METHODS.items():
			with self.subTest(method=method):
				self.fuzz(method, http_method)()

	def fuzz(self, method: str, http_method: str):
		"""A hypothesis test of one method: each parameter valid, missing or something nasty."""
		import importlib

		module, function = method.rsplit(".", 1)
		target = getattr(importlib.import_module(f"jewel_clienteling.api.{module}"), function)
		parameters = list(inspect.signature(target).parameters)

		@settings(
			max_examples=20,
			deadline=None,
			database=None,
			suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
		)
		@given(st.data())
		def run(data):
			kwargs = {}
			for parameter in parameters:
				if data.draw(st.booleans(), label=f"{parameter} valid") and parameter in self.valid:
					kwargs[parameter] = self.valid[parameter]
				elif data.draw(st.booleans(), label=f"{parameter} given"):
					kwargs[parameter] = data.draw(values, label=parameter)
			if method == "privacy.erase_customer":
				kwargs.pop("confirm_name", None)  # never her real name: this sweep must not erase her
			self.assert_clear_answer(self.call(method, http_method, kwargs), f"{method}({kwargs!r:.300})")

		return run

	@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
	@given(st.recursive(values, lambda children: st.dictionaries(st.text(max_size=10), children, max_size=4)))
	def test_the_webhook_acknowledges_any_signed_body_and_refuses_unsigned_ones(self, body):
		raw, headers = signed(SECRET, body)
		signed_answer = request(
			"post", "/api/method/jewel_clienteling.api.whatsapp.inbound", data=raw, headers=headers
		)
		self.assert_clear_answer(signed_answer, f"signed {body!r:.200}")
		unsigned = request(
			"post",
			"/api/method/jewel_clienteling.api.whatsapp.inbound",
			data=raw,
			headers={"Content-Type": "application/json"},
		)
		# Frappe itself refuses a JSON body that is not an object (417) before the app sees it
		self.assertIn(unsigned.status_code, (403, 417))

	def test_script_in_a_note_is_stored_as_text_and_shown_escaped(self):
		text = NASTY_TEXT[3] + NASTY_TEXT[6]
		response = self.call("customer.add_note", "POST", {"customer": self.valid["customer"], "note": text})
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		frappe.db.rollback()  # see what the request committed
		stored = frappe.db.get_value("Customer Note", response.get_json()["message"], "note")
		self.assertIn("👰🏽💍", stored)
		self.assertNotIn("<script>", stored, "Frappe's sanitiser strips script from a text field")
		self.assertEqual(frappe.db.count("Customer", {"name": self.valid["customer"]}), 1)

	def test_named_bad_values_get_clear_errors_and_change_nothing(self):
		her, ticket = self.valid["customer"], self.valid["name"]
		frappe.db.rollback()  # read what earlier tests' requests committed (the sweep may weigh her piece)
		points_before = frappe.db.count("Loyalty Ledger", {"customer": her})
		weight_before = frappe.db.get_value("Repair Ticket", ticket, "weight_out")
		cases = [
			("loyalty.adjust", {"customer": her, "points": 2**40, "reason": "huge"}),
			("loyalty.adjust", {"customer": her, "points": -(2**40), "reason": "huge"}),
			("loyalty.adjust", {"customer": her, "points": 0, "reason": "nothing"}),
			("loyalty.adjust", {"customer": her, "points": "ten", "reason": "words"}),
			("repairs.acknowledge_weight", {"name": ticket, "note": "x", "weight_out": -5}),
			("repairs.acknowledge_weight", {"name": ticket, "note": "x", "weight_out": 1e300}),
			("repairs.move", {"name": ticket, "status": "<script>alert(1)</script>"}),
			(
				"customer.add_note",
				{"customer": her, "note": "x", "note_type": "Life Event", "event_date": "2026-02-30"},
			),
			("customer.add_note", {"customer": "'; DROP TABLE `tabCustomer`; --", "note": "x"}),
			("customer.get_snapshot", {"customer": "a" * 20_000}),
			("outreach.today", {"limit": -1}),
			("outreach.today", {"limit": 10**12}),
		]
		for method, kwargs in cases:
			with self.subTest(method=method, kwargs=f"{kwargs!r:.120}"):
				http_method = METHODS[method][0]
				response = self.call(method, http_method, kwargs)
				self.assert_clear_answer(response, method)
				if method == "loyalty.adjust":
					self.assertGreaterEqual(response.status_code, 400)
		frappe.db.rollback()  # see what the requests committed
		self.assertEqual(frappe.db.count("Loyalty Ledger", {"customer": her}), points_before)
		self.assertEqual(frappe.db.get_value("Repair Ticket", ticket, "weight_out"), weight_before)
