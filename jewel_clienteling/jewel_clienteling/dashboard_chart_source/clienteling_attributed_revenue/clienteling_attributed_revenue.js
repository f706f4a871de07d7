// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Clienteling Attributed Revenue"] = {
	method: "jewel_clienteling.api.dashboard.attributed_revenue",
	filters: [],
};
