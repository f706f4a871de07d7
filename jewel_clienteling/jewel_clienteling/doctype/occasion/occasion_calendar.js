// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// The milestone calendar: every occasion on its next occurrence (Occasion → Calendar view).
frappe.views.calendar["Occasion"] = {
	field_map: {
		start: "next_occurrence",
		end: "next_occurrence",
		id: "name",
		title: "title",
		allDay: 1,
	},
	filters: [
		{ fieldtype: "Link", fieldname: "customer", options: "Customer", label: __("Customer") },
		{
			fieldtype: "Select",
			fieldname: "occasion_type",
			options: "\nBirthday\nAnniversary\nWedding\nEngagement\nChild's Birthday\nFestival\nOther",
			label: __("Occasion"),
		},
	],
	get_events_method: "frappe.desk.calendar.get_events",
};
