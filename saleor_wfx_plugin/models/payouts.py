"""Payout requests, the batches they go to the bank in, and their audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .distributors import Distributor
from .fields import MONEY_DIGITS, RATE_DIGITS
from .tax import TaxIdentity


class PayoutBatch(models.Model):
    """One file of approved payouts handed to the bank or wallet for a batch transfer. A payout
    is in at most one batch, so exporting again never pays anyone twice; downloading the same
    batch again gives the same rows."""

    # Empty: every method (and currency) that was approved.
    method = models.CharField(max_length=16, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    created_by = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    payout_count = models.PositiveIntegerField()
    # Of the CSV as first handed out; a later download must hash the same.
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"payout batch {self.pk} ({self.payout_count} payouts)"


class Payout(models.Model):
    """A distributor's request to be paid, and what staff did with it. The money itself moves
    only in the ledger; this row is the request's state and the audit of who decided."""

    class Status(models.TextChoices):
        REQUESTED = "requested"
        # Above the second-approval amount: one approver said yes, another must.
        FIRST_APPROVED = "first_approved"
        APPROVED = "approved"
        # In a batch file handed to the bank: only the bank's answer (paid or failed) follows.
        EXPORTED = "exported"
        REJECTED = "rejected"
        CANCELLED = "cancelled"
        PAID = "paid"
        # The bank returned the transfer; the money went back to the distributor.
        FAILED = "failed"

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
    # Set at final approval, when the withholding is worked out with the payee's other payouts
    # of the tax month.
    taxable = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    tax = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    net = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    # The tax month is the month of final approval in the shop's time zone (it fixes the net
    # before the transfer), for the withholding, the tax summary and the withholding return.
    tax_month = models.DateField(null=True, blank=True)
    # The person the income is filed under, from the distributor's profile at final approval.
    tax_identity = models.ForeignKey(
        TaxIdentity, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    # The rules the tax was worked out under at final approval, so a later re-assessment of the
    # month uses the same ones whatever the settings say by then.
    tax_policy = models.CharField(max_length=32, blank=True)
    tax_period = models.CharField(max_length=16, blank=True)
    tax_flat_rate = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    # When an approved payout is rejected or fails, the rest of its month is assessed again:
    # tax still owed on what was paid (positive) or withheld too much (negative), moved between
    # available and tax with this payout's return.
    tax_correction = models.DecimalField(**MONEY_DIGITS, default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    method = models.CharField(max_length=16, choices=Method.choices)
    payee_name = models.CharField(max_length=128)
    # Bank card number, WeChat or Alipay account, encrypted at rest (Fernet token): decrypted
    # only for the bank batch (services/payouts/accounts.py); empty once erased.
    payee_account_ciphertext = models.TextField()
    # "**** 0123": what every screen shows.
    payee_account_masked = models.CharField(max_length=64)
    payee_bank = models.CharField(max_length=128, blank=True)
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
    batch = models.ForeignKey(
        PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    exported_at = models.DateTimeField(null=True, blank=True)
    failed_by = models.CharField(max_length=128, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
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
            models.CheckConstraint(
                condition=~Q(status="exported") | Q(batch__isnull=False),
                name="wfx_exported_payout_has_batch",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""),
                name="wfx_failed_payout_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=("status", "created_at"), name="wfx_payout_status"),
            models.Index(fields=("tax_month", "tax_identity"), name="wfx_payout_tax_person"),
            # Finance's list, newest first.
            models.Index(fields=("created_at", "id"), name="wfx_payout_newest"),
        ]

    def __str__(self) -> str:
        return f"payout {self.pk} of {self.amount} {self.currency} ({self.status})"


class PayoutEvent(models.Model):
    """Audit trail of a payout: requested, approved, exported, rejected, cancelled, paid,
    failed; who and why."""

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
