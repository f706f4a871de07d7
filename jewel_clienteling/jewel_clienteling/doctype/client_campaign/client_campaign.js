// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.ui.form.on("Client Campaign", {
	setup(frm) {
		for (const field of ["outreach_template", "whatsapp_template"]) {
			frm.set_query(field, () => ({ filters: { reason: "Campaign", enabled: 1 } }));
		}
	},

	refresh(frm) {
		if (frm.is_new()) return;
		if (["Draft", "Stopped"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Start Sending"), () => {
				frappe.confirm(
					__("Plan a message for the {0} matching customers who agreed to hear from us?", [
						frm.doc.audience_count,
					]),
					() => call(frm, "start")
				);
			}).addClass("btn-primary");
		}
		if (frm.doc.status === "Running") {
			frm.add_custom_button(__("Stop"), () => {
				frappe.confirm(__("Stop this campaign? Messages not yet sent are withdrawn."), () =>
					call(frm, "stop")
				);
			});
		}
		frappe.realtime.off("jc_campaign_progress");
		frappe.realtime.on("jc_campaign_progress", (data) => show_progress(frm, data));
		frappe
			.call({
				method: "jewel_clienteling.api.campaigns.progress",
				args: { name: frm.doc.name },
				type: "GET",
			})
			.then((r) => show_progress(frm, r.message));
	},
});

function call(frm, action) {
	frappe
		.call({
			method: `jewel_clienteling.api.campaigns.${action}`,
			args: { name: frm.doc.name },
			freeze: true,
		})
		.then((r) => {
			if (action === "stop") {
				frappe.show_alert({
					message: __("Stopped; {0} waiting messages withdrawn.", [r.message.withdrawn]),
					indicator: "orange",
				});
			}
			frm.reload_doc();
		});
}

function show_progress(frm, data) {
	if (!data) return;
	const messages = Object.entries(data.messages || {})
		.map(([status, count]) => `${__(status)}: ${count}`)
		.join(" · ");
	frm.dashboard.show_progress(
		__("Customers gone through"),
		data.percent,
		__("{0} of {1} customers · {2} planned · {3} not contacted{4}", [
			data.processed,
			data.audience,
			data.planned,
			data.skipped,
			messages ? ` · ${messages}` : "",
		])
	);
	if (data.status !== frm.doc.status) frm.reload_doc();
}
