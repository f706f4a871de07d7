// Her WhatsApp conversation on the Lead, Customer and Conversation forms: the latest messages, whether
// the 24-hour window is open, and an answer from the desk (free text while it is open, an approved
// template after it). The server decides what may be sent (api/inbox.py); this only shows it.
(() => {
	const API = "jewel_clienteling.api.inbox.";

	function render(frm, data) {
		const conv = data.conversation;
		const rows = (data.messages || [])
			.slice()
			.reverse()
			.map((m) => {
				const mine = m.direction === "Outbound";
				const who = mine ? frappe.user.full_name(m.sent_by) : m.profile_name || conv.title;
				return `<div class="jc-msg ${mine ? "text-right" : ""}" style="margin:4px 0">
					<span class="text-muted small">${frappe.utils.escape_html(who || "")} ·
					${frappe.datetime.comment_when(m.received_on)}</span><br>
					<span class="${mine ? "indicator-pill blue" : "indicator-pill gray"}"
						style="white-space:pre-wrap;height:auto">${frappe.utils.escape_html(
							m.text || `[${m.kind}]`
						)}</span></div>`;
			})
			.join("");
		const state = data.window_open
			? __("Reply window open until {0}", [frappe.datetime.str_to_user(data.window_closes_at)])
			: __("Reply window closed: only an approved template can be sent");
		// above the form's tabs, where it is seen first (the dashboard sits in the Connections tab)
		$(`<div class="jc-conversation frappe-card" style="margin-bottom:var(--margin-md)">
			<div class="h6 uppercase">${__("WhatsApp Conversation")}</div>
			<div class="text-muted small" style="margin-bottom:6px">${frappe.utils.escape_html(state)}</div>
			<div style="max-height:320px;overflow-y:auto">${rows || __("No messages yet")}</div></div>`)
			.prependTo(frm.layout.wrapper);
		frm.add_custom_button(__("Reply on WhatsApp"), () => reply(frm, data));
		if (conv.unread) {
			frappe.xcall(API + "mark_read", { conversation: conv.name });
		}
	}

	function reply(frm, data) {
		const templates = (data.templates || []).map((t) => t.name);
		const dialog = new frappe.ui.Dialog({
			title: __("Reply to {0}", [data.conversation.title]),
			fields: [
				{
					fieldname: "text",
					fieldtype: "Small Text",
					label: __("Message"),
					read_only: data.window_open ? 0 : 1,
					description: data.window_open ? "" : __("The 24-hour window is closed"),
				},
				{
					fieldname: "template",
					fieldtype: "Select",
					label: __("Or an approved template"),
					options: ["", ...templates],
				},
			],
			primary_action_label: __("Send"),
			primary_action(values) {
				frappe
					.xcall(API + "reply", {
						conversation: data.conversation.name,
						text: values.text || null,
						template: values.template || null,
					})
					.then(() => {
						dialog.hide();
						frappe.show_alert({ message: __("Sent"), indicator: "green" });
						frm.reload_doc();
					});
			},
		});
		dialog.show();
	}

	function load(frm) {
		if (frm.is_new()) return;
		$(frm.layout.wrapper).find(".jc-conversation").remove();
		frappe.call({
			method: API + "conversation",
			type: "GET",
			args: { doctype: frm.doctype, name: frm.doc.name },
			callback: (r) => r.message && r.message.conversation && render(frm, r.message),
		});
	}

	for (const doctype of ["Lead", "Customer", "Clienteling Conversation"]) {
		frappe.ui.form.on(doctype, { refresh: load });
	}
})();
