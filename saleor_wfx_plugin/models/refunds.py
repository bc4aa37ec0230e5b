"""Money given back outside Saleor, as staff record it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .attribution import ReferralAttribution
from .fields import MONEY_DIGITS


class ExternalRefund(models.Model):
    """A refund made where Saleor cannot see it (the payment provider's own console, a bank
    transfer), recorded by staff so the order's commission is reversed as for a refund in
    Saleor. Reconciliation adds these to the order's refunds every time, so later events keep
    them. Each row is its own audit trail: who, when, why; rows are never changed or deleted
    (PostgreSQL refuses it)."""

    attribution = models.ForeignKey(
        ReferralAttribution, on_delete=models.PROTECT, related_name="external_refunds"
    )
    # In the order's currency; null when the whole order was given back (`everything`).
    amount = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    currency = models.CharField(max_length=3)
    everything = models.BooleanField(default=False)
    reason = models.TextField()
    actor = models.CharField(max_length=255)
    # The caller's key: a retried request with the same key records nothing twice.
    idempotency_key = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("attribution", "idempotency_key"), name="wfx_external_refund_key"
            ),
            models.CheckConstraint(
                condition=(Q(everything=True) & Q(amount__isnull=True))
                | (Q(everything=False) & Q(amount__gt=0)),
                name="wfx_external_refund_amount_or_everything",
            ),
        ]

    def __str__(self) -> str:
        what = "everything" if self.everything else f"{self.amount} {self.currency}"
        return f"refund outside Saleor of {what} ({self.attribution_id})"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise RuntimeError("external refunds are append-only; record a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("external refunds are append-only; record a new one instead")
