"""What the merchant configures: grades, per-product or per-category rates, and when the
programme was switched on or off."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .fields import MONEY_DIGITS, RATE_DIGITS, rate_in_range


class Grade(models.Model):
    """普通 / 金牌 / 合伙人 and whatever the merchant adds. Higher rank = better grade.

    Upgrade criteria are all about sales settled (out of the T+N hold) in the previous calendar
    month; every criterion that is set must be met. There is deliberately no criterion on
    recruiting: a grade sets the seller rate, so a grade earned by recruiting would be pay for
    recruiting (禁止传销条例).
    """

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    # None: the grade keeps the programme's default seller rate.
    seller_rate = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
    # Monthly own sales (goods value, net of refunds) in `upgrade_currency`.
    upgrade_min_sales = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    # Monthly sales of the distributor and the levels below that commission is paid on. Applied,
    # and accepted from staff, only while the `grade_team_sales_rules` setting is on.
    upgrade_min_team_sales = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    upgrade_currency = models.CharField(max_length=3, blank=True)
    upgrade_min_orders = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("rank", "slug")
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_rate__isnull=True) | rate_in_range("seller_rate"),
                name="wfx_grade_rate_0_100",
            ),
            models.CheckConstraint(
                condition=(
                    Q(upgrade_min_sales__isnull=True, upgrade_min_team_sales__isnull=True)
                    | ~Q(upgrade_currency="")
                ),
                name="wfx_grade_threshold_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_upgrade_rule(self) -> bool:
        return (
            self.upgrade_min_sales is not None
            or self.upgrade_min_team_sales is not None
            or self.upgrade_min_orders is not None
        )


class CommissionRule(models.Model):
    """A seller-rate override for one Saleor product or category."""

    class Scope(models.TextChoices):
        PRODUCT = "product"
        CATEGORY = "category"

    scope = models.CharField(max_length=16, choices=Scope.choices)
    saleor_id = models.CharField(max_length=64)
    seller_rate = models.DecimalField(**RATE_DIGITS)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("scope", "saleor_id"), name="wfx_one_rule_per_target"),
            models.CheckConstraint(
                condition=rate_in_range("seller_rate"), name="wfx_rule_rate_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.saleor_id}: {self.seller_rate}%"


class ProgrammeSwitch(models.Model):
    """When the merchant switched the programme on or off: the plugin's `active` flag over time.

    Saleor stores only the flag's current value, so the programme keeps its history itself,
    append-only (PostgreSQL refuses UPDATE and DELETE). An order earns only if the last switch
    at or before the moment it was placed switched the programme on; with no switch before it,
    the order was placed before the programme was first switched on, which is off too.
    """

    class Source(models.TextChoices):
        # Saleor's pluginUpdate (API or dashboard): recorded as it saves, at the exact moment.
        PLUGIN_UPDATE = "plugin_update"
        # Found changed when the programme next read its settings (Django admin, SQL, a
        # restored backup): as precise as that reading, at most one beat interval late.
        OBSERVED = "observed"
        # Seeded by the upgrade that introduced the history, from the programme's own records.
        MIGRATION = "migration"

    active = models.BooleanField()
    at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=Source.choices)
    actor = models.CharField(max_length=128, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=("at", "id"), name="wfx_switch_at")]

    def __str__(self) -> str:
        return f"{'on' if self.active else 'off'} at {self.at:%Y-%m-%d %H:%M:%S} ({self.source})"
