// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.query_reports["Weekly Clienteling Review"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -6),
		},
		{
			fieldname: "to_date",
			label: __("To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "POS Profile" },
		{ fieldname: "associate", label: __("Associate"), fieldtype: "Link", options: "User" },
	],
};
