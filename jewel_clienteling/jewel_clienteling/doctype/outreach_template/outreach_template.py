# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from jinja2 import TemplateSyntaxError

from jewel_clienteling.services.rendering import environment


class OutreachTemplate(Document):
	def validate(self):
		self.step = (self.step or "").strip()
		try:
			environment().from_string(self.message or "")
		except TemplateSyntaxError as error:
			frappe.throw(
				_("The message has a mistake on line {0}: {1}").format(error.lineno, error.message),
				title=_("Template Error"),
			)
