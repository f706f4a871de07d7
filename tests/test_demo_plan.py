"""The demo's plan (pure): the same seed gives the same store, a bigger demo keeps the smaller one's
customers, the sales follow the jeweller's year, and every phone number is a valid Indian mobile."""

from datetime import date, timedelta
from itertools import pairwise

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.demo import catalogue
from jewel_clienteling.demo.plan import make_plan
from jewel_clienteling.demo.plan_messages import HISTORY_DAYS, QUIET_DAYS
from jewel_clienteling.domain.outreach import DEFAULT_CAP_DAYS

TODAY = date(2026, 11, 23)


def test_the_same_seed_gives_the_same_store_and_another_seed_another():
	assert make_plan(30, 7, TODAY) == make_plan(30, 7, TODAY)
	assert make_plan(30, 7, TODAY).customers != make_plan(30, 8, TODAY).customers


def test_a_bigger_demo_keeps_the_smaller_ones_customers_and_their_sales():
	small, big = make_plan(10, 3, TODAY), make_plan(40, 3, TODAY)
	assert big.customers[:10] == small.customers
	small_keys = {sale.key for sale in small.sales}
	assert small_keys <= {sale.key for sale in big.sales}


def test_october_and_november_are_the_busiest_months():
	sales = make_plan(200, 5, TODAY).sales
	by_month = [sum(1 for sale in sales if sale.posting_date.month == month) for month in range(1, 13)]
	festive = by_month[9] + by_month[10]
	assert festive > 2 * (sum(by_month) - festive) / 10


@settings(max_examples=25, deadline=None)
@given(customers=st.integers(1, 25), seed=st.integers(0, 10**6), months=st.integers(1, 30))
def test_every_plan_is_a_store_that_could_be(customers, seed, months):
	plan = make_plan(customers, seed, TODAY, months)
	keys = {customer.key for customer in plan.customers}
	assert len(keys) == customers
	mobiles = [customer.mobile for customer in plan.customers]
	assert len(set(mobiles)) == customers
	for mobile in mobiles:
		assert phonenumbers.is_valid_number(phonenumbers.parse(mobile))
		assert mobile.startswith("+91 ")
	window = timedelta(days=max(int(months * 365 / 12), 30))
	for sale in plan.sales:
		assert sale.customer in keys
		assert TODAY - window <= sale.posting_date <= TODAY
		assert sale.lines and all(line.item in catalogue.BY_CODE and line.rate > 0 for line in sale.lines)
	for customer in plan.customers:
		assert customer.referred_by is None or customer.referred_by < customer.key
	soon = [o for o in plan.occasions if _days_until(o.day, o.month) <= 30]
	assert soon, "someone has an occasion within the month"
	assert {r.status for r in plan.repairs} >= {"Received", "At Workshop", "Ready", "Delivered"}
	_assert_history_could_be(plan, window)


def _assert_history_could_be(plan, window: timedelta) -> None:
	"""Only to customers who agreed to that channel, in the past year but not the last weeks, never
	two within the frequency cap, and a message read only if delivered, answered only if read."""
	customers = {customer.key: customer for customer in plan.customers}
	first = TODAY - min(window, timedelta(days=HISTORY_DAYS))
	by_customer = {}
	for message in plan.messages:
		her = customers[message.customer]
		assert not her.do_not_contact
		assert {"WhatsApp": her.whatsapp, "SMS": her.sms, "Email": her.email_opt_in}[message.channel]
		assert first <= message.sent_on <= TODAY - timedelta(days=QUIET_DAYS)
		assert message.delivered or not message.read
		assert message.read or not message.replied
		assert message.channel == "WhatsApp" or not message.read
		by_customer.setdefault(message.customer, []).append(message.sent_on)
	for days in by_customer.values():
		days.sort()
		assert all((later - earlier).days >= DEFAULT_CAP_DAYS for earlier, later in pairwise(days))


def test_a_year_of_messages_fills_every_month_and_some_bring_a_sale():
	plan = make_plan(120, 7, TODAY)
	months = {(message.sent_on.year, message.sent_on.month) for message in plan.messages}
	assert len(months) >= 11, "every month but the quiet last weeks has messages"
	assert any(message.replied for message in plan.messages)
	sales = {}
	for sale in plan.sales:
		sales.setdefault(sale.customer, []).append(sale.posting_date)
	brought = [
		message
		for message in plan.messages
		if any(0 <= (day - message.sent_on).days <= 30 for day in sales.get(message.customer, []))
	]
	assert len(brought) >= len(plan.messages) / 10, "a sale follows some messages within a month"
	assert len({message.reason for message in brought}) >= 2


def _days_until(day: int, month: int) -> int:
	for year in (TODAY.year, TODAY.year + 1):
		try:
			when = date(year, month, day)
		except ValueError:
			when = date(year, 2, 28)
		if when >= TODAY:
			return (when - TODAY).days
	return 366
