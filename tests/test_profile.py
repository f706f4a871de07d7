"""A customer's statistics as a jeweller counts them: what she kept is what she bought, and a day in
the shop is one visit however many bills it took."""

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.profile import (
	ProfileStats,
	Sale,
	compute_stats,
)
from tests.profile_helpers import (
	DAY,
	D,
	days,
	sales_histories,
)

# --- statistics -----------------------------------------------------------------------------------


def test_no_sales_no_statistics():
	assert compute_stats([]) == ProfileStats()


def test_one_purchase():
	stats = compute_stats([Sale("SINV-1", DAY, D("45000.00"))])
	assert stats == ProfileStats(DAY, DAY, 1, 1, D("45000.00"), D("45000.00"))


def test_a_full_return_removes_the_purchase():
	stats = compute_stats(
		[Sale("SINV-1", DAY, D(45000)), Sale("SINV-R1", DAY + days(3), D(-45000), "SINV-1")]
	)
	assert stats == ProfileStats()


def test_a_partial_return_lowers_lifetime_value_but_she_still_bought():
	stats = compute_stats(
		[Sale("SINV-1", DAY, D(100000)), Sale("SINV-R1", DAY + days(3), D(-30000), "SINV-1")]
	)
	assert (stats.purchases, stats.visits, stats.lifetime_value) == (1, 1, D(70000))


def test_two_invoices_on_the_same_day_are_one_visit():
	stats = compute_stats([Sale("SINV-1", DAY, D(20000)), Sale("SINV-2", DAY, D(5000))])
	assert (stats.visits, stats.purchases, stats.lifetime_value) == (1, 2, D(25000))


def test_a_return_is_not_a_visit_and_does_not_move_her_last_purchase():
	stats = compute_stats(
		[
			Sale("SINV-1", DAY, D(20000)),
			Sale("SINV-2", DAY + days(10), D(8000)),
			Sale("SINV-R1", DAY + days(40), D(-2000), "SINV-1"),
		]
	)
	assert (stats.first_purchase_date, stats.last_purchase_date, stats.visits) == (DAY, DAY + days(10), 2)


def test_returning_her_latest_purchase_makes_the_one_before_her_last():
	stats = compute_stats(
		[
			Sale("SINV-1", DAY, D(20000)),
			Sale("SINV-2", DAY + days(10), D(8000)),
			Sale("SINV-R2", DAY + days(12), D(-8000), "SINV-2"),
		]
	)
	assert (stats.last_purchase_date, stats.purchases, stats.lifetime_value) == (DAY, 1, D(20000))


def test_a_return_we_cannot_match_lowers_lifetime_value_only():
	# a return booked against a POS closing invoice: the money went back, but no visit is undone
	stats = compute_stats(
		[
			Sale("SINV-1", DAY, D(20000)),
			Sale("SINV-2", DAY + days(5), D(10000)),
			Sale("RET-1", DAY, D(-6000), "POS-CLOSE-1"),
		]
	)
	assert (stats.visits, stats.purchases, stats.lifetime_value) == (2, 2, D(24000))


def test_lifetime_value_never_goes_below_zero():
	stats = compute_stats([Sale("SINV-1", DAY, D(5000)), Sale("RET-1", DAY, D(-9000), "POS-CLOSE-1")])
	assert stats.lifetime_value == 0
	assert stats.purchases == 1


def test_only_returns_make_no_customer():
	assert compute_stats([Sale("RET-1", DAY, D(-9000), "POS-CLOSE-1")]) == ProfileStats()


def test_average_ticket_is_rounded_to_paise():
	stats = compute_stats(
		[Sale(f"SINV-{n}", DAY + days(n), D(100)) for n in range(2)] + [Sale("SINV-9", DAY, D(133))]
	)
	assert stats.average_ticket == D("111.00")
	stats = compute_stats(
		[Sale(f"SINV-{n}", DAY, D(100)) for n in range(3)] + [Sale("SINV-9", DAY, D(-200), "SINV-0")]
	)
	# the first bill is over-returned and stops counting; two bills of 100 remain
	assert (stats.purchases, stats.average_ticket) == (2, D("100.00"))


def test_amounts_given_as_floats_are_read_as_their_decimal_text():
	stats = compute_stats([Sale("SINV-1", DAY, 0.1), Sale("SINV-2", DAY, 0.2)])
	assert stats.lifetime_value == D("0.3")


def originals(sales):
	return [sale for sale in sales if not sale.return_against]


def orphans(sales):
	names = {sale.invoice for sale in originals(sales)}
	return [sale for sale in sales if sale.return_against and sale.return_against not in names]


@settings(max_examples=100)
@given(sales=sales_histories())
def test_statistics_hold_together(sales):
	stats = compute_stats(sales)
	assert stats.visits <= stats.purchases <= len(originals(sales))
	assert stats.lifetime_value >= 0
	assert stats.lifetime_value <= sum((sale.amount for sale in originals(sales)), D(0))
	if stats.purchases:
		assert stats.first_purchase_date <= stats.last_purchase_date
		assert stats.visits >= 1
		assert stats.average_ticket == (stats.lifetime_value / stats.purchases).quantize(D("0.01"))
		bill_days = {sale.posting_date for sale in originals(sales)}
		assert {stats.first_purchase_date, stats.last_purchase_date} <= bill_days
	else:
		assert stats == ProfileStats()


@settings(max_examples=100)
@given(data=st.data(), sales=sales_histories())
def test_recomputing_gives_the_same_answer_in_any_order(data, sales):
	shuffled = data.draw(st.permutations(sales))
	assert compute_stats(shuffled) == compute_stats(sales) == compute_stats(list(sales))


@given(sales=sales_histories())
def test_unmatched_returns_lower_lifetime_value_and_nothing_else(sales):
	matched = [sale for sale in sales if sale not in orphans(sales)]
	with_orphans, without = compute_stats(sales), compute_stats(matched)
	assert (with_orphans.first_purchase_date, with_orphans.last_purchase_date) == (
		without.first_purchase_date,
		without.last_purchase_date,
	)
	assert (with_orphans.visits, with_orphans.purchases) == (without.visits, without.purchases)
	if without.purchases:
		unmatched = sum((sale.amount for sale in orphans(sales)), D(0))
		assert with_orphans.lifetime_value == max(without.lifetime_value + unmatched, D(0))


@given(data=st.data(), sales=sales_histories())
def test_returning_the_rest_of_a_bill_removes_exactly_that_purchase(data, sales):
	before = compute_stats(sales)
	kept = {
		sale.invoice: sale.amount + sum((r.amount for r in sales if r.return_against == sale.invoice), D(0))
		for sale in originals(sales)
	}
	still_held = sorted(invoice for invoice, amount in kept.items() if amount > 0)
	if not still_held:
		return
	invoice = data.draw(st.sampled_from(still_held))
	after = compute_stats([*sales, Sale("SINV-RX", DAY + days(2000), -kept[invoice], invoice)])
	assert after.purchases == before.purchases - 1
	assert after.visits <= before.visits
	if not orphans(sales):
		assert after.lifetime_value == before.lifetime_value - kept[invoice]
