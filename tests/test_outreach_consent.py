"""Marketing goes only where she said yes, by her favourite channel when she allows it; her repair news
reaches her even when she said no to marketing."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.outreach import (
	EMAIL,
	MANUAL,
	MARKETING,
	OCCASION,
	PURPOSE,
	REPAIR_READY,
	SKIP_DO_NOT_CONTACT,
	SKIP_NO_CONSENT,
	SKIP_UNREACHABLE,
	SMS,
	UTILITY,
	WHATSAPP,
	Contact,
	choose_channel,
)
from tests.outreach_helpers import (
	WHATSAPP_CUSTOMER,
	contacts,
)

SILENT = Contact()


# --- consent and channel -----------------------------------------------------------------------


def test_she_opted_in_only_to_sms_so_marketing_goes_by_sms_though_she_prefers_whatsapp():
	contact = Contact(sms_opt_in=True, has_mobile=True, preferred_channel=WHATSAPP)
	assert choose_channel(MARKETING, contact) == (SMS, None)


def test_her_preferred_channel_comes_first_among_those_she_agreed_to():
	contact = Contact(
		whatsapp_opt_in=True, email_opt_in=True, has_mobile=True, has_email=True, preferred_channel=EMAIL
	)
	assert choose_channel(MARKETING, contact) == (EMAIL, None)
	# without a preference: WhatsApp, then SMS, then Email
	assert choose_channel(MARKETING, replace(contact, preferred_channel=None)) == (
		WHATSAPP,
		None,
	)
	assert choose_channel(
		MARKETING, Contact(sms_opt_in=True, email_opt_in=True, has_mobile=True, has_email=True)
	) == (SMS, None)


def test_do_not_contact_blocks_a_birthday_greeting_but_not_your_ring_is_ready():
	contact = Contact(do_not_contact=True, whatsapp_opt_in=True, has_mobile=True)
	assert choose_channel(PURPOSE[OCCASION], contact) == (None, SKIP_DO_NOT_CONTACT)
	assert choose_channel(PURPOSE[REPAIR_READY], contact) == (WHATSAPP, None)


def test_without_consent_no_marketing():
	assert choose_channel(MARKETING, Contact(has_mobile=True, has_email=True)) == (None, SKIP_NO_CONSENT)


def test_consent_on_a_channel_we_have_no_number_for_is_unreachable():
	assert choose_channel(MARKETING, Contact(whatsapp_opt_in=True, has_email=True)) == (
		None,
		SKIP_UNREACHABLE,
	)
	assert choose_channel(MARKETING, Contact(email_opt_in=True, has_mobile=True)) == (None, SKIP_UNREACHABLE)


def test_manual_is_never_chosen_for_marketing_even_when_preferred():
	contact = Contact(whatsapp_opt_in=True, has_mobile=True, preferred_channel=MANUAL)
	assert choose_channel(MARKETING, contact) == (WHATSAPP, None)
	assert choose_channel(MARKETING, Contact(has_mobile=True, preferred_channel=MANUAL)) == (
		None,
		SKIP_NO_CONSENT,
	)


def test_utility_goes_where_she_can_be_reached_without_asking_for_consent():
	assert choose_channel(UTILITY, Contact(has_mobile=True, has_email=True, preferred_channel=SMS)) == (
		SMS,
		None,
	)
	assert choose_channel(UTILITY, Contact(has_mobile=True, has_email=True)) == (WHATSAPP, None)
	# she prefers email, but we only have her mobile
	assert choose_channel(UTILITY, Contact(has_mobile=True, preferred_channel=EMAIL)) == (WHATSAPP, None)
	assert choose_channel(UTILITY, Contact(has_email=True)) == (EMAIL, None)
	assert choose_channel(UTILITY, SILENT) == (None, SKIP_UNREACHABLE)


def test_a_shop_that_wants_opt_in_for_utility_too_still_ignores_do_not_contact():
	contact = Contact(do_not_contact=True, has_mobile=True)
	assert choose_channel(UTILITY, contact, utility_needs_opt_in=True) == (None, SKIP_NO_CONSENT)
	contact = Contact(do_not_contact=True, sms_opt_in=True, has_mobile=True)
	assert choose_channel(UTILITY, contact, utility_needs_opt_in=True) == (SMS, None)


def test_an_unknown_purpose_is_refused():
	with pytest.raises(ValueError):
		choose_channel("Greeting", WHATSAPP_CUSTOMER)


def allowed_channels(contact: Contact, purpose: str, utility_needs_opt_in: bool) -> set[str]:
	"""Every channel the brief lets us use, ignoring which one is picked."""
	number = {WHATSAPP: contact.has_mobile, SMS: contact.has_mobile, EMAIL: contact.has_email}
	consent = {WHATSAPP: contact.whatsapp_opt_in, SMS: contact.sms_opt_in, EMAIL: contact.email_opt_in}
	if purpose == MARKETING and contact.do_not_contact:
		return set()
	if purpose == MARKETING or utility_needs_opt_in:
		return {channel for channel in number if number[channel] and consent[channel]}
	return {channel for channel in number if number[channel]}


@settings(max_examples=300)
@given(contact=contacts, purpose=st.sampled_from([MARKETING, UTILITY]), needs_opt_in=st.booleans())
def test_the_channel_chosen_is_one_she_allows_and_her_favourite_when_possible(contact, purpose, needs_opt_in):
	channel, skip = choose_channel(purpose, contact, needs_opt_in)
	allowed = allowed_channels(contact, purpose, needs_opt_in)
	assert (channel is None) != (skip is None)
	assert channel != MANUAL
	if channel is not None:
		assert channel in allowed
		if contact.preferred_channel in allowed:
			assert channel == contact.preferred_channel
		else:
			# no usable preference: WhatsApp, then SMS, then Email; SMS only on consent
			order = [WHATSAPP, SMS, EMAIL] if purpose == MARKETING or needs_opt_in else [WHATSAPP, EMAIL]
			assert channel == next(option for option in order if option in allowed)
	elif purpose == MARKETING and contact.do_not_contact:
		assert skip == SKIP_DO_NOT_CONTACT
	elif (purpose == MARKETING or needs_opt_in) and not (
		contact.whatsapp_opt_in or contact.sms_opt_in or contact.email_opt_in
	):
		assert skip == SKIP_NO_CONSENT
	else:
		assert not allowed
		assert skip == SKIP_UNREACHABLE
