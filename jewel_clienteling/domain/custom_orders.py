"""Custom orders: a made-to-order piece, estimated on ERPNext's Quotation and ordered on its Sales Order.

The order moves forward through its stages: the design is approved, the piece is in making, it is
ready, it is delivered. A stage may be skipped (a simple band goes from approved straight to ready)
but never undone: she has already been told. Each of the first three stages tells her once, as a
service message about her own order. What she paid ahead is ERPNext's own advance (a Payment Entry
against the Sales Order, read from its advance_paid); this module only reads it.

An order is overdue when its promised date has passed and it is not delivered: not at the
Delivered stage, not fully delivered by a Delivery Note, not closed or completed in ERPNext.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

# Stages, exactly as spelled in the Sales Order's jc_order_stage options
DESIGN_APPROVED = "Design approved"
IN_MAKING = "In making"
READY = "Ready"
DELIVERED = "Delivered"
STAGES = (DESIGN_APPROVED, IN_MAKING, READY, DELIVERED)
# the stages she hears about (delivered: she has it in her hands)
MESSAGED = (DESIGN_APPROVED, IN_MAKING, READY)

# what she may choose, as spelled in the jc_metal and jc_purity options
METALS = ("Gold", "Rose gold", "White gold", "Platinum", "Silver")
PURITIES = ("24K", "22K", "18K", "14K", "PT950", "925")

# ERPNext's Sales Order statuses that mean the order is over
FINISHED_STATUSES = ("Completed", "Closed", "Cancelled")


class StageRefused(ValueError):
	"""A move backwards, or to a stage that does not exist."""


def check_move(old: str | None, new: str | None) -> None:
	"""Raise StageRefused unless going from `old` to `new` is forward (or staying put). No stage yet
	may go to any stage; a stage may not be cleared."""
	if new == old:
		return
	if new not in STAGES:
		raise StageRefused(f"unknown stage: {new!r}")
	if old and STAGES.index(new) < STAGES.index(old):
		raise StageRefused(f"{old} cannot go back to {new}")


def tells_her(old: str | None, new: str | None) -> bool:
	"""Whether reaching `new` from `old` is news she hears about."""
	return bool(new) and new != old and new in MESSAGED


def is_delivered(stage: str | None, status: str | None, per_delivered: float | None) -> bool:
	return stage == DELIVERED or status in FINISHED_STATUSES or (per_delivered or 0) >= 100


def is_overdue(
	promised: date | None, stage: str | None, status: str | None, per_delivered: float | None, today: date
) -> bool:
	"""Promised before today and not delivered. An order with no promised date is never overdue."""
	return promised is not None and promised < today and not is_delivered(stage, status, per_delivered)


def days_overdue(promised: date, today: date) -> int:
	return max((today - promised).days, 0)


def balance(grand_total: Decimal | float | None, advance_paid: Decimal | float | None) -> Decimal:
	"""What she still owes on the order, after ERPNext's advance (never below zero)."""
	owed = Decimal(str(grand_total or 0)) - Decimal(str(advance_paid or 0))
	return max(owed, Decimal(0))


def message_context(
	stage: str, piece: str | None, promised: date | None, order: str, advance_paid=None, currency: str = ""
) -> dict:
	"""What a status message may say about her order."""
	return {
		"order_stage": stage,
		"order_piece": piece or "",
		"order_promised_date": promised.isoformat() if promised else "",
		"order_name": order,
		"order_advance": f"{currency} {Decimal(str(advance_paid or 0)):,.2f}".strip(),
	}
