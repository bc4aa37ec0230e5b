"""Money: settlements (when an order's commission becomes payable) and the one append-only
ledger every amount of money lives in."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .attribution import CommissionLine, ReferralAttribution
from .distributors import Distributor
from .fields import LEVEL_IS_LEGAL, MONEY_DIGITS
from .growth import GrowthAward
from .payouts import Payout


class Settlement(models.Model):
    """When one order's commission for one distributor becomes payable: confirmed when Saleor
    reports the order fulfilled (or a set number of days later, as automatic receipt
    confirmation), available T+N business days after that."""

    attribution = models.ForeignKey(
        ReferralAttribution, on_delete=models.PROTECT, related_name="settlements"
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="settlements"
    )
    currency = models.CharField(max_length=3)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    # Due moments, worked out from the fulfilment and the programme's settings.
    confirm_due_at = models.DateTimeField(null=True, blank=True)
    available_due_at = models.DateTimeField(null=True, blank=True)
    # When it happened; set once.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("attribution", "distributor"), name="wfx_one_settlement_per_order_payee"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(confirmed_at__isnull=False),
                name="wfx_released_only_when_confirmed",
            ),
        ]
        indexes = [
            # The maturing task scans only what is still waiting.
            models.Index(
                fields=("confirm_due_at",),
                condition=Q(confirmed_at__isnull=True),
                name="wfx_settlement_to_confirm",
            ),
            models.Index(
                fields=("available_due_at",),
                condition=Q(released_at__isnull=True),
                name="wfx_settlement_to_release",
            ),
        ]

    def __str__(self) -> str:
        return f"settlement of order {self.attribution_id} for {self.distributor_id}"

    @property
    def bucket(self) -> str:
        """Where this order's commission lives now."""
        if self.released_at is not None:
            return LedgerEntry.Bucket.AVAILABLE
        if self.confirmed_at is not None:
            return LedgerEntry.Bucket.HOLD
        return LedgerEntry.Bucket.PENDING


COMMISSION_KINDS = ("accrual", "reversal")


class LedgerQuerySet(models.QuerySet):
    def commission(self) -> LedgerQuerySet:
        """What orders earned and gave back: accruals and reversals, each of a plan line."""
        return self.filter(kind__in=COMMISSION_KINDS)


class LedgerEntry(models.Model):
    """The one append-only ledger of the programme's money, per distributor and currency, in
    buckets.

    Commission enters as accruals (and leaves as reversals) of one order line and level, in the
    bucket its order's settlement is in; every other movement is two or more legs that sum to
    zero (pending → hold → available → reserved → paid / tax / fee), except staff adjustments.
    What a distributor earned and what they may be paid are both sums of these rows: there is no
    second record of commission to disagree with it. Nothing is ever updated or deleted (a
    PostgreSQL trigger enforces it).
    """

    class Bucket(models.TextChoices):
        PENDING = "pending"  # earned, order not yet confirmed (delivered)
        HOLD = "hold"  # confirmed, inside the T+N hold
        AVAILABLE = "available"  # may be paid out; negative = clawback carried forward
        RESERVED = "reserved"  # in a payout request not yet paid
        PAID = "paid"  # transferred to the distributor
        TAX = "tax"  # withheld for the tax office
        FEE = "fee"  # early-withdrawal fees kept by the merchant

    class Kind(models.TextChoices):
        ACCRUAL = "accrual"
        REVERSAL = "reversal"
        CONFIRMATION = "confirmation"
        RELEASE = "release"
        RESERVATION = "reservation"
        RESERVATION_RETURN = "reservation_return"
        PAYOUT = "payout"
        TAX = "tax"
        FEE = "fee"
        ADJUSTMENT = "adjustment"
        # A growth rule's award at a month-end close (ladder top-up, team, same-grade,
        # per-order bonus), or its reversal after a refund.
        BONUS = "bonus"

    # Indexed by wfx_ledger_totals and wfx_ledger_history, which lead with it.
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="ledger_entries", db_index=False
    )
    currency = models.CharField(max_length=3)
    bucket = models.CharField(max_length=16, choices=Bucket.choices)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount = models.DecimalField(**MONEY_DIGITS)
    # The legs of one movement share it.
    movement = models.UUIDField()
    # Commission only: the plan line (order line and level) it accrues or reverses; the level,
    # repeated so that the legal check needs no join; its place in the line's sequence (unique, so
    # two workers posting the same difference at once cannot both succeed); the Saleor event.
    commission_line = models.ForeignKey(
        CommissionLine, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    event = models.CharField(max_length=64, blank=True)
    # What else an entry traces to: the order's settlement, a payout, or a staff action.
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    award = models.ForeignKey(
        GrowthAward, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    actor = models.CharField(max_length=128, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = [
            # Covering: balances and earnings are summed from the index alone (an index-only
            # scan), never from the table, however long a distributor's history.
            models.Index(
                fields=("distributor", "currency", "bucket", "kind"),
                include=("amount",),
                name="wfx_ledger_totals",
            ),
            # A distributor's ledger newest first: the page is the index's last rows. Covering
            # too: a balance is a snapshot plus the rows after its id, read from this index
            # alone (an index-only range scan), however long the history before it.
            models.Index(
                fields=("distributor", "id"),
                include=("currency", "bucket", "kind", "amount"),
                name="wfx_ledger_history",
            ),
            models.Index(fields=("movement",), name="wfx_ledger_movement"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="wfx_ledger_amount_nonzero"),
            # A settlement is confirmed once and released once, whoever runs the task.
            models.UniqueConstraint(
                fields=("settlement", "kind", "bucket"),
                condition=Q(kind__in=["confirmation", "release"]),
                name="wfx_ledger_settle_once",
            ),
            models.UniqueConstraint(
                fields=("idempotency_key", "bucket"),
                condition=Q(idempotency_key__isnull=False),
                name="wfx_ledger_idempotency",
            ),
            models.UniqueConstraint(
                fields=("commission_line", "sequence"),
                condition=Q(commission_line__isnull=False),
                name="wfx_ledger_commission_sequence",
            ),
            # Three levels including the seller, never a fourth (禁止传销条例).
            models.CheckConstraint(
                condition=Q(level__isnull=True) | LEVEL_IS_LEGAL, name="wfx_ledger_level_1_3"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=COMMISSION_KINDS)
                | (Q(kind="accrual") & Q(amount__gt=0))
                | (Q(kind="reversal") & Q(amount__lt=0)),
                name="wfx_ledger_commission_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=COMMISSION_KINDS,
                        commission_line__isnull=False,
                        level__isnull=False,
                        sequence__isnull=False,
                        settlement__isnull=False,
                    )
                    | Q(kind__in=["confirmation", "release"], settlement__isnull=False)
                    | Q(
                        kind__in=["reservation", "reservation_return", "payout", "tax", "fee"],
                        payout__isnull=False,
                    )
                    | (Q(kind="adjustment") & ~Q(actor="") & ~Q(reason=""))
                    | Q(kind="bonus", award__isnull=False)
                ),
                name="wfx_ledger_entry_traces_to_its_cause",
            ),
            # Only commission belongs to a plan line.
            models.CheckConstraint(
                condition=Q(kind__in=COMMISSION_KINDS)
                | Q(commission_line__isnull=True, level__isnull=True, sequence__isnull=True),
                name="wfx_ledger_plan_line_only_on_commission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} in {self.bucket}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise RuntimeError("ledger entries are append-only; post a correcting movement")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("ledger entries are append-only; post a correcting movement")
