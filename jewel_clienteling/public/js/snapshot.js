// Copyright (c) 2026, jewel_clienteling contributors
// For license information, please see license.txt

// Her snapshot, as the counter and the Customer form show it, and the quick actions that add to it.
// Loaded with the point-of-sale page (page_js) and the Customer form (doctype_js).
frappe.provide("jewel_clienteling.snapshot");

(function (snapshot) {
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const MONTHS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
	const OCCASION_TYPES = [
		"Birthday",
		"Anniversary",
		"Wedding",
		"Engagement",
		"Child's Birthday",
		"Festival",
		"Other",
	];
	// one per line would push this file past 400 lines
	const RELATIONS = "Self,Spouse,Daughter,Son,Mother,Father,Sister,Brother,Daughter-in-law,Son-in-law,Grandchild,Friend,Other".split(",");

	snapshot.fetch = function (customer) {
		return frappe
			.call({
				method: "jewel_clienteling.api.customer.get_snapshot",
				type: "GET",
				args: { customer },
			})
			.then((r) => r.message);
	};

	snapshot.money = (value, currency) => format_currency(value || 0, currency);

	function days_away(date) {
		const days = frappe.datetime.get_day_diff(date, frappe.datetime.get_today());
		if (days === 0) return __("today");
		if (days === 1) return __("tomorrow");
		return __("in {0} days", [days]);
	}

	function section(title, body, key) {
		return `<div class="jc-snap-section" data-section="${key}">
			<div class="jc-snap-title">${esc(title)}</div>${body}</div>`;
	}

	function empty(text) {
		return `<div class="jc-snap-empty">${esc(text)}</div>`;
	}

	function chip(text, kind) {
		return `<span class="jc-chip ${kind || ""}">${esc(text)}</span>`;
	}

	function header(p) {
		const stage = p.jc_lifecycle_stage ? chip(__(p.jc_lifecycle_stage), "jc-chip-stage") : "";
		const tier = p.jc_loyalty_tier ? chip(p.jc_loyalty_tier, "jc-chip-tier") : "";
		const lapsing = p.jc_points_expiring
			? `<div class="jc-snap-muted">${esc(
					__("{0} points lapse on {1}", [
						p.jc_points_expiring,
						frappe.datetime.str_to_user(p.jc_points_next_expiry),
					])
			  )}</div>`
			: "";
		const stats = [
			[__("Points"), p.jc_loyalty_points || 0],
			[__("Visits"), p.jc_visits || 0],
			[__("Spent"), snapshot.money(p.jc_lifetime_value)],
			[
				__("Last visit"),
				p.jc_last_purchase_date ? frappe.datetime.str_to_user(p.jc_last_purchase_date) : "—",
			],
		]
			.map(
				([label, value]) =>
					`<div class="jc-stat"><div class="jc-stat-value">${esc(value)}</div>
					<div class="jc-stat-label">${esc(label)}</div></div>`
			)
			.join("");
		return `<div class="jc-snap-head">
			<div class="jc-snap-name">${esc(p.customer_name)} ${tier} ${stage}</div>
			<div class="jc-snap-muted">${esc(p.mobile_no || "")}${
			p.jc_referred_by ? " · " + esc(__("referred by {0}", [p.jc_referred_by])) : ""
		}</div>
			<div class="jc-stats">${stats}</div>${lapsing}</div>`;
	}

	function consent(p) {
		if (p.jc_erased_on) return chip(__("Data erased on request: do not contact"), "jc-chip-no");
		if (p.jc_do_not_contact) return chip(__("Do not contact"), "jc-chip-no");
		const channels = [
			["WhatsApp", p.jc_whatsapp_opt_in],
			["SMS", p.jc_sms_opt_in],
			["Email", p.jc_email_opt_in],
		];
		const rhythm = [p.jc_contact_rhythm, p.jc_preferred_time, p.jc_preferred_channel].filter(Boolean);
		const chips = channels.map(([channel, yes]) =>
			chip(yes ? __("{0}: yes", [channel]) : __("{0}: not asked", [channel]), yes ? "jc-chip-yes" : "")
		);
		if (rhythm.length) chips.push(chip(__("Rhythm: {0}", [rhythm.map((v) => __(v)).join(" · ")]), "jc-chip-rhythm"));
		return chips.join(" ");
	}

	function occasions(rows) {
		if (!rows.length) return empty(__("No occasion in the coming weeks: ask about one!"));
		return rows
			.map(
				(o) => `<div class="jc-row"><b>${esc(__(o.occasion_type))}</b>${
					o.person_name ? " · " + esc(o.person_name) : ""
				}${o.relation && o.relation !== "Self" ? ` (${esc(__(o.relation))})` : ""}
				<span class="jc-snap-muted">${esc(frappe.datetime.str_to_user(o.next_occurrence))}, ${esc(
					days_away(o.next_occurrence)
				)}</span></div>`
			)
			.join("");
	}

	function preferences(rows) {
		if (!rows.length) return empty(__("Nothing known yet."));
		return rows
			.map((p) =>
				chip(
					`${__(p.dimension)}${p.qualifier ? " (" + p.qualifier + ")" : ""}: ${p.value}`,
					p.source === "Stated" ? "jc-chip-stated" : ""
				)
			)
			.join(" ");
	}

	function wishlist(visits) {
		if (!visits || !visits.length) return "";
		const body = visits
			.map((v) => {
				const pieces = (v.items || [])
					.map(
						(i) =>
							esc(i.description || i.item_name || i.item) +
							(i.size ? " · " + esc(__("size {0}", [i.size])) : "")
					)
					.join(", ");
				const about = [
					frappe.datetime.str_to_user(v.visited_on),
					v.budget ? __("budget {0}", [snapshot.money(v.budget)]) : "",
					v.occasion ? __(v.occasion) : "",
					v.reason_not_bought ? __("did not buy: {0}", [__(v.reason_not_bought)]) : "",
				].filter(Boolean);
				return `<div class="jc-row">${pieces || esc(__("Looked around"))}
					<span class="jc-snap-muted">${esc(about.join(" · "))}</span></div>`;
			})
			.join("");
		return section(__("Pieces Liked"), body, "wishlist");
	}

	function purchases(rows) {
		if (!rows.length) return empty(__("No purchase yet."));
		return rows
			.map((s) => {
				const items = (s.items || [])
					.map((i) => esc(i.item_name) + (i.jc_size ? ` (${esc(i.jc_size)})` : ""))
					.join(", ");
				return `<div class="jc-row"><span class="jc-snap-muted">${esc(
					frappe.datetime.str_to_user(s.posting_date)
				)}</span> ${items} · <b>${esc(snapshot.money(s.grand_total, s.currency))}</b>${
					s.jc_purchase_occasion ? " · " + esc(__(s.jc_purchase_occasion)) : ""
				}</div>`;
			})
			.join("");
	}

	function repairs(rows) {
		if (!rows.length) return empty(__("No piece with us."));
		return rows
			.map(
				(r) => `<div class="jc-row"><a href="/app/repair-ticket/${encodeURIComponent(r.name)}">${esc(
					r.name
				)}</a> ${esc(r.piece_description)} · <b>${esc(__(r.status))}</b>${
					r.promised_date
						? ` <span class="jc-snap-muted">${esc(
								__("promised {0}", [frappe.datetime.str_to_user(r.promised_date)])
						  )}</span>`
						: ""
				}</div>`
			)
			.join("");
	}

	function notes(rows) {
		if (!rows.length) return empty(__("No notes yet."));
		return rows
			.map(
				(n) => `<div class="jc-row">${
					n.note_type === "Life Event" && n.event_type ? `<b>${esc(__(n.event_type))}</b> · ` : ""
				}${esc(n.note)} <span class="jc-snap-muted">${
					// Frappe's own timestamp markup ("2 days ago", kept fresh by the desk): HTML, not text
					frappe.datetime.comment_when(n.creation)
				}</span></div>`
			)
			.join("");
	}

	snapshot.html = function (data) {
		const p = data.profile;
		return `<div class="jc-snapshot" data-customer="${esc(p.name)}">
			${header(p)}
			${jewel_clienteling.moments ? jewel_clienteling.moments.sections(data) : ""}
			${section(__("Consent"), consent(p), "consent")}
			${section(__("Coming Up"), occasions(data.occasions), "occasions")}
			${section(__("Preferences and Sizes"), preferences(data.preferences), "preferences")}
			${wishlist(data.wishlist)}
			${section(__("Last Purchases"), purchases(data.purchases), "purchases")}
			${section(__("Pieces With Us"), repairs(data.repairs), "repairs")}
			${section(__("Notes"), notes(data.notes), "notes")}
		</div>`;
	};

	// ------------------------------------------------------------------ quick actions
	snapshot.add_occasion = function (customer, done) {
		const dialog = new frappe.ui.Dialog({
			title: __("Add an Occasion"),
			fields: [
				{
					fieldname: "occasion_type",
					fieldtype: "Select",
					label: __("Occasion"),
					options: OCCASION_TYPES,
					reqd: 1,
				},
				{ fieldname: "relation", fieldtype: "Select", label: __("Whose"), options: RELATIONS, default: "Self" },
				{ fieldname: "person_name", fieldtype: "Data", label: __("Name (if not the customer)") },
				{ fieldtype: "Column Break" },
				{ fieldname: "date", fieldtype: "Date", label: __("Date"), reqd: 1 },
				{
					fieldname: "year_known",
					fieldtype: "Check",
					label: __("The year is right (a wedding or anniversary year)"),
				},
				{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
			],
			primary_action_label: __("Add"),
			primary_action(values) {
				const day = frappe.datetime.str_to_obj(values.date);
				frappe.db
					.insert({
						doctype: "Occasion",
						customer,
						occasion_type: values.occasion_type,
						relation: values.relation || "Self",
						person_name: values.person_name,
						day: day.getDate(),
						month: MONTHS[day.getMonth()],
						year: values.year_known ? day.getFullYear() : null,
						source: "Asked",
						notes: values.notes,
					})
					.then(() => {
						dialog.hide();
						frappe.show_alert({ message: __("Occasion added"), indicator: "green" });
						done && done();
					});
			},
		});
		dialog.show();
		return dialog;
	};

	snapshot.add_preference = function (customer, done) {
		frappe.model.with_doctype("Preference", () => {
			const dimensions = frappe.meta.get_docfield("Preference", "dimension").options;
			const dialog = new frappe.ui.Dialog({
				title: __("Add a Preference or Size"),
				fields: [
					{
						fieldname: "dimension",
						fieldtype: "Select",
						label: __("What"),
						options: dimensions,
						reqd: 1,
					},
					{
						fieldname: "qualifier",
						fieldtype: "Data",
						label: __("Which (e.g. right ring finger)"),
					},
					{ fieldname: "value", fieldtype: "Data", label: __("Value"), reqd: 1 },
					{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
				],
				primary_action_label: __("Add"),
				primary_action(values) {
					frappe.db
						.insert({ doctype: "Preference", customer, source: "Stated", ...values })
						.then(() => {
							dialog.hide();
							frappe.show_alert({ message: __("Preference added"), indicator: "green" });
							done && done();
						});
				},
			});
			dialog.show();
		});
	};

	snapshot.add_note = function (customer, done) {
		const dialog = new frappe.ui.Dialog({
			title: __("Add a Note"),
			fields: [
				{ fieldname: "note", fieldtype: "Small Text", label: __("Note"), reqd: 1 },
				{
					fieldname: "is_life_event",
					fieldtype: "Check",
					label: __("A life event (an engagement, a new baby…)"),
				},
				{
					fieldname: "event_type",
					fieldtype: "Select",
					label: __("Event"),
					options: [
						"",
						"Engagement",
						"Wedding",
						"New Baby",
						"Birthday",
						"Anniversary",
						"Graduation",
						"New Job",
						"Moved City",
						"House Warming",
						"Other",
					],
					depends_on: "is_life_event",
				},
				{ fieldname: "person_name", fieldtype: "Data", label: __("Whose"), depends_on: "is_life_event" },
				{
					fieldname: "relation",
					fieldtype: "Select",
					label: __("Relation"),
					options: [""].concat(RELATIONS),
					depends_on: "is_life_event",
				},
				{ fieldname: "event_date", fieldtype: "Date", label: __("When"), depends_on: "is_life_event" },
			],
			primary_action_label: __("Add"),
			primary_action(values) {
				frappe
					.call({
						method: "jewel_clienteling.api.customer.add_note",
						args: {
							customer,
							note: values.note,
							note_type: values.is_life_event ? "Life Event" : "Note",
							event_type: values.is_life_event ? values.event_type : null,
							event_date: values.is_life_event ? values.event_date : null,
							person_name: values.is_life_event ? values.person_name : null,
							relation: values.is_life_event ? values.relation : null,
						},
					})
					.then(() => {
						dialog.hide();
						frappe.show_alert({ message: __("Note added"), indicator: "green" });
						done && done();
					});
			},
		});
		dialog.show();
	};

	// ------------------------------------------------------------------ styles
	snapshot.add_styles = function () {
		if (document.getElementById("jc-snapshot-styles")) return;
		const style = document.createElement("style");
		style.id = "jc-snapshot-styles";
		style.textContent = `
			.jc-snapshot { font-size: var(--text-sm); }
			.jc-snap-head { margin-bottom: var(--margin-sm); }
			.jc-snap-name { font-size: var(--text-lg); font-weight: 600; }
			.jc-snap-muted { color: var(--text-muted); font-size: var(--text-xs); margin-left: 4px; }
			.jc-stats { display: flex; gap: var(--margin-md); margin: var(--margin-sm) 0; }
			.jc-stat-value { font-weight: 600; }
			.jc-stat-label { color: var(--text-muted); font-size: var(--text-xs); }
			.jc-snap-section { border-top: 1px solid var(--border-color); padding: 6px 0; }
			.jc-snap-title { font-weight: 600; color: var(--text-muted); font-size: var(--text-xs);
				text-transform: uppercase; margin-bottom: 4px; }
			.jc-snap-empty { color: var(--text-light); }
			.jc-row { padding: 2px 0; }
			.jc-chip { display: inline-block; padding: 1px 8px; margin: 2px 2px 2px 0; border-radius: 10px;
				background: var(--bg-gray); font-size: var(--text-xs); }
			.jc-chip-stated { background: var(--bg-blue); }
			.jc-chip-tier { background: var(--bg-yellow); }
			.jc-chip-stage { background: var(--bg-purple); }
			.jc-chip-yes { background: var(--bg-green); }
			.jc-chip-no { background: var(--bg-red); }
		`;
		document.head.appendChild(style);
	};
})(jewel_clienteling.snapshot);
