// Learning from past sales: a button to start (or go on with) it, and its progress as it runs.

frappe.ui.form.on("Clienteling Settings", {
	setup(frm) {
		frappe.realtime.on("jewel_clienteling_history", (progress) => {
			if (frm.doc.doctype !== "Clienteling Settings") return;
			frm.doc.history_done = progress.done;
			frm.doc.history_total = progress.total;
			frm.doc.history_rate = progress.rate;
			frm.doc.history_expected_end = progress.expected_end || null;
			frm.refresh_fields(["history_done", "history_total", "history_rate", "history_expected_end"]);
			if (progress.done >= progress.total && !frm.is_dirty()) frm.reload_doc();
		});
	},
	refresh(frm) {
		const unfinished = ["Paused", "Failed"].includes(frm.doc.history_status);
		frm.add_custom_button(
			unfinished ? __("Go On Learning from Past Sales") : __("Learn from Past Sales"),
			() => learn(frm, false)
		);
		if (unfinished) {
			frm.add_custom_button(__("Start Again from the First Customer"), () => learn(frm, true));
		}
	},
});

function learn(frm, restart) {
	frappe.confirm(
		__(
			"Learn every customer's profile again from all their past sales? It runs in the background; you can keep working."
		),
		() =>
			frappe
				.xcall("jewel_clienteling.api.history.learn_history", { restart: restart ? 1 : 0 })
				.then((state) => {
					frappe.show_alert({
						message: state.already_running
							? __("Learning from past sales is already running.")
							: __("Learning from past sales is queued."),
						indicator: state.already_running ? "orange" : "green",
					});
					if (!frm.is_dirty()) frm.reload_doc();
				})
	);
}
