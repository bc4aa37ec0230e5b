"""Reads for fraud review, customer bindings and distributor vouchers."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import BindingEvent, CustomerBinding, DistributorVoucher, FraudReview, GroupBuy


def fraud_reviews(statuses: list[str] | None = None) -> QuerySet[FraudReview]:
    """The review queue: held orders by default, oldest first (the longest waiting first)."""
    reviews = FraudReview.objects.select_related("attribution", "seller")
    return reviews.filter(status__in=statuses or [FraudReview.Status.HELD]).order_by(
        "placed_at", "id"
    )


def customer_bindings(keys: list[str]) -> QuerySet[CustomerBinding]:
    return CustomerBinding.objects.select_related("distributor").filter(customer_key__in=keys)


def binding_events(keys: list[str]) -> QuerySet[BindingEvent]:
    return BindingEvent.objects.select_related("from_distributor", "to_distributor").filter(
        customer_key__in=keys
    )


def distributor_vouchers(distributor_id: int | None = None) -> QuerySet[DistributorVoucher]:
    vouchers = DistributorVoucher.objects.select_related("distributor")
    if distributor_id is not None:
        vouchers = vouchers.filter(distributor_id=distributor_id)
    return vouchers


def group_member_count(group: GroupBuy) -> int:
    """Customers who joined the group so far."""
    return group.members.count()
