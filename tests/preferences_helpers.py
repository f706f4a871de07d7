"""What the preference tests share: a purchase line, stored preference rows, and what the service
layer does with a plan."""

from datetime import date, timedelta

from jewel_clienteling.domain.preferences import PurchaseLine

TODAY = date(2025, 6, 1)
GOLD_RING = {"Category": "Rings", "Metal": "Gold", "Purity": "22K"}


def line(invoice, days_ago, item="RING-1", qty=1, dimensions=None, size=None, for_self=True, against=None):
	return PurchaseLine(
		invoice=invoice,
		posting_date=TODAY - timedelta(days=days_ago),
		item_code=item,
		qty=qty,
		dimensions=GOLD_RING if dimensions is None else dimensions,
		size=size,
		for_self=for_self,
		return_against=against,
	)
