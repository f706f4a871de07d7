// Copyright (c) 2027, jewel_clienteling contributors
// For license information, please see license.txt

frappe.query_reports["Overdue Custom Orders"] = {
	filters: [
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "POS Profile" },
		{ fieldname: "associate", label: __("Associate"), fieldtype: "Link", options: "User" },
	],
};
