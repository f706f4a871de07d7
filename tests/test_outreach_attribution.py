"""A sale is credited to the message that brought it, once, within the window and fairly."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.attribution import SaleFact, Touch, attribute
from tests.outreach_helpers import D0

# --- what a message earned ---------------------------------------------------------------------


def sale(name: str, on: date, amount: str = "85000") -> SaleFact:
	return SaleFact(name, on, Decimal(amount))


def test_a_sale_31_days_after_the_message_is_not_credited_with_a_30_day_window():
	touch = Touch("msg", D0)
	assert attribute([touch], [sale("SINV-1", D0 + timedelta(days=31))], 30) == {}
	assert attribute([touch], [sale("SINV-1", D0 + timedelta(days=30))], 30) == {
		"msg": ("SINV-1", Decimal("85000"))
	}


def test_a_sale_on_the_day_of_the_message_is_credited_but_not_one_the_day_before():
	touch = Touch("msg", D0)
	assert attribute([touch], [sale("SINV-1", D0)]) == {"msg": ("SINV-1", Decimal("85000"))}
	assert attribute([touch], [sale("SINV-0", D0 - timedelta(days=1))]) == {}


def test_two_sales_after_one_message_credit_it_once_with_the_first():
	touch = Touch("msg", D0)
	sales = [
		sale("SINV-2", D0 + timedelta(days=9), "120000"),
		sale("SINV-1", D0 + timedelta(days=3), "40000"),
	]
	assert attribute([touch], sales) == {"msg": ("SINV-1", Decimal("40000"))}


def test_a_sale_goes_to_the_most_recent_message():
	older, newer = Touch("greeting", D0), Touch("campaign", D0 + timedelta(days=5))
	assert attribute([older, newer], [sale("SINV-1", D0 + timedelta(days=6))]) == {
		"campaign": ("SINV-1", Decimal("85000"))
	}
	# a second sale then goes to the older message, still within its window
	both = attribute(
		[older, newer], [sale("SINV-1", D0 + timedelta(days=6)), sale("SINV-2", D0 + timedelta(days=8))]
	)
	assert both == {"campaign": ("SINV-1", Decimal("85000")), "greeting": ("SINV-2", Decimal("85000"))}


def test_two_messages_the_same_day_the_smaller_key_is_credited():
	touches = [Touch("b-msg", D0), Touch("a-msg", D0)]
	assert attribute(touches, [sale("SINV-1", D0 + timedelta(days=1))]) == {
		"a-msg": ("SINV-1", Decimal("85000"))
	}


def test_a_sale_returned_in_full_earns_nothing_and_leaves_the_message_for_a_later_sale():
	touch = Touch("msg", D0)
	sales = [sale("SINV-1", D0 + timedelta(days=1), "0"), sale("SINV-2", D0 + timedelta(days=2), "-500")]
	assert attribute([touch], sales) == {}
	sales.append(sale("SINV-3", D0 + timedelta(days=4), "15000"))
	assert attribute([touch], sales) == {"msg": ("SINV-3", Decimal("15000"))}


def test_sales_on_the_same_day_are_taken_in_name_order():
	touch = Touch("msg", D0)
	sales = [sale("SINV-B", D0 + timedelta(days=2), "2"), sale("SINV-A", D0 + timedelta(days=2), "1")]
	assert attribute([touch], sales) == {"msg": ("SINV-A", Decimal("1"))}


@st.composite
def touches_and_sales(draw):
	touch_days = draw(st.lists(st.integers(0, 90), max_size=6))
	sale_rows = draw(
		st.lists(st.tuples(st.integers(0, 120), st.integers(-50_000, 200_000)), max_size=6),
	)
	touches = [Touch(f"t{n}", D0 + timedelta(days=day)) for n, day in enumerate(touch_days)]
	sales = [
		SaleFact(f"SINV-{n:02d}", D0 + timedelta(days=day), Decimal(amount))
		for n, (day, amount) in enumerate(sale_rows)
	]
	return touches, sales


@settings(max_examples=200)
@given(facts=touches_and_sales(), window=st.integers(0, 45), data=st.data())
def test_each_sale_and_each_message_are_credited_at_most_once_and_fairly(facts, window, data):
	touches, sales = facts
	credit = attribute(touches, sales, window)
	touch_by_key = {touch.key: touch for touch in touches}
	sale_by_name = {one.name: one for one in sales}
	order = {one.name: (one.posting_date, one.name) for one in sales}

	assert set(credit) <= set(touch_by_key)
	credited_sales = [name for name, _ in credit.values()]
	assert len(credited_sales) == len(set(credited_sales))
	credited_to = {name: key for key, (name, _) in credit.items()}
	for key, (name, amount) in credit.items():
		touch, bought = touch_by_key[key], sale_by_name[name]
		assert amount == bought.amount
		assert amount > 0
		assert touch.sent_on <= bought.posting_date <= touch.sent_on + timedelta(days=window)

	def in_window(touch, bought):
		return touch.sent_on <= bought.posting_date <= touch.sent_on + timedelta(days=window)

	def taken_before(touch, bought):
		"""The message was already credited to a sale that came earlier."""
		earlier = credit.get(touch.key)
		return earlier is not None and order[earlier[0]] < order[bought.name]

	for bought in sales:
		candidates = [
			touch for touch in touches if in_window(touch, bought) and not taken_before(touch, bought)
		]
		if bought.name not in credited_to:
			# a kept sale left without credit found every message in its window already taken
			assert bought.amount <= 0 or not candidates
		else:
			chosen = touch_by_key[credited_to[bought.name]]
			# the most recent free message, the smaller key on a tie
			best = min(candidates, key=lambda touch: (-touch.sent_on.toordinal(), touch.key))
			assert chosen == best

	# the order the rows arrive in changes nothing
	assert attribute(data.draw(st.permutations(touches)), data.draw(st.permutations(sales)), window) == credit
