"""Fraud review of referred orders, staff changes to customer bindings, and distributors'
exclusive vouchers."""

from __future__ import annotations

from django.db import models

from .attribution import ReferralAttribution
from .distributors import Distributor


class FraudReview(models.Model):
    """The fraud score of one referred order, computed when it was attributed. A held order's
    commission stays pending (never confirmed) until staff allow or reject it."""

    class Status(models.TextChoices):
        # Below the threshold: nothing to review.
        CLEAR = "clear"
        HELD = "held"
        ALLOWED = "allowed"
        REJECTED = "rejected"

    attribution = models.OneToOneField(
        ReferralAttribution, on_delete=models.PROTECT, related_name="fraud_review"
    )
    seller = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveIntegerField()
    signals = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    # Keyed hashes (encryption.lookup_hash) of the shipping address and the device fingerprint,
    # never the values: repeated ones are counted over the window by equality.
    address_hash = models.CharField(max_length=64, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    placed_at = models.DateTimeField()
    decided_by = models.CharField(max_length=128, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-placed_at", "-id")
        indexes = [
            models.Index(fields=("address_hash", "placed_at"), name="wfx_fraud_address"),
            models.Index(fields=("device_hash", "placed_at"), name="wfx_fraud_device"),
            models.Index(fields=("status", "placed_at"), name="wfx_fraud_status"),
        ]

    def __str__(self) -> str:
        return f"fraud review of {self.attribution_id}: {self.score} ({self.status})"


class BindingEvent(models.Model):
    """Audit trail of staff changes to a customer's binding (锁粉), by whom and why."""

    class Kind(models.TextChoices):
        REBOUND = "rebound"
        UNBOUND = "unbound"

    customer_key = models.CharField(max_length=320)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_distributor = models.ForeignKey(
        Distributor, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_distributor = models.ForeignKey(
        Distributor, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=128)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("customer_key",), name="wfx_binding_event_customer")]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_key} by {self.actor}"


class DistributorVoucher(models.Model):
    """A Saleor voucher code that belongs to one distributor: an order using it is theirs."""

    code = models.CharField(max_length=255, unique=True)
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="vouchers")
    # The Saleor voucher the code belongs to (one voucher holds a campaign's codes).
    saleor_voucher_id = models.CharField(max_length=64)
    campaign = models.CharField(max_length=255, blank=True)
    created_by = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"voucher {self.code} of {self.distributor_id}"
