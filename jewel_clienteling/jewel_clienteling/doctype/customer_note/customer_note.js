// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Note", {
	refresh(frm) {
		if (frm.doc.note_type === "Life Event" && frm.doc.event_date && !frm.doc.occasion && !frm.is_new()) {
			frm.add_custom_button(__("Remember Every Year"), () => {
				frappe
					.call({
						method: "jewel_clienteling.api.customer.make_occasion_from_note",
						args: { note: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc());
			});
		}
	},
});
