"""Fields this app adds to ERPNext's POS Profile (a store): where its happy customers leave a review.
Imported into the one CUSTOM_FIELDS dict of setup/custom_fields.py, installed and removed with the
others."""

STORE_FIELDS = [
	{
		"fieldname": "jc_review_url",
		"fieldtype": "Data",
		"options": "URL",
		"label": "Review Link",
		"insert_after": "company",
		"description": "Where a happy customer of this store leaves a review (its Google review link). "
		"Without one, the link in Clienteling Settings is offered.",
	},
]
