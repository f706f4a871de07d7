// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Clienteling Repeat Rate"] = {
	method: "jewel_clienteling.api.dashboard.repeat_rate_by_month",
	filters: [],
};
