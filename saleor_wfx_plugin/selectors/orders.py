"""One order's commission as staff look at it: the order's record, its commission lines and the
refunds recorded outside Saleor."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from ..models import CommissionLine, ExternalRefund, ReferralAttribution
from .commissions import commission_lines


def find_order(
    *, order_id: str | None = None, order_number: str | None = None
) -> ReferralAttribution | None:
    """The programme's record of a Saleor order, by its UUID or its number; None when the
    programme never saw it."""
    queryset = ReferralAttribution.objects.select_related("seller", "upline", "grand_upline")
    if order_id is not None:
        try:
            key = uuid.UUID(order_id)
        except ValueError:
            return None
        return queryset.filter(order_id=key).first()
    number = (order_number or "").strip()
    return queryset.filter(order_number=number).order_by("-placed_at").first() if number else None


def order_commission_lines(attribution: ReferralAttribution) -> QuerySet[CommissionLine]:
    return commission_lines().filter(attribution=attribution).order_by("level", "id")


def order_reversals(attribution: ReferralAttribution) -> QuerySet[ExternalRefund]:
    return attribution.external_refunds.order_by("created_at", "id")
