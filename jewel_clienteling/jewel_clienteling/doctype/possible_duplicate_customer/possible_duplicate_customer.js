// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.ui.form.on("Possible Duplicate Customer", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Open" || !frm.perm[0]?.write) return;
		frm.add_custom_button(__("Merge into {0}", [frm.doc.existing_customer]), () => {
			frappe.confirm(
				__(
					"Merge {0} into {1}? The visits, repairs, points, notes and consent history of {0} follow; {0} is deleted.",
					[frm.doc.customer, frm.doc.existing_customer]
				),
				() =>
					frappe
						.xcall("jewel_clienteling.api.duplicates.merge", { name: frm.doc.name })
						.then((kept) => {
							frappe.show_alert({ message: __("Merged into {0}", [kept]), indicator: "green" });
							frm.reload_doc();
						})
			);
		}).addClass("btn-primary");
		frm.add_custom_button(__("Not the Same Person"), () =>
			frappe
				.xcall("jewel_clienteling.api.duplicates.not_the_same", { name: frm.doc.name })
				.then(() => frm.reload_doc())
		);
	},
});
