// ERPNext's Lead list, kept as it is, with the enquiry's age beside its stage and an overdue next
// step in red (the age is worked out from the lead's creation, as the form's Age field is).
(function () {
	const settings = (frappe.listview_settings["Lead"] = frappe.listview_settings["Lead"] || {});
	settings.add_fields = (settings.add_fields || []).concat(["creation", "jc_stage", "jc_next_action_on"]);
	const open = (doc) => !["Won", "Lost"].includes(doc.jc_stage);
	settings.formatters = Object.assign(settings.formatters || {}, {
		jc_stage(value, df, doc) {
			const created = (doc.creation || "").slice(0, 10); // the day it came in, as the form counts it
			const days = frappe.datetime.get_day_diff(frappe.datetime.get_today(), created);
			const age = open(doc) ? ` <span class="text-muted small">· ${__("{0} d", [days])}</span>` : "";
			return `${frappe.utils.escape_html(__(value || "New"))}${age}`;
		},
		jc_next_action_on(value, df, doc) {
			if (!value) return "";
			const overdue = open(doc) && value < frappe.datetime.get_today();
			const text = frappe.utils.escape_html(frappe.datetime.str_to_user(value));
			return overdue ? `<span class="text-danger" title="${__("Overdue")}">${text}</span>` : text;
		},
	});
})();
