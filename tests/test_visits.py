"""A customer's visits from her sales: one a day and store, her first one, the next day she came."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jewel_clienteling.domain.visits import SaleRow, Visit, changes, visits_of

MORNING = datetime(2026, 1, 1, 10, 0)


def sale(
	customer="C1", day=date(2026, 3, 2), store="Karol Bagh", associate="asha", amount="1000", made=MORNING
):
	return SaleRow(customer, day, store, associate, Decimal(amount), made)


def test_two_bills_on_one_day_at_one_store_are_one_visit_opened_by_the_first():
	found = visits_of(
		[
			sale(amount="45000", associate="ravi", made=MORNING + timedelta(hours=2)),
			sale(amount="5000", associate="asha", made=MORNING),
		]
	)
	assert len(found) == 1
	assert found[0].amount == Decimal("50000") and found[0].invoices == 2
	assert found[0].associate == "asha"


def test_her_first_visit_is_the_earliest_and_each_visit_knows_the_next_day_she_came():
	found = visits_of(
		[
			sale(day=date(2026, 5, 1)),
			sale(day=date(2025, 1, 10)),
			sale(day=date(2025, 6, 1), store="Andheri"),
		]
	)
	assert [(v.day, v.first_visit, v.next_visit) for v in found] == [
		(date(2025, 1, 10), True, date(2025, 6, 1)),
		(date(2025, 6, 1), False, date(2026, 5, 1)),
		(date(2026, 5, 1), False, None),
	]


def test_two_stores_on_her_first_day_make_one_first_visit_and_the_next_day_is_later():
	found = visits_of([sale(store="Karol Bagh"), sale(store="Andheri"), sale(day=date(2026, 4, 1))])
	firsts = [v for v in found if v.first_visit]
	assert [v.store for v in firsts] == ["Andheri"]  # alphabetical on the same day
	assert {v.next_visit for v in found if v.day == date(2026, 3, 2)} == {date(2026, 4, 1)}


def test_referred_customers_are_marked_on_every_visit():
	found = visits_of([sale(customer="C1"), sale(customer="C2")], referred={"C2"})
	assert {v.customer: v.referred for v in found} == {"C1": False, "C2": True}


def test_only_the_customers_and_months_that_differ_change():
	stored = visits_of([sale(day=date(2025, 1, 10)), sale(customer="C2", day=date(2025, 2, 1))])
	# C1 comes again: her new visit, and her earlier visit's next day, change; C2 does not
	current = visits_of(
		[
			sale(day=date(2025, 1, 10)),
			sale(day=date(2026, 3, 2)),
			sale(customer="C2", day=date(2025, 2, 1)),
		]
	)
	change = changes(stored, current)
	assert change.customers == {"C1"}
	assert change.months == {date(2025, 1, 1), date(2026, 3, 1)}
	assert [v.day for v in change.before] == [date(2025, 1, 10)]
	assert [v.day for v in change.after] == [date(2025, 1, 10), date(2026, 3, 2)]
	assert not changes(current, current).customers


def test_an_amount_read_back_from_the_table_is_the_same_visit():
	visit = visits_of([sale(amount="1234.5")])[0]
	read_back = Visit(**{**visit.__dict__, "amount": Decimal("1234.500000000")})
	assert not changes([visit], [read_back]).customers


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))
sales = st.lists(
	st.builds(
		sale,
		customer=st.sampled_from(["C1", "C2", "C3"]),
		day=days,
		store=st.sampled_from(["A", "B", ""]),
		amount=st.integers(min_value=1, max_value=10**6).map(str),
	),
	max_size=40,
)


@given(sales)
def test_every_customer_has_one_first_visit_and_nothing_is_lost(rows):
	found = visits_of(rows)
	assert sum(v.amount for v in found) == sum(r.amount for r in rows)
	assert sum(v.invoices for v in found) == len(rows)
	for customer in {r.customer for r in rows}:
		hers = [v for v in found if v.customer == customer]
		assert sum(v.first_visit for v in hers) == 1
		first = next(v for v in hers if v.first_visit)
		assert first.day == min(r.day for r in rows if r.customer == customer)
		for visit in hers:
			later = sorted({v.day for v in hers if v.day > visit.day})
			assert visit.next_visit == (later[0] if later else None)
