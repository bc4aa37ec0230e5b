"""Payout requests and their audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .distributors import Distributor
from .fields import MONEY_DIGITS


class Payout(models.Model):
    """A distributor's request to be paid, and what staff did with it. The money itself moves
    only in the ledger; this row is the request's state and the audit of who decided."""

    class Status(models.TextChoices):
        REQUESTED = "requested"
        # Above the second-approval amount: one approver said yes, another must.
        FIRST_APPROVED = "first_approved"
        APPROVED = "approved"
        REJECTED = "rejected"
        CANCELLED = "cancelled"
        PAID = "paid"

    class Method(models.TextChoices):
        BANK = "bank"
        WECHAT = "wechat"
        ALIPAY = "alipay"

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="payouts")
    currency = models.CharField(max_length=3)
    # What the distributor asked for, before fee and tax.
    amount = models.DecimalField(**MONEY_DIGITS)
    # The part taken from money still in the T+N hold, and the fee charged on it.
    early_amount = models.DecimalField(**MONEY_DIGITS, default=0)
    fee = models.DecimalField(**MONEY_DIGITS, default=0)
    # Set at final approval, when the withholding is worked out for the month it is paid in.
    taxable = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    tax = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    net = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    tax_month = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    method = models.CharField(max_length=16, choices=Method.choices)
    payee_name = models.CharField(max_length=128)
    # Bank card number, WeChat or Alipay account: shown masked everywhere but the transfer export.
    payee_account = models.CharField(max_length=64)
    payee_bank = models.CharField(max_length=128, blank=True)
    # Resident ID number, for the tax records the merchant files as withholding agent.
    payee_id_number = models.CharField(max_length=32, blank=True)
    idempotency_key = models.CharField(max_length=64)
    requested_by = models.CharField(max_length=128)
    first_approved_by = models.CharField(max_length=128, blank=True)
    first_approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=128, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.CharField(max_length=128, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    paid_by = models.CharField(max_length=128, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    transfer_reference = models.CharField(max_length=128, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            # A retried request (double tap, network retry) finds the first one.
            models.UniqueConstraint(
                fields=("distributor", "idempotency_key"), name="wfx_payout_idempotency"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="wfx_payout_positive"),
            models.CheckConstraint(
                condition=Q(fee__gte=0) & Q(early_amount__gte=0) & Q(early_amount__lte=F("amount")),
                name="wfx_payout_fee_and_early_part",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | ~Q(transfer_reference=""),
                name="wfx_paid_payout_has_reference",
            ),
        ]
        indexes = [models.Index(fields=("status", "created_at"), name="wfx_payout_status")]

    def __str__(self) -> str:
        return f"payout {self.pk} of {self.amount} {self.currency} ({self.status})"


class PayoutEvent(models.Model):
    """Audit trail of a payout: requested, approved, rejected, cancelled, paid; who and why."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32)
    actor = models.CharField(max_length=128)
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.kind} of payout {self.payout_id} by {self.actor}"
