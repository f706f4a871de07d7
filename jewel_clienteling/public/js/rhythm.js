// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// Her rhythm, as she tells it at the counter: how often she is happy to hear from the store, at what
// time of day and on which channel (jewel_clienteling.api.rhythm.set_rhythm). Empty: the store's default.
frappe.provide("jewel_clienteling.rhythm");

jewel_clienteling.rhythm.edit = function (customer, data, after) {
	if (!customer) return;
	const profile = (data && data.profile) || {};
	const boot = frappe.boot.jewel_clienteling || {};
	const dialog = new frappe.ui.Dialog({
		title: __("How Often to Hear From Us"),
		fields: [
			{
				fieldname: "how_often",
				fieldtype: "Select",
				label: __("At most one message"),
				options: boot.rhythms || [""],
				default: profile.jc_contact_rhythm || "",
				description: __("Empty: the store's usual rhythm. Messages about the customer's own pieces always go."),
			},
			{
				fieldname: "time_of_day",
				fieldtype: "Select",
				label: __("Preferred time of day"),
				options: boot.times_of_day || [""],
				default: profile.jc_preferred_time || "",
			},
			{
				fieldname: "channel",
				fieldtype: "Select",
				label: __("Preferred channel"),
				options: boot.channels || [""],
				default: profile.jc_preferred_channel || "",
			},
		],
		primary_action_label: __("Save"),
		primary_action(values) {
			frappe
				.call({
					method: "jewel_clienteling.api.rhythm.set_rhythm",
					args: { customer, ...values },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({ message: __("Saved"), indicator: "green" });
					if (after) after();
				});
		},
	});
	dialog.show();
	return dialog;
};
