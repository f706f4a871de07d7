"""Fields this app adds to ERPNext's Customer for her rhythm (domain/rhythm.py): how often she is
happy to hear from the store and at what time of day; her channel is jc_preferred_channel beside her
consent. Imported into the one CUSTOM_FIELDS dict of setup/custom_fields.py, installed and removed
with the others."""

from jewel_clienteling.domain.rhythm import RHYTHMS, TIMES_OF_DAY

RHYTHM_FIELDS = [
	{
		"fieldname": "jc_contact_rhythm",
		"fieldtype": "Select",
		"label": "Hear From Us",
		"options": "\n" + "\n".join(RHYTHMS),
		"insert_after": "jc_preferred_channel",
		"description": "At most one offer or greeting this often, in place of the store's "
		"frequency cap. Empty: the store's cap. Messages about the customer's own pieces and orders always go",
	},
	{
		"fieldname": "jc_preferred_time",
		"fieldtype": "Select",
		"label": "Preferred Time of Day",
		"options": "\n" + "\n".join(TIMES_OF_DAY),
		"insert_after": "jc_contact_rhythm",
		"description": "Offers and greetings go out at this time of day, within the store's quiet hours",
	},
	{
		"fieldname": "jc_rhythm_set_on",
		"fieldtype": "Datetime",
		"label": "Rhythm Set On",
		"insert_after": "jc_preferred_time",
		"read_only": 1,
		"no_copy": 1,
		"print_hide": 1,
		"description": "When the customer last chose how often or when to hear from us (a late reply never undoes it)",
	},
]
