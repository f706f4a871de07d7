// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// Selling moments beyond the counter, shared by the POS panel and the Customer form (loaded after
// snapshot.js): booking her an appointment, and her next appointment, open orders and old gold
// exchanged on the snapshot.
frappe.provide("jewel_clienteling.moments");

(function (moments) {
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const PURPOSES = [
		"Private viewing",
		"Bridal consultation",
		"Repair pickup",
		"Custom order discussion",
		"Other",
	];

	moments.book_appointment = function (customer, store, done) {
		const dialog = new frappe.ui.Dialog({
			title: __("Book an Appointment"),
			fields: [
				{ fieldname: "scheduled_time", fieldtype: "Datetime", label: __("When"), reqd: 1 },
				{
					fieldname: "purpose",
					fieldtype: "Select",
					label: __("Purpose"),
					options: PURPOSES.map((value) => ({ value, label: __(value) })),
					default: PURPOSES[0],
					reqd: 1,
				},
				{ fieldname: "associate", fieldtype: "Link", options: "User", label: __("Associate"), default: frappe.session.user },
				{ fieldtype: "Column Break" },
				{ fieldname: "pieces", fieldtype: "Small Text", label: __("Pieces to keep ready (one a line)") },
				{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
			],
			primary_action_label: __("Book"),
			primary_action(values) {
				frappe
					.call({
						method: "jewel_clienteling.api.appointments.book",
						args: { ...values, customer, store: store || null },
						freeze: true,
					})
					.then((r) => {
						dialog.hide();
						const result = r.message || {};
						frappe.show_alert({
							message: result.reminders && result.reminders.length
								? __("Booked. Reminders: {0}.", [result.reminders.map((s) => __(s)).join(", ")])
								: __("Booked."),
							indicator: "green",
						});
						done && done();
					});
			},
		});
		dialog.show();
		return dialog;
	};

	// pieces (or a ready selection) sent to her on WhatsApp as a link to a page she opens without login
	const SELECTIONS = ["Pieces", "Item group", "New arrivals in the customer's category"];
	moments.share_catalogue = function (customer, done) {
		const dialog = new frappe.ui.Dialog({
			title: __("Share Pieces on WhatsApp"),
			fields: [
				{
					fieldname: "selection",
					fieldtype: "Select",
					label: __("Share"),
					options: SELECTIONS.map((value) => ({ value, label: __(value) })),
					default: SELECTIONS[0],
					reqd: 1,
				},
				{
					fieldname: "items",
					fieldtype: "MultiSelectList",
					label: __("Pieces"),
					depends_on: "eval:doc.selection == 'Pieces'",
					get_data: (txt) => frappe.db.get_link_options("Item", txt, { disabled: 0, is_sales_item: 1, has_variants: 0 }),
				},
				{
					fieldname: "item_group",
					fieldtype: "Link",
					options: "Item Group",
					label: __("Item Group"),
					depends_on: "eval:doc.selection == 'Item group'",
				},
			],
			primary_action_label: __("Send"),
			primary_action(values) {
				frappe
					.call({
						method: "jewel_clienteling.api.catalogue.share",
						args: {
							customer,
							selection: values.selection,
							items: values.selection === "Pieces" ? JSON.stringify(values.items || []) : null,
							item_group: values.selection === "Item group" ? values.item_group : null,
						},
						freeze: true,
					})
					.then((r) => {
						dialog.hide();
						const result = r.message || {};
						frappe.show_alert({
							message: result.status === "Skipped"
								? __("Shared {0} pieces, but no message goes: {1}", [result.pieces.length, result.skip_reason])
								: __("{0} pieces shared; the message is in the queue.", [result.pieces.length]),
							indicator: result.status === "Skipped" ? "orange" : "green",
						});
						done && done();
					});
			},
		});
		dialog.show();
		return dialog;
	};

	moments.appointment_html = function (row) {
		if (!row) return "";
		const when = frappe.datetime.str_to_user(row.scheduled_time);
		const body = `<div class="jc-row"><a href="/app/appointment/${encodeURIComponent(row.name)}"><b>${esc(
			__(row.jc_purpose || "Appointment")
		)}</b></a> · ${esc(when)}${row.jc_associate ? ` <span class="jc-snap-muted">${esc(
			frappe.user.full_name(row.jc_associate)
		)}</span>` : ""}${row.jc_pieces ? `<div class="jc-snap-muted">${esc(row.jc_pieces)}</div>` : ""}</div>`;
		return `<div class="jc-snap-section" data-section="appointment">
			<div class="jc-snap-title">${esc(__("Next Appointment"))}</div>${body}</div>`;
	};

	// her made-to-order pieces not yet delivered: stage, promised date, and ERPNext's own advance
	moments.orders_html = function (orders) {
		if (!orders || !orders.length) return "";
		const money = (value, currency) => format_currency(value || 0, currency);
		const rows = orders
			.map((row) => {
				const late = row.jc_promised_date && row.jc_promised_date < frappe.datetime.get_today();
				const promised = row.jc_promised_date
					? `<span class="${late ? "text-danger" : "jc-snap-muted"}">${esc(
							__("promised {0}", [frappe.datetime.str_to_user(row.jc_promised_date)])
					  )}</span>`
					: "";
				const what = [row.jc_metal, row.jc_purity, row.jc_size].filter(Boolean).join(" · ");
				return `<div class="jc-row"><a href="/app/sales-order/${encodeURIComponent(row.name)}"><b>${esc(
					row.name
				)}</b></a> · ${esc(__(row.jc_order_stage || "Ordered"))} ${promised}
				<div class="jc-snap-muted">${esc(what)}${what ? " · " : ""}${esc(
					__("advance {0} of {1}", [money(row.advance_paid, row.currency), money(row.grand_total, row.currency)])
				)}</div></div>`;
			})
			.join("");
		return `<div class="jc-snap-section" data-section="orders">
			<div class="jc-snap-title">${esc(__("Custom Orders"))}</div>${rows}</div>`;
	};

	// the old metal she has exchanged (submitted exchanges only); nothing when she has none
	moments.old_gold_html = function (summary) {
		if (!summary || !summary.exchanges) return "";
		const count = summary.exchanges === 1 ? __("1 exchange") : __("{0} exchanges", [summary.exchanges]);
		const credited = (summary.values || []).map((row) => format_currency(row.value || 0, row.currency));
		const fine = (summary.fine_weights || []).map((row) =>
			__("{0}: {1} g fine", [__(row.metal), format_number(row.fine_weight || 0, null, 3)])
		);
		return `<div class="jc-snap-section" data-section="old_gold">
			<div class="jc-snap-title">${esc(__("Old Gold Exchanged"))}</div>
			<div class="jc-row"><b>${esc(count)}</b> · ${esc(__("{0} credited", [credited.join(" + ")]))}
			<span class="jc-snap-muted">${esc(__("last on {0}", [frappe.datetime.str_to_user(summary.last_on)]))}</span>
			<div class="jc-snap-muted">${esc(fine.join(" · "))}</div></div></div>`;
	};

	// the sections this file adds to the snapshot, after the header
	moments.sections = function (data) {
		return (
			moments.appointment_html(data.appointment) +
			moments.orders_html(data.orders) +
			moments.old_gold_html(data.old_gold)
		);
	};
})(jewel_clienteling.moments);
