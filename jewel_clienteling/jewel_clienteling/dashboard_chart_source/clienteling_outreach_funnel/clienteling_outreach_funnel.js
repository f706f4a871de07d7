// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Clienteling Outreach Funnel"] = {
	method: "jewel_clienteling.api.dashboard.outreach_funnel",
	filters: [],
};
