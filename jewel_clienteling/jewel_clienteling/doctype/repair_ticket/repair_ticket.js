// The repair desk: one button for the next step, a Cancel with its reason, a manager's
// acknowledgement of a weight difference, and the invoice.
const JC_REPAIR_FLOW = ["Received", "Estimated", "Approved", "At Workshop", "Ready", "Delivered"];

frappe.ui.form.on("Repair Ticket", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || ["Delivered", "Cancelled"].includes(frm.doc.status)) {
			add_invoice_button(frm);
			return;
		}
		const next = JC_REPAIR_FLOW[JC_REPAIR_FLOW.indexOf(frm.doc.status) + 1];
		frm.add_custom_button(__("Move to {0}", [__(next)]), () => move(frm, next)).addClass("btn-primary");
		if (frm.doc.status === "Received") {
			frm.add_custom_button(__("Straight to Workshop"), () => move(frm, "At Workshop"), __("More"));
		}
		frm.add_custom_button(__("Cancel Repair"), () => cancel(frm), __("More"));
		if (frm.doc.status === "Ready" && frappe.user.has_role(["Clienteling Manager", "System Manager"])) {
			frm.add_custom_button(__("Acknowledge Weight Difference"), () => acknowledge(frm), __("More"));
		}
		add_invoice_button(frm);
	},
});

function call(method, args, frm) {
	return frappe
		.call({ method: `jewel_clienteling.api.repairs.${method}`, args, freeze: true })
		.then(() => frm.reload_doc());
}

function move(frm, status) {
	const ask = {
		Approved: { fieldname: "approved_via", fieldtype: "Select", label: __("Approved Via"), reqd: 1,
			options: ["In store", "WhatsApp", "Phone call", "SMS", "Email"] },
		"At Workshop": { fieldname: "workshop", fieldtype: "Link", options: "Supplier",
			label: __("Workshop (Karigar)"), reqd: 1, default: frm.doc.workshop },
		Delivered: { fieldname: "weight_out", fieldtype: "Float", precision: 3,
			label: __("Weight Out (g)"), reqd: 1, default: frm.doc.weight_out },
	}[status];
	if (!ask) return call("move", { name: frm.doc.name, status }, frm);
	frappe.prompt(ask, (values) => call("move", { name: frm.doc.name, status, ...values }, frm), __(status));
}

function cancel(frm) {
	frappe.prompt(
		{ fieldname: "reason", fieldtype: "Small Text", label: __("Why is the repair cancelled?"), reqd: 1 },
		(values) => call("move", { name: frm.doc.name, status: "Cancelled", reason: values.reason }, frm),
		__("Cancel Repair")
	);
}

function acknowledge(frm) {
	frappe.prompt(
		[
			{ fieldname: "weight_out", fieldtype: "Float", precision: 3, label: __("Weight Out (g)"),
				reqd: 1, default: frm.doc.weight_out },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Why did the weight change?"), reqd: 1 },
		],
		(values) => call("acknowledge_weight", { name: frm.doc.name, ...values }, frm),
		__("Acknowledge Weight Difference")
	);
}

function add_invoice_button(frm) {
	if (frm.doc.docstatus === 1 && !frm.doc.sales_invoice && frm.doc.status !== "Cancelled") {
		frm.add_custom_button(__("Invoice"), () =>
			frappe
				.call({ method: "jewel_clienteling.api.repairs.make_invoice", args: { name: frm.doc.name } })
				.then((r) => frappe.set_route("Form", "Sales Invoice", r.message)),
			__("Create")
		);
	}
}
