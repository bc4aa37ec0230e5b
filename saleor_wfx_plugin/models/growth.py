"""Growth rules (阶梯佣金, 团队业绩奖, 平级奖, 见单奖) as the merchant configures them per currency,
the month-end closes that apply them, and what each close awarded, down to the order line."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .attribution import ReferralAttribution
from .distributors import Distributor
from .fields import LEVEL_IS_LEGAL, MONEY_DIGITS, RATE_DIGITS, rate_in_range

# A per-order bonus spread over an order's lines is a rate with more places than a typed one.
AWARD_RATE_DIGITS = {"max_digits": 14, "decimal_places": 8}


class LadderBracket(models.Model):
    """From `min_sales` of own monthly settled sales in `currency`, the seller earns `rate` %."""

    currency = models.CharField(max_length=3)
    min_sales = models.DecimalField(**MONEY_DIGITS)
    rate = models.DecimalField(**RATE_DIGITS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("currency", "min_sales")
        constraints = [
            models.UniqueConstraint(
                fields=("currency", "min_sales"), name="wfx_one_bracket_per_threshold"
            ),
            models.CheckConstraint(condition=rate_in_range("rate"), name="wfx_bracket_rate_0_100"),
            models.CheckConstraint(condition=Q(min_sales__gt=0), name="wfx_bracket_above_zero"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_sales} {self.currency}: {self.rate}%"


class BonusRules(models.Model):
    """The bonuses of one currency; a bonus whose fields are empty is off (the default)."""

    currency = models.CharField(max_length=3, unique=True)
    team_threshold = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    team_extra_rate = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    same_grade_share = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    per_order_amount = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    per_order_monthly_cap = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(team_threshold__isnull=True, team_extra_rate__isnull=True)
                | Q(team_threshold__gt=0, team_extra_rate__gt=0, team_extra_rate__lte=100),
                name="wfx_team_bonus_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"bonuses in {self.currency}"


class MonthClose(models.Model):
    """One month closed: rules 1-3 applied to the orders settled in it, and later refunds of
    orders counted by earlier closes settled. Closed once; a second run finds it."""

    month = models.DateField(unique=True)
    closed_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ("-month",)

    def __str__(self) -> str:
        return f"close of {self.month:%Y-%m}"


class GrowthAward(models.Model):
    """What one rule paid one distributor at one close, in one currency: the sum of its lines,
    posted to the ledger as one bonus entry. Negative when refunds reversed more than the month
    earned."""

    class Rule(models.TextChoices):
        LADDER = "ladder"
        TEAM = "team"
        SAME_GRADE = "same_grade"
        PER_ORDER = "per_order"

    close = models.ForeignKey(MonthClose, on_delete=models.PROTECT, related_name="awards")
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="awards")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY_DIGITS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("close", "distributor", "rule", "currency"),
                name="wfx_one_award_per_month_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.amount} {self.currency} for {self.distributor_id}"


class GrowthAwardLine(models.Model):
    """One order line's part of an award: earned in the close that counted the order (with the
    rate and the amount on the whole line), or the reversal of a later refund."""

    award = models.ForeignKey(GrowthAward, on_delete=models.PROTECT, related_name="lines")
    attribution = models.ForeignKey(
        ReferralAttribution, on_delete=models.PROTECT, related_name="growth_award_lines"
    )
    order_line_id = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    rate = models.DecimalField(**AWARD_RATE_DIGITS)
    full_amount = models.DecimalField(**MONEY_DIGITS)
    amount = models.DecimalField(**MONEY_DIGITS)
    is_reversal = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=("attribution",), name="wfx_award_line_order")]
        constraints = [
            models.CheckConstraint(condition=LEVEL_IS_LEGAL, name="wfx_award_level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on line {self.order_line_id} of {self.attribution_id}"
