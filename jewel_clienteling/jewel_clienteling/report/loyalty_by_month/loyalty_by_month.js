frappe.query_reports["Loyalty by Month"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
		},
		{
			fieldname: "to_date",
			label: __("To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "POS Profile" },
	],
};
