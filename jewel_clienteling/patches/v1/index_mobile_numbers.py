"""Finding a customer by mobile reads an indexed key (E.164) kept beside each number on Customer and
Contact Phone (services/mobile_keys). This fills it for the numbers written before: a page of rows
at a time, each page committed, so an interrupted migrate goes on where it stopped. The key's
columns come with the custom fields, which migrate otherwise makes only after the patches."""

from jewel_clienteling.services import mobile_keys
from jewel_clienteling.setup.install import make_custom_fields


def execute():
	make_custom_fields()
	written = mobile_keys.fill(commit=True, progress=True)
	print(f"Mobile keys written: {written}")
