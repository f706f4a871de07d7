// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.query_reports["Clienteling Impact"] = {
	filters: [
		{
			fieldname: "compare",
			label: __("Compare"),
			fieldtype: "Select",
			options: [
				{ value: "Before and After the App", label: __("Before and After the App") },
				{ value: "Store", label: __("Store") },
				{ value: "Associate", label: __("Associate") },
				{ value: "Month", label: __("Month") },
			],
			default: "Before and After the App",
		},
		{
			fieldname: "from_date",
			label: __("From (month)"),
			fieldtype: "Date",
			description: __("Empty: a year before the app arrived"),
		},
		{
			fieldname: "to_date",
			label: __("To (month)"),
			fieldtype: "Date",
			description: __("Empty: this month"),
		},
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "POS Profile" },
		{ fieldname: "associate", label: __("Associate"), fieldtype: "Link", options: "User" },
		{
			fieldname: "arrival",
			label: __("App Arrived On"),
			fieldtype: "Date",
			description: __("Empty: the day the app was installed, or its first message if earlier"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		if (!data) return default_formatter(value, row, column, data);
		if (data.is_section) {
			return column.fieldname === "figure" ? `<b>${frappe.utils.escape_html(value || "")}</b>` : "";
		}
		if (column.fieldname === "figure" || column.fieldname === "definition") {
			return default_formatter(value, row, column, data);
		}
		if (value === null || value === undefined || value === "") {
			return `<span class="text-muted">–</span>`;
		}
		if (data.fieldtype === "Float") {
			return `${format_number(value, null, 2)}×`;
		}
		return default_formatter(value, row, { ...column, fieldtype: data.fieldtype }, data);
	},
};
