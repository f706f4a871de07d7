frappe.query_reports["Workshop Turnaround"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("Sent Since"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -6),
		},
	],
};
