// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// The client panel on ERPNext's point-of-sale page (a page_js hook). It follows the POS's own customer
// selector: when the associate picks a customer, her snapshot opens beside the cart, with quick actions.
// It loads after the POS has finished its own work for her, in the background: the POS never waits.
frappe.provide("jewel_clienteling.pos");

jewel_clienteling.pos.Panel = class Panel {
	constructor(wrapper) {
		this.wrapper = wrapper;
		this.customer = null;
		this.data = null;
		jewel_clienteling.snapshot.add_styles();
		this.add_styles();
		// the launcher sits above the POS in the page's flow, and the panel is a column of the POS's own
		// grid beside the cart (see dock): neither floats over the items or the cart
		const $main = $(wrapper).find(".layout-main-section");
		this.$launcher = $(`<div class="jc-pos-launcher">
			<button class="btn btn-default btn-sm jc-open-client" style="display:none">${__("Customer Profile")}</button>
			<button class="btn btn-default btn-sm jc-walk-in">${__("Walk-in")}</button>
		</div>`).prependTo($main.length ? $main : wrapper);
		this.$panel = $(`<div class="jc-pos-panel" style="display:none">
			<div class="jc-pos-panel-bar">
				<span class="jc-pos-panel-title">${__("Customer Profile")}</span>
				<button class="btn btn-xs btn-default jc-close" title="${__("Close")}">×</button>
			</div>
			<div class="jc-pos-actions"></div>
			<div class="jc-pos-body"></div>
		</div>`).appendTo(wrapper);
		this.$body = this.$panel.find(".jc-pos-body");
		this.$panel.find(".jc-close").on("click", () => this.close());
		this.$launcher.find(".jc-open-client").on("click", () => this.open());
		this.$launcher.find(".jc-walk-in").on("click", () => jewel_clienteling.pos.walk_in(this));
		this.make_actions();
	}

	make_actions() {
		const actions = [
			[__("Occasion"), "occasion", () => jewel_clienteling.snapshot.add_occasion(this.customer, () => this.reload())],
			[
				__("Preference"),
				"preference",
				() => jewel_clienteling.snapshot.add_preference(this.customer, () => this.reload()),
			],
			[__("Note"), "note", () => jewel_clienteling.snapshot.add_note(this.customer, () => this.reload())],
			[__("This Sale's Occasion"), "sale-occasion", () => this.capture_occasion()],
			[
				__("Appointment"),
				"appointment",
				() =>
					jewel_clienteling.moments.book_appointment(
						this.customer,
						this.frm() && this.frm().doc.pos_profile,
						() => this.reload()
					),
			],
			[
				__("Share Pieces"),
				"catalogue",
				() => jewel_clienteling.moments.share_catalogue(this.customer, () => this.reload()),
			],
			[__("Redeem Points"), "redeem", () => this.redeem_points()],
			[__("Rhythm"), "rhythm", () => jewel_clienteling.rhythm.edit(this.customer, this.data, () => this.reload())],
		];
		const $actions = this.$panel.find(".jc-pos-actions");
		for (const [label, key, action] of actions) {
			$(`<button class="btn btn-xs btn-default" data-action="${key}">+ ${label}</button>`)
				.appendTo($actions)
				.on("click", action);
		}
	}

	frm() {
		return window.cur_pos && cur_pos.frm;
	}

	is_walk_in(customer) {
		const boot = frappe.boot.jewel_clienteling || {};
		return !customer || customer === boot.walk_in_customer;
	}

	customer_changed(customer) {
		if (customer === this.customer) return;
		this.customer = customer;
		this.data = null;
		if (this.is_walk_in(customer)) {
			this.close();
			this.$launcher.find(".jc-open-client").hide();
			return;
		}
		this.$launcher.find(".jc-open-client").show();
		this.open();
	}

	open() {
		if (!this.customer) return;
		this.dock(true);
		this.$panel.show();
		if (!this.data) this.reload();
	}

	close() {
		this.$panel.hide();
		this.dock(false);
	}

	// The panel becomes the last column of ERPNext's POS grid (items 6/10, cart 4/10 of what is left),
	// so the item grid narrows to make room instead of being covered.
	dock(open) {
		const $app = $(this.wrapper).find(".point-of-sale-app");
		if (!$app.length) return;
		if (this.$panel.parent()[0] !== $app[0]) this.$panel.appendTo($app);
		$app.toggleClass("jc-with-panel", open);
		// on a wide screen the page takes the window's width, so the cart keeps its own width too
		$(this.wrapper).toggleClass("jc-pos-wide", open);
	}

	reload() {
		const customer = this.customer;
		this.$body.html(`<div class="jc-snap-empty">${__("Loading…")}</div>`);
		return jewel_clienteling.snapshot.fetch(customer).then((data) => {
			if (customer !== this.customer) return; // she was replaced while it loaded
			this.data = data;
			this.$body.html(jewel_clienteling.snapshot.html(data));
			this.show_sale_capture();
		});
	}

	show_sale_capture() {
		const doc = this.frm() && this.frm().doc;
		if (!doc) return;
		const parts = [];
		if (doc.jc_purchase_occasion) {
			parts.push(
				__("This sale: {0}", [__(doc.jc_purchase_occasion)]) +
					(doc.jc_recipient_name ? " · " + __("for {0}", [doc.jc_recipient_name]) : "")
			);
		}
		if (doc.jc_redeem_points) parts.push(__("redeeming {0} points", [doc.jc_redeem_points]));
		this.$body.find(".jc-sale-capture").remove();
		if (parts.length) {
			$(`<div class="jc-sale-capture jc-chip jc-chip-stated"></div>`)
				.text(parts.join(" · "))
				.prependTo(this.$body);
		}
	}

	capture_occasion() {
		const frm = this.frm();
		if (!frm) return;
		const dialog = new frappe.ui.Dialog({
			title: __("What Is This Sale For?"),
			fields: [
				{
					fieldname: "jc_purchase_occasion",
					fieldtype: "Select",
					label: __("Occasion"),
					options: frappe.meta.get_docfield(frm.doctype, "jc_purchase_occasion").options,
					default: frm.doc.jc_purchase_occasion,
					reqd: 1,
				},
				{
					fieldname: "jc_recipient_name",
					fieldtype: "Data",
					label: __("For whom"),
					default: frm.doc.jc_recipient_name,
				},
				{
					fieldname: "jc_recipient_relation",
					fieldtype: "Select",
					label: __("Recipient's relation to the customer"),
					options: frappe.meta.get_docfield(frm.doctype, "jc_recipient_relation").options,
					default: frm.doc.jc_recipient_relation,
				},
				{
					fieldname: "jc_occasion_date",
					fieldtype: "Date",
					label: __("Date of the occasion (remembered every year)"),
					default: frm.doc.jc_occasion_date,
				},
			],
			primary_action_label: __("Save"),
			primary_action: (values) => {
				const self = values.jc_purchase_occasion === "Self";
				dialog.hide();
				frm.set_value({
					jc_purchase_occasion: values.jc_purchase_occasion,
					jc_recipient_name: self ? "" : values.jc_recipient_name || "",
					jc_recipient_relation: self ? "" : values.jc_recipient_relation || "",
					jc_occasion_date: values.jc_occasion_date || "",
				}).then(() => {
					this.show_sale_capture();
					frappe.show_alert({ message: __("Saved with this sale"), indicator: "green" });
				});
			},
		});
		dialog.show();
	}

	redeem_points() {
		const frm = this.frm();
		const points = (this.data && this.data.profile.jc_loyalty_points) || 0;
		if (!frm) return;
		if (points <= 0) {
			frappe.msgprint(__("No points to redeem yet."));
			return;
		}
		frappe.prompt(
			{
				fieldname: "points",
				fieldtype: "Int",
				label: __("Points to redeem ({0} available)", [points]),
				default: frm.doc.jc_redeem_points || points,
				reqd: 1,
			},
			(values) => {
				if (values.points < 0 || values.points > points) {
					frappe.msgprint(__("Redeem between 0 and {0} points.", [points]));
					return;
				}
				frm.set_value("jc_redeem_points", values.points).then(() => {
					this.show_sale_capture();
					frappe.show_alert({
						message: __("The points discount is applied when you go to payment"),
						indicator: "green",
					});
				});
			},
			__("Redeem Points")
		);
	}

	add_styles() {
		if (document.getElementById("jc-pos-panel-styles")) return;
		const style = document.createElement("style");
		style.id = "jc-pos-panel-styles";
		style.textContent = `
			.jc-pos-launcher { display: flex; justify-content: flex-end; gap: 6px; padding: 0 1%; }
			.jc-pos-wide .page-head .container, .jc-pos-wide .page-body.container { max-width: 100%; }
			.point-of-sale-app.jc-with-panel {
				grid-template-columns: repeat(10, minmax(0, 1fr)) clamp(260px, 22vw, 400px); }
			.point-of-sale-app > .jc-pos-panel { grid-column: 11; grid-row: 1; min-width: 0;
				min-height: 45rem; height: calc(100vh - 200px); max-height: calc(100vh - 200px);
				overflow-y: auto; background: var(--card-bg); border: 1px solid var(--border-color);
				border-radius: var(--border-radius-lg); box-shadow: var(--shadow-base); padding: 10px 14px; }
			.jc-pos-panel-bar { display: flex; justify-content: space-between; align-items: center; }
			.jc-pos-panel-title { font-weight: 600; color: var(--text-muted); font-size: var(--text-xs);
				text-transform: uppercase; }
			.jc-pos-actions { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0 8px; }
			.jc-sale-capture { margin-bottom: 6px; }
		`;
		document.head.appendChild(style);
	}
};

// Walk-in quick entry: she looked, liked, did not buy (yet).
jewel_clienteling.pos.walk_in = function (panel) {
	const dialog = new frappe.ui.Dialog({
		title: __("Walk-in"),
		size: "large",
		fields: [
			{ fieldname: "visitor_name", fieldtype: "Data", label: __("Name"), reqd: 1 },
			{ fieldname: "mobile", fieldtype: "Data", options: "Phone", label: __("Mobile"), reqd: 1 },
			{
				fieldname: "whatsapp_consent",
				fieldtype: "Check",
				label: __("Agrees to hear from us on WhatsApp"),
			},
			{ fieldname: "referred_by", fieldtype: "Link", options: "Customer", label: __("Referred by") },
			{
				fieldname: "keep_as_lead",
				fieldtype: "Check",
				label: __("Keep as a lead (no customer yet)"),
				description: __("A visitor who is not a customer stays an enquiry, with the follow-up as its next step"),
			},
			{ fieldtype: "Column Break" },
			{ fieldname: "budget", fieldtype: "Currency", label: __("Budget") },
			{
				fieldname: "occasion",
				fieldtype: "Select",
				label: __("Occasion"),
				options: ["", "Self", "Anniversary gift", "Birthday gift", "Wedding", "Engagement", "Festival", "Other"],
			},
			{ fieldname: "occasion_date", fieldtype: "Date", label: __("Occasion date") },
			{
				fieldname: "reason_not_bought",
				fieldtype: "Select",
				label: __("Why nothing was bought"),
				options: [
					"",
					"Price",
					"Design not found",
					"Size not available",
					"Just browsing",
					"Will come with family",
					"Comparing",
					"Other",
				],
			},
			{ fieldtype: "Section Break", label: __("Pieces liked") },
			{
				fieldname: "wishlist",
				fieldtype: "Table",
				label: __("Pieces liked"),
				cannot_add_rows: false,
				in_place_edit: true,
				data: [],
				fields: [
					{ fieldname: "item", fieldtype: "Link", options: "Item", label: __("Item"), in_list_view: 1 },
					{ fieldname: "description", fieldtype: "Data", label: __("Description"), in_list_view: 1 },
					{ fieldname: "size", fieldtype: "Data", label: __("Size"), in_list_view: 1 },
				],
			},
			{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
		],
		primary_action_label: __("Save and Plan a Follow-up"),
		primary_action(values) {
			frappe
				.call({
					method: "jewel_clienteling.api.walk_ins.record_walk_in",
					args: {
						...values,
						wishlist: JSON.stringify(
							(values.wishlist || []).filter((row) => row.item || row.description)
						),
						store: (window.cur_pos && cur_pos.frm && cur_pos.frm.doc.pos_profile) || null,
					},
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					const result = r.message || {};
					frappe.show_alert({
						message: result.lead
							? __("Saved on lead {0}. Next step on {1}.", [
									result.lead,
									frappe.datetime.str_to_user(result.follow_up_on),
							  ])
							: result.outreach_planned
							? __("Saved. A follow-up is planned for {0}.", [
									frappe.datetime.str_to_user(result.follow_up_on),
							  ])
							: __("Saved. No follow-up message: {0}", [__(result.follow_up_status || "")]),
						indicator: "green",
					});
					const cart = window.cur_pos && cur_pos.cart;
					if (cart && cart.customer_field && result.customer && !cur_pos.frm.doc.items.length) {
						// she is now a known customer: pick her, as the POS's own selector would
						cart.customer_field.set_value(result.customer);
					}
				});
		},
	});
	dialog.show();
	return dialog;
};

// Follow the POS's customer selector: ERPNext sets the invoice's customer and triggers its event.
frappe.ui.form.on("POS Invoice", {
	customer(frm) {
		const panel = jewel_clienteling.pos.panel;
		if (!panel || frappe.get_route_str() !== "point-of-sale") return;
		if (!window.cur_pos || cur_pos.frm !== frm) return;
		const customer = frm.doc.customer || null;
		// let the POS finish its own work for her first (details, prices, loyalty): then hers
		jewel_clienteling.pos.when_idle(() => {
			if ((frm.doc.customer || null) === customer) panel.customer_changed(customer);
		});
	},
});

// Runs `fn` once the desk has had no request in flight for 150 ms (or after 2 s at most).
jewel_clienteling.pos.when_idle = function (fn) {
	const started = Date.now();
	let quiet = 0;
	const tick = () => {
		quiet = frappe.request.ajax_count ? 0 : quiet + 1;
		if (quiet >= 3 || Date.now() - started > 2000) fn();
		else setTimeout(tick, 50);
	};
	setTimeout(tick, 50);
};

(function () {
	const page = frappe.pages["point-of-sale"];
	const boot = frappe.boot.jewel_clienteling || {};
	if (!page || !boot.pos_panel) return;
	const on_page_load = page.on_page_load;
	page.on_page_load = function (wrapper) {
		on_page_load.call(this, wrapper);
		jewel_clienteling.pos.panel = new jewel_clienteling.pos.Panel(wrapper);
	};
})();
