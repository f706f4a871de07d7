// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

frappe.ui.form.on("Client Segment", {
	refresh(frm) {
		if (!frm.is_new() && frappe.model.can_create("Client Campaign")) {
			frm.add_custom_button(__("Make Campaign"), () => {
				frappe
					.call({
						method: "jewel_clienteling.api.segments.make_campaign",
						args: { segment: frm.doc.name },
						freeze: true,
					})
					.then((r) => frappe.set_route("Form", "Client Campaign", r.message));
			}).addClass("btn-primary");
		}
		show_preview(frm);
		show_saved_figures(frm);
	},
});

// what the segment held when last saved ("1,240 customers · 85 leads"), as the user may read it
function show_saved_figures(frm) {
	if (frm.is_new()) return;
	frappe
		.call({
			method: "jewel_clienteling.api.segments.saved_counts",
			args: { segments: JSON.stringify([frm.doc.name]) },
			type: "GET",
			silent: true,
		})
		.then((r) => {
			const found = (r.message || {})[frm.doc.name];
			if (!found) return;
			const when = found.counted_on
				? ` <span class="text-muted">(${__("counted {0}", [comment_when(found.counted_on)])})</span>`
				: "";
			frm.dashboard.set_headline(`${frappe.utils.escape_html(found.text)}${when}`);
		});
}

frappe.ui.form.on("Client Segment Rule", {
	criterion: (frm) => show_preview_soon(frm),
	qualifier: (frm) => show_preview_soon(frm),
	operator: (frm) => show_preview_soon(frm),
	value: (frm) => show_preview_soon(frm),
	days: (frm) => show_preview_soon(frm),
	min_score: (frm) => show_preview_soon(frm),
	rules_remove: (frm) => show_preview_soon(frm),
});

function show_preview_soon(frm) {
	clearTimeout(frm._jc_preview_timer);
	frm._jc_preview_timer = setTimeout(() => show_preview(frm), 400);
}

function show_preview(frm) {
	const field = frm.get_field("preview");
	if (!frappe.model.can_read("Customer")) {
		field.$wrapper.html("");
		return;
	}
	const rules = (frm.doc.rules || []).filter((row) => row.criterion && row.operator);
	if (!rules.length) {
		field.$wrapper.html(`<p class="text-muted">${__("Add a rule to see who is in the segment.")}</p>`);
		return;
	}
	const columns = ["criterion", "qualifier", "operator", "value", "days", "min_score", "idx"];
	const rows = rules.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
	frappe.call({
		method: "jewel_clienteling.api.segments.preview",
		args: { segment: frm.doc.name, rules: JSON.stringify(rows) },
		type: "GET",
		silent: true,
		callback: (r) => r.message && field.$wrapper.html(render(r.message)),
		error: (r) => field.$wrapper.html(render_error(r)),
	});
}

function render(data) {
	return render_customers(data) + render_leads(data);
}

// the open leads the rules hold (only rules a lead can answer: consent, store, category, budget)
function render_leads(data) {
	if (!data.lead_count) return "";
	const names = (data.lead_rows || [])
		.map(
			(row) =>
				`<a href="/app/lead/${encodeURIComponent(row.name)}">${frappe.utils.escape_html(
					row.lead_name || row.name
				)}</a>${row.jc_whatsapp_opt_in ? "" : ` <span class="text-muted">(${__("no consent")})</span>`}`
		)
		.join(", ");
	return `<p><b>${__("{0} open leads match", [data.lead_count])}</b></p><p>${names}</p>`;
}

function render_customers(data) {
	const head = __("{0} customers match", [data.count]);
	if (!data.rows.length) return `<p><b>${head}</b></p>`;
	const body = data.rows
		.map(
			(row) => `<tr>
				<td><a href="/app/customer/${encodeURIComponent(row.name)}">${frappe.utils.escape_html(
				row.customer_name || row.name
			)}</a></td>
				<td>${frappe.utils.escape_html(__(row.lifecycle_stage || ""))}</td>
				<td class="text-right">${format_currency(row.lifetime_value || 0)}</td>
				<td>${row.last_purchase_date ? frappe.datetime.str_to_user(row.last_purchase_date) : ""}</td>
			</tr>`
		)
		.join("");
	const more =
		data.count > data.shown
			? `<p class="text-muted">${__("The first {0} of them.", [data.shown])}</p>`
			: "";
	return `<p><b>${head}</b></p>
		<table class="table table-bordered table-sm">
			<thead><tr>
				<th>${__("Customer")}</th><th>${__("Stage")}</th>
				<th class="text-right">${__("Lifetime Value")}</th><th>${__("Last Purchase")}</th>
			</tr></thead>
			<tbody>${body}</tbody>
		</table>${more}`;
}

function render_error(r) {
	let text = __("The segment could not be counted.");
	try {
		const messages = JSON.parse((r && r._server_messages) || "[]");
		if (messages.length) text = JSON.parse(messages[0]).message || text;
	} catch (e) {
		// keep the general sentence
	}
	return `<p class="text-danger">${frappe.utils.escape_html(text)}</p>`;
}
