"""锁粉: which distributor a customer stays with, and for how long.

Three modes: bound for good (permanent), for N days (days), or to whoever referred them last
(last_referrer). A protection period (保护期) after a binding is made keeps another distributor's
code from taking the customer or their order. A shop may bind new customers only (no earlier
paid order), and may let each repeat order renew a time-limited binding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .attribution import AttributionSource
from .settings import BindingMode, ProgramSettings

# A permanent binding's end: later than any order.
PERMANENT_UNTIL = datetime(9999, 12, 31, tzinfo=UTC)

__all__ = ["BindingChange", "BindingMode", "BindingView", "binding_after_order", "protects"]


@dataclass(frozen=True, slots=True)
class BindingView:
    distributor_id: int
    bound_at: datetime
    expires_at: datetime

    def in_force(self, at: datetime) -> bool:
        return self.bound_at <= at < self.expires_at


@dataclass(frozen=True, slots=True)
class BindingChange:
    """The customer's binding as it should be after an order: a new one, a move to another
    distributor, or the same one renewed."""

    distributor_id: int
    bound_at: datetime
    expires_at: datetime


def binding_lasts(settings: ProgramSettings) -> bool:
    """Whether the settings make bindings at all."""
    if not settings.customer_binding:
        return False
    return settings.customer_binding_mode is BindingMode.PERMANENT or (
        settings.customer_binding_days > 0
    )


def expiry(bound_at: datetime, settings: ProgramSettings) -> datetime:
    if settings.customer_binding_mode is BindingMode.PERMANENT:
        return PERMANENT_UNTIL
    return bound_at + timedelta(days=settings.customer_binding_days)


def protects(binding: BindingView | None, at: datetime, settings: ProgramSettings) -> bool:
    """Whether the binding is in its protection period at `at`: another distributor's code then
    neither takes the order nor the customer."""
    if binding is None or settings.customer_binding_protection_days <= 0:
        return False
    protected_until = binding.bound_at + timedelta(days=settings.customer_binding_protection_days)
    return binding.in_force(at) and at < protected_until


def binding_after_order(
    *,
    current: BindingView | None,
    seller_id: int,
    source: AttributionSource,
    placed_at: datetime,
    buyer_paid_before: bool,
    settings: ProgramSettings,
) -> BindingChange | None:
    """What an order that has just earned does to its customer's binding; None: nothing.

    `current` is the customer's binding row whether or not it is still in force at
    `placed_at`; `buyer_paid_before`, whether the customer had a paid order before this one."""
    if not binding_lasts(settings):
        return None
    in_force = current is not None and current.in_force(placed_at)
    referred = source in (AttributionSource.CODE, AttributionSource.VOUCHER)
    if referred and not in_force:
        if settings.customer_binding_new_customers_only and buyer_paid_before:
            return None
        return BindingChange(seller_id, placed_at, expiry(placed_at, settings))
    if current is None or not in_force:
        return None
    if current.distributor_id == seller_id:
        return _renewed(current, placed_at, settings)
    if (
        referred
        and settings.customer_binding_mode is BindingMode.LAST_REFERRER
        and not protects(current, placed_at, settings)
    ):
        return BindingChange(seller_id, placed_at, expiry(placed_at, settings))
    return None


def _renewed(
    current: BindingView, placed_at: datetime, settings: ProgramSettings
) -> BindingChange | None:
    if (
        not settings.customer_binding_renew_on_repeat
        or settings.customer_binding_mode is BindingMode.PERMANENT
    ):
        return None
    renewed_until = expiry(placed_at, settings)
    if renewed_until <= current.expires_at:
        return None
    # The protection period still counts from when the customer was first bound.
    return BindingChange(current.distributor_id, current.bound_at, renewed_until)
