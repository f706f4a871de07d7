"""The Frappe layer: reads facts with frappe.qb, asks domain/ what they mean, writes the answer."""
