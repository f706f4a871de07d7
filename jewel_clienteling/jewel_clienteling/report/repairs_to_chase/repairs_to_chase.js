frappe.query_reports["Repairs to Chase"] = {
	filters: [
		{
			fieldname: "view",
			label: __("Show"),
			fieldtype: "Select",
			options: ["All", "Overdue", "Uncollected"],
			default: "All",
		},
	],
};
