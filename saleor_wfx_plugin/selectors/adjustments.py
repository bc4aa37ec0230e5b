"""Reads of staff balance adjustments."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import BalanceAdjustment


def adjustments(status: str | None = None) -> QuerySet[BalanceAdjustment]:
    """Newest first; only those of `status` when given (PENDING: waiting for a second approver)."""
    found = BalanceAdjustment.objects.select_related("distributor")
    return found.filter(status=status) if status else found
