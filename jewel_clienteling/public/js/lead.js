// An enquiry's form: mark it won without a sale in the app, and the manager's privacy requests.
frappe.ui.form.on("Lead", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (!["Won", "Lost"].includes(frm.doc.jc_stage) && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(
				__("Mark Won"),
				() =>
					frappe.confirm(__("Mark this lead won without a sale in the app?"), () =>
						frappe
							.call({ method: "jewel_clienteling.api.leads.mark_won", args: { lead: frm.doc.name } })
							.then(() => frm.reload_doc())
					),
				__("Enquiry")
			);
		}
		if (frappe.user.has_role("Clienteling Manager")) {
			frm.add_custom_button(
				__("Export Data"),
				() =>
					frappe
						.call({ method: "jewel_clienteling.api.privacy.export_lead", args: { lead: frm.doc.name } })
						.then((r) => open_json(r.message, frm.doc.name)),
				__("Privacy")
			);
			frm.add_custom_button(
				__("Erase Data"),
				() =>
					frappe.prompt(
						{ fieldname: "confirm_name", fieldtype: "Data", reqd: 1, label: __("Type the lead's name to confirm") },
						(values) =>
							frappe
								.call({
									method: "jewel_clienteling.api.privacy.erase_lead",
									args: { lead: frm.doc.name, confirm_name: values.confirm_name },
								})
								.then(() => frm.reload_doc()),
						__("Erase")
					),
				__("Privacy")
			);
		}
	},
});

function open_json(data, name) {
	const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
	const link = document.createElement("a");
	link.href = URL.createObjectURL(blob);
	link.download = `${name}.json`;
	link.click();
}
