// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// Sales Invoice and POS Invoice in the desk: who she is, at a glance, when the customer is picked, and
// the "Occasion of Purchase" section opened when an occasion of hers is near, so it gets filled.
const jc_invoice_events = {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && frm.doc.customer) jc_invoice_headline(frm);
	},
	customer(frm) {
		if (frm.doc.customer) jc_invoice_headline(frm);
	},
};
frappe.ui.form.on("Sales Invoice", jc_invoice_events);
frappe.ui.form.on("POS Invoice", jc_invoice_events);

function jc_invoice_headline(frm) {
	const customer = frm.doc.customer;
	const walk_in = (frappe.boot.jewel_clienteling || {}).walk_in_customer;
	if (!customer || customer === walk_in || frappe.get_route_str() === "point-of-sale") return;
	jewel_clienteling.snapshot.fetch(customer).then((data) => {
		if (frm.doc.customer !== customer || !frm.dashboard) return;
		const p = data.profile;
		const parts = [];
		if (p.jc_loyalty_tier) parts.push(__("{0} tier", [p.jc_loyalty_tier]));
		parts.push(__("{0} points", [p.jc_loyalty_points || 0]));
		const near = (data.occasions || []).find(
			(o) => frappe.datetime.get_day_diff(o.next_occurrence, frappe.datetime.get_today()) <= 30
		);
		if (near) {
			parts.push(
				__("{0} on {1}", [
					__(near.occasion_type) + (near.person_name ? ` (${near.person_name})` : ""),
					frappe.datetime.str_to_user(near.next_occurrence),
				])
			);
			if (!frm.doc.jc_purchase_occasion && frm.fields_dict.jc_occasion_section) {
				frm.fields_dict.jc_occasion_section.collapse(false);
			}
		}
		frm.dashboard.set_headline(frappe.utils.escape_html(parts.join(" · ")), near ? "blue" : "gray");
	});
}
