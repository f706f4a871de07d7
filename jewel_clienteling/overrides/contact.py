"""Contact.validate: the key each of her numbers is found by; Contact.on_update: her customers' keys
follow their mobile (services/mobile_keys)."""

from jewel_clienteling.services import mobile_keys


def validate(doc, method=None):
	mobile_keys.set_on_contact(doc)


def on_update(doc, method=None):
	mobile_keys.follow_linked_customers(doc)
