// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Clienteling Message Results"] = {
	method: "jewel_clienteling.api.dashboard.message_results_by_channel",
	filters: [],
};
