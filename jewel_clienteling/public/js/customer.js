// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// The Customer form: her snapshot at the top of the Clienteling tab, with the counter's quick actions;
// and her access and erasure requests, for managers, under Privacy.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		jc_render_snapshot(frm);
		if (frm.is_new() || !frappe.user.has_role(["Clienteling Manager", "System Manager"])) return;
		const group = __("Privacy");
		frm.add_custom_button(__("Export Clienteling Data"), () => jc_export(frm), group);
		if (!frm.doc.jc_erased_on) {
			frm.add_custom_button(__("Erase Clienteling Data"), () => jc_erase(frm), group);
		}
	},
});

function jc_export(frm) {
	frappe.prompt(
		{ fieldname: "request_reference", fieldtype: "Data", label: __("Customer's Request (reference)") },
		(values) => {
			frappe
				.call({
					method: "jewel_clienteling.api.privacy.export_customer",
					args: { customer: frm.doc.name, request_reference: values.request_reference },
					freeze: true,
				})
				.then((r) => {
					const blob = new Blob([JSON.stringify(r.message, null, 1)], { type: "application/json" });
					const link = document.createElement("a");
					link.href = URL.createObjectURL(blob);
					link.download = `${frappe.scrub(frm.doc.name)}-clienteling-data.json`;
					link.click();
					URL.revokeObjectURL(link.href);
				});
		},
		__("Export Clienteling Data"),
		__("Download")
	);
}

function jc_erase(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Erase Clienteling Data"),
		fields: [
			{
				fieldtype: "HTML",
				options: `<p>${__(
					"The customer's occasions, preferences, notes, messages, appointments and consent details are erased, and the customer is not contacted again. Invoices, loyalty points and repair tickets stay, as the law and the books need them. This cannot be undone."
				)}</p>`,
			},
			{ fieldname: "request_reference", fieldtype: "Data", label: __("Customer's Request (reference)") },
			{
				fieldname: "confirm_name",
				fieldtype: "Data",
				reqd: 1,
				label: __("Type the customer's name to confirm: {0}", [frappe.utils.escape_html(frm.doc.customer_name)]),
			},
		],
		primary_action_label: __("Erase"),
		primary_action(values) {
			frappe
				.call({
					method: "jewel_clienteling.api.privacy.erase_customer",
					args: { customer: frm.doc.name, ...values },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({ message: __("The clienteling data was erased."), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}

function jc_render_snapshot(frm) {
	const field = frm.fields_dict.jc_snapshot_html;
	if (!field) return;
	if (frm.is_new()) {
		field.$wrapper.empty();
		return;
	}
	jewel_clienteling.snapshot.add_styles();
	const customer = frm.doc.name;
	const reload = () => frm.reload_doc();
	const $actions = $(`<div class="jc-pos-actions" style="display:flex;gap:4px;margin-bottom:8px"></div>`);
	for (const [label, action] of [
		[__("Occasion"), () => jewel_clienteling.snapshot.add_occasion(customer, reload)],
		[__("Preference"), () => jewel_clienteling.snapshot.add_preference(customer, reload)],
		[__("Note"), () => jewel_clienteling.snapshot.add_note(customer, reload)],
		[
			__("Appointment"),
			() => jewel_clienteling.moments.book_appointment(customer, frm.doc.jc_home_store, reload),
		],
		[__("Share Pieces"), () => jewel_clienteling.moments.share_catalogue(customer, reload)],
	]) {
		$(`<button class="btn btn-xs btn-default">+ ${label}</button>`).on("click", action).appendTo($actions);
	}
	jewel_clienteling.snapshot.fetch(customer).then((data) => {
		if (frm.doc.name !== customer) return;
		field.$wrapper.empty().append($actions).append(jewel_clienteling.snapshot.html(data));
	});
}
