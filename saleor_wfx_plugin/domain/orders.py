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
    # The voucher code the checkout used (Saleor's order.voucher_code).
    voucher_code: str | None = None
    # For fraud review: where the goods go, the phone on the shipping address, and the e-mail
    # addresses of the order's payments. The shop flattens the address into one text.
    shipping_address: str | None = None
    shipping_phone: str | None = None
    payment_emails: tuple[str, ...] = ()
    # Whether the customer had a paid order before this one; filled only when the programme
    # binds new customers only (customer_binding_new_customers_only), False otherwise.
    customer_paid_before: bool = False

    def meets_trigger(self, trigger: CommissionTrigger) -> bool:
        if self.awaiting_confirmation:
            return False
        if trigger is CommissionTrigger.ORDER_PAID:
            return self.is_paid or self.is_fully_paid
        return self.is_fully_paid
