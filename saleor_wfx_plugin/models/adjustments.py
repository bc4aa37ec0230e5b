"""Staff corrections of a distributor's available money, and their second approval."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .distributors import Distributor
from .fields import MONEY_DIGITS


class BalanceAdjustment(models.Model):
    """One correction asked for by a staff user. Within the second-approval threshold it is
    applied at once; above it (counted over the distributor's adjustments of the last 24 hours)
    it waits until a different staff user approves it. Its ledger entries exist only once it is
    applied (`LedgerEntry.idempotency_key` "adjustment:<id>")."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPLIED = "applied"
        REJECTED = "rejected"

    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="adjustments"
    )
    currency = models.CharField(max_length=3)
    # Positive adds, negative takes.
    amount = models.DecimalField(**MONEY_DIGITS)
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices)
    # The requester's key, so a retried request returns the same adjustment.
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    requested_by = models.CharField(max_length=128)
    # The requester when applied at once, the second approver otherwise.
    approved_by = models.CharField(max_length=128, blank=True)
    rejected_by = models.CharField(max_length=128, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("distributor", "idempotency_key"),
                condition=Q(idempotency_key__isnull=False),
                name="wfx_adjustment_idempotency",
            )
        ]
        indexes = [
            models.Index(
                fields=("distributor", "currency", "created_at"), name="wfx_adjustment_window"
            ),
            models.Index(fields=("status", "created_at"), name="wfx_adjustment_status"),
        ]

    def __str__(self) -> str:
        return f"adjustment {self.pk} of {self.amount} {self.currency} ({self.status})"
