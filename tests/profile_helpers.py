"""What the profile tests share: days, a customer's statistics, and sales histories to draw from."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from jewel_clienteling.domain.profile import Sale

D = Decimal
DAY = date(2025, 1, 1)


def days(n: int) -> timedelta:
	return timedelta(days=n)


@st.composite
def sales_histories(draw):
	"""Her bills over three years, some returned in part or in full, plus returns we cannot match."""
	sales = []
	for number in range(draw(st.integers(0, 8))):
		invoice = f"SINV-{number:03d}"
		posted = DAY + days(draw(st.integers(0, 3 * 365)))
		paise = draw(st.integers(1, 50_000_000))
		sales.append(Sale(invoice, posted, D(paise) / 100))
		returned = draw(st.sampled_from([0, 0, paise, draw(st.integers(1, paise))]))
		first = draw(st.integers(0, returned)) if returned else 0
		for part, amount in enumerate((first, returned - first)):
			if amount:
				when = posted + days(draw(st.integers(0, 60)))
				sales.append(Sale(f"{invoice}-R{part}", when, -D(amount) / 100, invoice))
	for number in range(draw(st.integers(0, 2))):
		when = DAY + days(draw(st.integers(0, 3 * 365)))
		sales.append(Sale(f"RET-{number}", when, -D(draw(st.integers(1, 5_000_000))) / 100, "POS-CLOSE-1"))
	return sales
