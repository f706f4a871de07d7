"""Her old gold as the counter sums it: exchanges counted, fine metal by metal and credit by currency
added exactly (each slip was rounded once, never again), the last day; nothing when she has none."""

from datetime import date
from decimal import Decimal

from jewel_clienteling.domain import old_gold as og


def total(metal="Gold", exchanges=1, fine="9.272", value="67227", on=date(2026, 11, 2), currency="INR"):
	return og.ExchangedTotal(metal, currency, exchanges, fine, value, on)


def test_she_has_no_summary_when_she_never_exchanged_any():
	assert og.exchanged_summary([]) is None
	assert og.exchanged_summary([total(exchanges=0, fine=0, value=0)]) is None


def test_two_slips_of_gold_add_up_to_the_milligram_and_the_rupee():
	summary = og.exchanged_summary([total(exchanges=2, fine=Decimal("18.544"), value=Decimal("134454"))])
	assert summary == {
		"exchanges": 2,
		"last_on": date(2026, 11, 2),
		"fine_weights": [{"metal": "Gold", "fine_weight": Decimal("18.544")}],
		"values": [{"currency": "INR", "value": Decimal("134454")}],
	}


def test_a_float_column_sum_is_read_as_the_milligrams_it_holds_not_rounded_down_again():
	# slips of 0.700 g and 0.100 g summed in float are 0.7999999999999999: the slips hold 0.800 g, and
	# rounding that down (as a single slip is) would lose a milligram she was paid for
	summary = og.exchanged_summary([total(exchanges=2, fine=0.7 + 0.1, value=5075.0 + 725.0)])
	assert summary["fine_weights"] == [{"metal": "Gold", "fine_weight": Decimal("0.800")}]
	assert summary["values"] == [{"currency": "INR", "value": Decimal("5800")}]


def test_gold_and_silver_are_not_added_together_and_gold_comes_first():
	summary = og.exchanged_summary(
		[
			total("Silver", 1, "92.500", "8325", date(2026, 10, 1)),
			total("Platinum", 1, "4.750", "14250", date(2025, 1, 5)),
			total("Gold", 2, "18.544", "134454", date(2026, 11, 2)),
		]
	)
	assert summary["exchanges"] == 4
	assert summary["last_on"] == date(2026, 11, 2)
	assert summary["fine_weights"] == [
		{"metal": "Gold", "fine_weight": Decimal("18.544")},
		{"metal": "Silver", "fine_weight": Decimal("92.500")},
		{"metal": "Platinum", "fine_weight": Decimal("4.750")},
	]
	assert summary["values"] == [{"currency": "INR", "value": Decimal("157029")}]


def test_credit_in_two_currencies_is_shown_apart_never_added():
	summary = og.exchanged_summary(
		[total(currency="INR"), total(currency="AED", fine="10.000", value="2900", on=date(2026, 12, 1))]
	)
	assert summary["values"] == [
		{"currency": "AED", "value": Decimal("2900")},
		{"currency": "INR", "value": Decimal("67227")},
	]
	assert summary["fine_weights"] == [{"metal": "Gold", "fine_weight": Decimal("19.272")}]
	assert summary["last_on"] == date(2026, 12, 1)
