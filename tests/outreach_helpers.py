"""What the outreach tests share: a customer, a first day, and her consent in the shapes the tests need
and in every shape it can take."""

from datetime import date

from hypothesis import strategies as st

from jewel_clienteling.domain.outreach import (
	EMAIL,
	MANUAL,
	SMS,
	WHATSAPP,
	Contact,
)

CUSTOMER = "CUST-0001"
D0 = date(2026, 10, 1)

# Her phone and her consent, in the shapes the tests need.
WHATSAPP_CUSTOMER = Contact(whatsapp_opt_in=True, has_mobile=True)


contacts = st.builds(
	Contact,
	do_not_contact=st.booleans(),
	whatsapp_opt_in=st.booleans(),
	sms_opt_in=st.booleans(),
	email_opt_in=st.booleans(),
	has_mobile=st.booleans(),
	has_email=st.booleans(),
	preferred_channel=st.sampled_from([None, WHATSAPP, SMS, EMAIL, MANUAL]),
)
