"""An order as the programme needs to see it, whatever shop it comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .commission import OrderLineSnapshot, RefundState
from .settings import CommissionTrigger


@dataclass(frozen=True, slots=True)
class OrderSnapshot:
    order_id: str
    number: str
    channel_slug: str
    currency: str
    placed_at: datetime
    user_id: str | None
    email: str | None
    lines: tuple[OrderLineSnapshot, ...]
    # Public metadata as Saleor copied it from the checkout: where the referral code arrives.
    metadata: Mapping[str, str] = field(default_factory=dict)
    is_paid: bool = False
    is_fully_paid: bool = False
    cancelled: bool = False
    awaiting_confirmation: bool = False
    refunds: RefundState = field(default_factory=RefundState)
    # When every line had shipped (Saleor's FULFILLED); starts the settlement clock.
    fulfilled_at: datetime | None = None

    def meets_trigger(self, trigger: CommissionTrigger) -> bool:
        if self.awaiting_confirmation:
            return False
        if trigger is CommissionTrigger.ORDER_PAID:
            return self.is_paid or self.is_fully_paid
        return self.is_fully_paid
