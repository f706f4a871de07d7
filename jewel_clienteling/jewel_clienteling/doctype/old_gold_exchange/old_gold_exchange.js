// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.ui.form.on("Old Gold Exchange", {
	refresh(frm) {
		frm.set_query("sale", () => ({
			filters: { customer: frm.doc.customer, docstatus: 1, is_return: 0 },
		}));
	},
});
