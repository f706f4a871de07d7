frappe.query_reports["Referrals"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("Referred From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
		},
		{
			fieldname: "to_date",
			label: __("Referred To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "store",
			label: __("Store"),
			fieldtype: "Link",
			options: "POS Profile",
		},
	],
};
