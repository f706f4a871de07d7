// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// Each segment's saved figures beside its name ("1,240 customers · 85 leads"), as the user may read
// them: a user limited to a store reads her store's, counted as the preview counts them.
frappe.listview_settings["Client Segment"] = {
	refresh(listview) {
		const names = (listview.data || []).map((doc) => doc.name);
		if (!names.length) return;
		frappe
			.call({
				method: "jewel_clienteling.api.segments.saved_counts",
				args: { segments: JSON.stringify(names) },
				type: "GET",
				silent: true,
			})
			.then((r) => {
				const figures = r.message || {};
				listview.$result.find(".list-row-checkbox[data-name]").each((_, checkbox) => {
					const found = figures[checkbox.dataset.name];
					const $subject = $(checkbox).closest(".list-subject");
					$subject.find(".jc-segment-figures").remove();
					if (!found) return;
					$subject.append(
						`<span class="jc-segment-figures text-muted small ml-2">${frappe.utils.escape_html(
							found.text
						)}</span>`
					);
				});
			});
	},
};
