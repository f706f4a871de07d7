"""Her points on the real site, by sub-capability; this package is their public face, so callers
write `from jewel_clienteling.services import loyalty` and `loyalty.post_invoice(doc)`:

- ledger.py: reading, locking and writing Loyalty Ledger rows (once keys), her balance on the Customer
- redemption.py: points spent at the counter as the invoice's discount
- invoices.py: what a sale earns, a return takes back, a cancellation reverses
- bonuses.py: referral and review bonuses, opening balances from ERPNext
- jobs.py: the daily expiry and the sweep of what hooks missed
"""

from jewel_clienteling.services.loyalty.bonuses import award_review_bonus, import_erpnext_balances
from jewel_clienteling.services.loyalty.invoices import cancel_invoice, invoice_lines, post_invoice
from jewel_clienteling.services.loyalty.jobs import expire_points, invoices_to_post, sweep
from jewel_clienteling.services.loyalty.ledger import (
	LEDGER,
	balance,
	customer_movements,
	ledger_rows,
	lock_customer,
	movements,
	new_name,
	posted,
	refresh_balance,
	voucher_key,
	write,
)
from jewel_clienteling.services.loyalty.redemption import (
	apply_redemption,
	check_redemption_value,
	redeem_for_invoice,
)

__all__ = [
	"LEDGER",
	"apply_redemption",
	"award_review_bonus",
	"balance",
	"cancel_invoice",
	"check_redemption_value",
	"customer_movements",
	"expire_points",
	"import_erpnext_balances",
	"invoice_lines",
	"invoices_to_post",
	"ledger_rows",
	"lock_customer",
	"movements",
	"new_name",
	"post_invoice",
	"posted",
	"redeem_for_invoice",
	"refresh_balance",
	"sweep",
	"voucher_key",
	"write",
]
