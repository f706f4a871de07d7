# Copyright (c) 2026, jewel_clienteling contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate


class Festival(Document):
	def validate(self):
		years = {}
		for row in self.dates:
			year = getdate(row.festival_date).year
			if year in years:
				frappe.throw(
					_("{0} is given twice for {1} (rows {2} and {3}).").format(
						self.festival_name, year, years[year], row.idx
					)
				)
			years[year] = row.idx
		self.dates.sort(key=lambda row: getdate(row.festival_date))
		for idx, row in enumerate(self.dates, start=1):
			row.idx = idx
