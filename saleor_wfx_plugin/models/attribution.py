"""Who referred an order (frozen when it is first seen), the customer's binding, and the
commission plan frozen on the order."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ..domain.attribution import AttributionSource, RejectionReason
from ..domain.commission import PlannedCommission
from .distributors import Distributor
from .fields import LEVEL_IS_LEGAL, MONEY_DIGITS, RATE_DIGITS, rate_in_range


class CustomerBinding(models.Model):
    """锁粉: a customer stays with the first distributor who referred them, for a while."""

    customer_key = models.CharField(max_length=320, unique=True)
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="+")
    bound_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    source_order_id = models.UUIDField()

    def __str__(self) -> str:
        return f"{self.customer_key} → {self.distributor_id} until {self.expires_at:%Y-%m-%d}"


class ReferralAttribution(models.Model):
    """One per Saleor order that reached the plugin: who referred it, frozen when it was placed,
    or why nobody did."""

    order_id = models.UUIDField(unique=True)
    order_number = models.CharField(max_length=32)
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    customer_key = models.CharField(max_length=320, null=True, blank=True)
    submitted_code = models.CharField(max_length=64, blank=True)
    # The Saleor voucher code the order used, when it is a distributor's exclusive voucher.
    voucher_code = models.CharField(max_length=255, blank=True)
    source = models.CharField(
        max_length=16, choices=[(source.value, source.name.title()) for source in AttributionSource]
    )
    code_rejection = models.CharField(
        max_length=32,
        null=True,
        blank=True,
        choices=[(reason.value, reason.name.title()) for reason in RejectionReason],
    )
    # The chain, frozen: later changes to the tree never change an order already placed.
    # Indexed with the month's column (Meta.indexes), which serves lookups by payee alone too.
    seller = models.ForeignKey(
        Distributor,
        null=True,
        on_delete=models.PROTECT,
        related_name="sold_orders",
        db_index=False,
    )
    upline = models.ForeignKey(
        Distributor, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    grand_upline = models.ForeignKey(
        Distributor, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    placed_at = models.DateTimeField()
    # When the visitor followed the referral link, as the storefront sent it (`<key>_at`); never
    # after the order: a claim from the future counts as the order's own time.
    referred_at = models.DateTimeField(null=True, blank=True)
    # When the order first met the commission trigger. Stays set: a later refund lowers what is
    # earned but does not make the order "unpaid" again.
    commissionable_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    refunded_amount = models.DecimalField(**MONEY_DIGITS, default=0)
    order_total = models.DecimalField(**MONEY_DIGITS, default=0)
    over_refunded = models.BooleanField(default=False)
    # `promotional_gift_cards_earn` as it was when the order first earned; null before then.
    promotional_gift_cards_earn = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-placed_at", "-id")
        indexes = [
            # Newest first, ties by id: the API's order of orders and of their commission.
            models.Index(fields=("placed_at", "id"), name="wfx_attr_newest"),
            models.Index(fields=("order_number",), name="wfx_attr_order_number"),
            # A distributor's month of sales (`me.sales`, team figures): the orders in which they
            # are seller, upline or grand upline, read for the month only, not for all time.
            models.Index(fields=("seller", "commissionable_at"), name="wfx_attr_seller_month"),
            models.Index(fields=("upline", "commissionable_at"), name="wfx_attr_upline_month"),
            models.Index(
                fields=("grand_upline", "commissionable_at"), name="wfx_attr_grand_upline_month"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grand_upline__isnull=True) | Q(upline__isnull=False),
                name="wfx_chain_has_no_gap",
            ),
            models.CheckConstraint(
                condition=Q(upline__isnull=True) | Q(seller__isnull=False),
                name="wfx_chain_starts_at_seller",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.order_number} ({self.source})"


class CommissionLine(models.Model):
    """The frozen plan for one order line and level: who earns, at which rate, on which base."""

    attribution = models.ForeignKey(
        ReferralAttribution, on_delete=models.PROTECT, related_name="commission_lines"
    )
    order_line_id = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="commission_lines"
    )
    rate = models.DecimalField(**RATE_DIGITS)
    # What the line's rules gave before the combined cap (max_total_rate) lowered `rate`.
    uncapped_rate = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    base = models.DecimalField(**MONEY_DIGITS)
    quantity = models.IntegerField()
    product_id = models.CharField(max_length=64, blank=True)
    category_id = models.CharField(max_length=64, blank=True)
    product_name = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("attribution", "order_line_id", "level"), name="wfx_one_plan_per_level"
            ),
            models.CheckConstraint(condition=LEVEL_IS_LEGAL, name="wfx_plan_level_1_3"),
            models.CheckConstraint(condition=rate_in_range("rate"), name="wfx_plan_rate_0_100"),
        ]

    def __str__(self) -> str:
        return f"line {self.order_line_id} level {self.level}: {self.rate}% of {self.base}"

    def to_planned(self) -> PlannedCommission:
        return PlannedCommission(
            line_id=self.order_line_id,
            level=self.level,
            distributor_id=self.distributor_id,
            rate=self.rate,
            base=self.base,
            quantity=self.quantity,
            uncapped_rate=self.uncapped_rate,
        )


class AttributionEvent(models.Model):
    """Audit trail of what staff (or the system) did to one order's attribution, by whom and why:
    a manual attribution, and any later order-level staff action."""

    class Kind(models.TextChoices):
        ATTRIBUTED_BY_HAND = "attributed_by_hand"
        FRAUD_HELD = "fraud_held"
        FRAUD_ALLOWED = "fraud_allowed"
        FRAUD_REJECTED = "fraud_rejected"

    attribution = models.ForeignKey(
        ReferralAttribution, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # "user:<saleor id>", "app:<saleor id>" or "system".
    actor = models.CharField(max_length=128)
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} of order {self.attribution_id} by {self.actor}"
