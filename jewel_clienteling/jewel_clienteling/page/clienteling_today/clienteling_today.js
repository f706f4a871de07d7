// Today's outreach: one card per customer to contact, grouped by associate, with the drafted
// message (editable) and one click that opens WhatsApp with it and marks the outreach done.
frappe.pages["clienteling-today"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Today's Outreach"),
		single_column: true,
	});
	const today = new ClientelingToday(page);
	page.set_secondary_action(__("Refresh"), () => today.load(), "refresh");
	today.load();
};

class ClientelingToday {
	constructor(page) {
		this.page = page;
		this.$body = $('<div class="jc-today"></div>').appendTo(page.main);
		this.associate = null;
	}

	load() {
		frappe
			.call({
				method: "jewel_clienteling.api.outreach.today",
				args: { associate: this.associate },
			})
			.then((r) => this.render(r.message))
			.then(() => this.leads())
			.then(() => this.appointments());
	}

	// enquiries whose next step is today or overdue, oldest step first, with their age
	leads() {
		return frappe
			.call({ method: "jewel_clienteling.api.leads.due", args: { associate: this.associate } })
			.then((r) => {
				const rows = r.message || [];
				if (!rows.length) return;
				const esc = frappe.utils.escape_html;
				const items = rows
					.map(
						(l) => `<div class="jc-row"><a href="/app/lead/${encodeURIComponent(l.name)}"><b>${esc(l.lead_name || l.name)}</b></a>
						· ${esc(__(l.jc_stage || "New"))} · ${esc(l.jc_next_action || __("Next step"))}
						<span class="${l.overdue ? "text-danger" : "text-muted"} small">${
							l.overdue ? __("Overdue since {0}", [frappe.datetime.str_to_user(l.jc_next_action_on)]) : __("Today")
						} · ${__("{0} days old", [l.age_days])}</span></div>`
					)
					.join("");
				$(`<div class="frappe-card jc-leads" style="padding: 12px; margin-bottom: 16px">
					<h5>${__("Leads to Follow Up")} <span class="text-muted">(${rows.length})</span></h5>${items}</div>`).prependTo(this.$body);
			});
	}

	// today's appointments above the messages: who is coming, when, and what to keep ready
	appointments() {
		return frappe
			.call({ method: "jewel_clienteling.api.appointments.today", args: { associate: this.associate } })
			.then((r) => {
				const rows = r.message || [];
				if (!rows.length) return;
				const esc = frappe.utils.escape_html;
				const items = rows
					.map(
						(a) => `<div class="jc-row"><b>${esc(frappe.datetime.str_to_user(a.scheduled_time).split(" ").pop())}</b>
						<a href="/app/appointment/${encodeURIComponent(a.name)}">${esc(a.customer_name || a.jc_customer || "")}</a>
						· ${esc(__(a.jc_purpose || "Appointment"))} · ${esc(__(a.status))}
						${a.jc_pieces ? `<div class="text-muted small">${esc(a.jc_pieces)}</div>` : ""}</div>`
					)
					.join("");
				$(`<div class="frappe-card jc-appointments" style="padding: 12px; margin-bottom: 16px">
					<h5>${__("Today's Appointments")} <span class="text-muted">(${rows.length})</span></h5>${items}</div>`).prependTo(this.$body);
			});
	}

	render(data) {
		this.$body.empty();
		if (data.is_manager && !this.filter_added) {
			this.filter_added = true;
			this.page.add_field({
				fieldname: "associate",
				label: __("Associate"),
				fieldtype: "Link",
				options: "User",
				change: () => {
					this.associate = this.page.fields_dict.associate.get_value() || null;
					this.load();
				},
			});
			this.page.add_inner_button(__("Hand Over an Associate's Customers"), () => this.reassign());
		}
		if (!data.groups.length) {
			this.$body.append(
				`<div class="text-muted text-center" style="padding: 40px">${__("Nobody to contact today.")}</div>`
			);
			return;
		}
		for (const group of data.groups) {
			const $group = $(`<div class="jc-group" style="margin-bottom: 24px">
				<h5>${frappe.utils.escape_html(group.associate_name)}
				<span class="text-muted">(${group.outreach.length})</span></h5></div>`).appendTo(this.$body);
			for (const row of group.outreach) {
				this.card(row).appendTo($group);
			}
		}
	}

	card(row) {
		const esc = frappe.utils.escape_html;
		const $card = $(`<div class="frappe-card" style="padding: 12px; margin-bottom: 8px">
			<div class="flex justify-between">
				<div><a href="/app/customer/${encodeURIComponent(row.customer)}"><b>${esc(row.customer_name || row.customer)}</b></a>
				<span class="indicator-pill ${row.purpose === "Utility" ? "blue" : "green"}">${esc(__(row.reason))}</span>
				<span class="text-muted small">${esc(row.step || "")}</span></div>
				<div class="text-muted small">${frappe.datetime.str_to_user(row.due_date)}${
					row.expires_on
						? " · " + __("until {0}", [frappe.datetime.str_to_user(row.expires_on)])
						: ""
				}</div>
			</div>
			${row.held_reason ? `<div class="jc-held text-warning small" style="margin-top: 6px">${esc(row.held_reason)}</div>` : ""}
			<textarea class="form-control jc-message" rows="3" style="margin: 8px 0"></textarea>
			<div class="flex" style="gap: 8px">
				<button class="btn btn-primary btn-xs jc-send">${__("Open WhatsApp and Mark Done")}</button>
				<button class="btn btn-default btn-xs jc-done">${__("Mark Done")}</button>
				<button class="btn btn-default btn-xs jc-skip">${__("Skip")}</button>
				<a class="btn btn-link btn-xs" href="/app/client-outreach/${encodeURIComponent(row.name)}">${__("Open")}</a>
			</div></div>`);
		$card.find(".jc-message").val(row.message || "");
		if (!row.phone) {
			$card.find(".jc-send").prop("disabled", true).attr("title", __("No valid mobile number"));
		}
		const message = () => $card.find(".jc-message").val();
		$card.find(".jc-send").on("click", () => {
			// open the window inside the click, before any await, so the browser allows it; it is sent
			// to WhatsApp only once the server agrees the message may still go (her rhythm, asked now)
			const link = `https://wa.me/${row.phone.replace(/\D/g, "")}?text=${encodeURIComponent(message())}`;
			const win = window.open("", "_blank");
			if (win) win.opener = null;
			this.done(row, message(), $card, win, link);
		});
		$card.find(".jc-done").on("click", () => this.done(row, message(), $card));
		$card.find(".jc-skip").on("click", () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Why skip?"), reqd: 1 },
				(values) =>
					frappe
						.call({
							method: "jewel_clienteling.api.outreach.skip",
							args: { name: row.name, reason: values.reason },
						})
						.then(() => $card.fadeOut()),
				__("Skip this outreach")
			);
		});
		return $card;
	}

	done(row, message, $card, win, link) {
		frappe
			.call({
				method: "jewel_clienteling.api.outreach.mark_done",
				args: { name: row.name, message: message, sending: win ? 1 : 0 },
			})
			.then((r) => {
				if (r.message && r.message.status === "Skipped") {
					// held back: the server's message says why; nothing is opened
					if (win) win.close();
				} else {
					if (win) win.location.href = link;
					frappe.show_alert({ message: __("Done"), indicator: "green" });
				}
				$card.fadeOut();
			})
			.catch(() => win && win.close());
	}

	reassign() {
		frappe.prompt(
			[
				{ fieldname: "from_user", fieldtype: "Link", options: "User", label: __("From"), reqd: 1 },
				{ fieldname: "to_user", fieldtype: "Link", options: "User", label: __("To"), reqd: 1 },
			],
			(values) =>
				frappe
					.call({ method: "jewel_clienteling.api.outreach.reassign", args: values })
					.then((r) => {
						frappe.msgprint(
							__("Handed over {0} outreach and {1} customers.", [
								r.message.outreach,
								r.message.customers,
							])
						);
						this.load();
					}),
			__("Hand Over an Associate's Customers")
		);
	}
}
