"""Old gold exchange, as the jeweller's slip reads: weights to the milligram, fine weight rounded down,
value to the whole rupee half up, in Decimal."""

from datetime import date
from decimal import Decimal

import pytest

from jewel_clienteling.domain import old_gold as og


def test_a_22k_chain_is_worth_its_fine_weight_at_the_rate_of_the_day():
	# 10.123 g net of 22K (916): 9.272668 g pure, paid for 9.272 g; at 7,250.50 a gram 67,226.636 -> 67,227
	result = og.valuation("Gold", "22K", "10.456", "10.123", "7250.50")
	assert result == og.Valuation(916, Decimal("9.272"), Decimal("67227"))


def test_fine_weight_is_rounded_down_to_the_milligram_and_value_half_up_to_the_rupee():
	assert og.fine_weight(Decimal("1.999"), 750) == Decimal("1.499")  # 1.49925
	assert og.value_of(Decimal("1.000"), Decimal("100.50")) == Decimal("101")  # .50 goes up
	assert og.value_of(Decimal("1.000"), Decimal("100.49")) == Decimal("100")


def test_floats_from_the_form_are_read_as_typed_never_as_binary_fractions():
	# the site hands back 10.123 as a float; it is read as 10.123, not 10.1229999999999993
	assert og.weight(10.123, "net_weight") == Decimal("10.123")
	# a float sum (0.30000000000000004) is not a scale reading: refused, never silently rounded
	with pytest.raises(og.ExchangeError):
		og.weight(0.1 + 0.2, "net_weight")
	assert og.valuation("Gold", "24K", 0.3, 0.3, 1000).fine_weight == Decimal("0.299")


def test_a_weight_finer_than_a_milligram_or_net_above_gross_is_refused():
	with pytest.raises(og.ExchangeError) as finer:
		og.valuation("Gold", "22K", "10.4561", "10", "7000")
	assert finer.value.code == "finer_than_milligram"
	with pytest.raises(og.ExchangeError) as above:
		og.valuation("Gold", "22K", "10", "10.001", "7000")
	assert above.value.code == "net_above_gross"
	for gross, net, rate in (("0", "0", "7000"), ("5", "-1", "7000"), ("5", "5", "0")):
		with pytest.raises(og.ExchangeError) as wrong:
			og.valuation("Gold", "22K", gross, net, rate)
		assert wrong.value.code == "not_positive"
	with pytest.raises(og.ExchangeError) as nan:
		og.valuation("Gold", "22K", "NaN", "1", "7000")
	assert nan.value.code == "not_a_number"


def test_the_purity_must_be_of_the_metal_and_a_tested_fineness_wins():
	with pytest.raises(og.ExchangeError) as wrong:
		og.fineness_of("Silver", "22K")
	assert wrong.value.code == "purity_not_of_metal"
	assert og.fineness_of("Gold", "22K") == 916
	assert og.fineness_of("Gold", "22K", 875) == 875  # sold as 22K, tested lower: paid as tested
	for tested in (1000, "87.5", -1):
		with pytest.raises(og.ExchangeError):
			og.fineness_of("Gold", "22K", tested)


def test_one_stock_item_per_metal_and_purity():
	assert og.item_code("Gold", "22K") == "Old Gold 22K"
	assert og.item_code("Silver", "Silver 925") == "Old Silver 925"
	assert og.item_code("Platinum", "Platinum 950") == "Old Platinum 950"
	assert len({og.item_code(metal, purity) for purity, (metal, _f) in og.PURITIES.items()}) == len(
		og.PURITIES
	)


def test_gold_bought_five_years_ago_counts_from_the_same_day():
	assert og.gold_bought_before(date(2026, 11, 30)) == date(2021, 11, 30)
	assert og.gold_bought_before(date(2028, 2, 29)) == date(2023, 2, 28)


def test_gold_of_any_colour_is_gold():
	assert [og.is_gold(m) for m in ("Gold", "Rose gold", "WHITE GOLD", "Platinum", "", None)] == [
		True,
		True,
		True,
		False,
		False,
		False,
	]
