"""Distribution programme data.

Saleor objects are referenced by their ids (order UUID, user id, product and category ids), never
by foreign keys into Saleor's tables: Saleor hard-deletes expired orders, and the programme's
records must outlive them as audit evidence.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from .domain.attribution import AttributionSource, DistributorStatus, RejectionReason
from .domain.chain import MAX_COMMISSION_LEVELS
from .domain.commission import PlannedCommission

# Saleor's own precision for money columns: enough for any currency's minor unit.
MONEY_DIGITS = {"max_digits": 20, "decimal_places": 3}
RATE_DIGITS = {"max_digits": 5, "decimal_places": 2}
LEVEL_IS_LEGAL = Q(level__gte=1) & Q(level__lte=MAX_COMMISSION_LEVELS)


def _rate_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})


class Grade(models.Model):
    """普通 / 金牌 / 合伙人 and whatever the merchant adds. Higher rank = better grade.

    Upgrade criteria are all about sales in the previous calendar month; every criterion that is
    set must be met. There is deliberately no criterion on recruiting: a grade sets the seller
    rate, so a grade earned by recruiting would be pay for recruiting (禁止传销条例).
    """

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    # None: the grade keeps the programme's default seller rate.
    seller_rate = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
    # Monthly own sales (goods value, net of refunds) in `upgrade_currency`.
    upgrade_min_sales = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    # Monthly sales of the distributor and the two levels below (the team the rules pay on).
    upgrade_min_team_sales = models.DecimalField(**MONEY_DIGITS, null=True, blank=True)
    upgrade_currency = models.CharField(max_length=3, blank=True)
    upgrade_min_orders = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("rank", "slug")
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_rate__isnull=True) | _rate_in_range("seller_rate"),
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


class Distributor(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128, blank=True)
    status = models.CharField(
        max_length=16,
        choices=[(status.value, status.name.title()) for status in DistributorStatus],
        default=DistributorStatus.PENDING.value,
    )
    # Saleor's user id; one distributor per customer account.
    user_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT)
    # The recruiter. The tree may be as deep as recruiting goes; commission never is.
    upline = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="downline"
    )
    # Set by a staff override: the monthly upgrade task leaves this distributor's grade alone.
    grade_locked = models.BooleanField(default=False)
    status_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("email",), name="wfx_distributor_email")]
        constraints = [
            models.CheckConstraint(condition=Q(code=Upper("code")), name="wfx_code_uppercase"),
            models.CheckConstraint(condition=~Q(upline=F("id")), name="wfx_not_own_upline"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.email or self.user_id or self.pk})"

    @property
    def is_active(self) -> bool:
        return self.status == DistributorStatus.ACTIVE


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
                condition=_rate_in_range("seller_rate"), name="wfx_rule_rate_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.saleor_id}: {self.seller_rate}%"


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
    seller = models.ForeignKey(
        Distributor, null=True, on_delete=models.PROTECT, related_name="sold_orders"
    )
    upline = models.ForeignKey(Distributor, null=True, on_delete=models.PROTECT, related_name="+")
    grand_upline = models.ForeignKey(
        Distributor, null=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    # When the order first met the commission trigger. Stays set: a later refund lowers what is
    # earned but does not make the order "unpaid" again.
    commissionable_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    refunded_amount = models.DecimalField(**MONEY_DIGITS, default=0)
    order_total = models.DecimalField(**MONEY_DIGITS, default=0)
    over_refunded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-placed_at", "-id")
        indexes = [models.Index(fields=("placed_at",), name="wfx_attr_placed")]
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
            models.CheckConstraint(condition=_rate_in_range("rate"), name="wfx_plan_rate_0_100"),
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
        )


class CommissionEntry(models.Model):
    """Append-only ledger of commission. A distributor's balance is the sum of their entries;
    nothing here is ever updated or deleted (PostgreSQL enforces it with a trigger)."""

    class Kind(models.TextChoices):
        ACCRUAL = "accrual"
        REVERSAL = "reversal"

    commission_line = models.ForeignKey(
        CommissionLine, on_delete=models.PROTECT, related_name="entries"
    )
    # Repeated from the plan so balances and the legal-level check need no join.
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="commission_entries"
    )
    level = models.PositiveSmallIntegerField()
    # 1, 2, 3… per plan line; unique, so two workers posting the same difference at once cannot
    # both succeed.
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(**MONEY_DIGITS)
    currency = models.CharField(max_length=3)
    event = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("distributor", "currency"), name="wfx_entry_balance")]
        constraints = [
            models.UniqueConstraint(
                fields=("commission_line", "sequence"), name="wfx_entry_sequence_unique"
            ),
            models.CheckConstraint(condition=LEVEL_IS_LEGAL, name="wfx_entry_level_1_3"),
            models.CheckConstraint(
                condition=(Q(kind="accrual") & Q(amount__gt=0))
                | (Q(kind="reversal") & Q(amount__lt=0)),
                name="wfx_entry_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} (level {self.level})"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise RuntimeError("commission entries are append-only; post a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("commission entries are append-only; post a reversal instead")


def _random_name(prefix: str, filename: str) -> str:
    import uuid

    return f"wfx/{prefix}/{uuid.uuid4().hex}"


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    # Never the uploader's file name: it is user input and may carry personal data.
    return _random_name("documents", filename)


def _private_storage():  # type: ignore[no-untyped-def]
    from .storage import lazy_private_storage

    return lazy_private_storage


class DistributorApplication(models.Model):
    """A customer's request to join. Joining is free: there is no fee field, by design."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    user_id = models.CharField(max_length=64)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=128, blank=True)
    phone = models.CharField(max_length=32)
    invite_code = models.CharField(max_length=64, blank=True)
    recruiter = models.ForeignKey(
        Distributor, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(max_length=500, blank=True)
    reviewed_by = models.CharField(max_length=128, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    distributor = models.OneToOneField(
        Distributor, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            # Two taps on "apply" make one application.
            models.UniqueConstraint(
                fields=("user_id",),
                condition=Q(status="pending"),
                name="wfx_one_pending_application_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"application {self.pk} by user {self.user_id} ({self.status})"


class ApplicationDocument(models.Model):
    """ID card or business licence image: personal data, kept in private storage and handed out
    only through short-lived signed links to staff with the permission."""

    class Kind(models.TextChoices):
        ID_CARD = "id_card"
        BUSINESS_LICENCE = "business_licence"

    application = models.ForeignKey(
        DistributorApplication, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    file = models.FileField(upload_to=_document_path, storage=_private_storage, max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.kind} for application {self.application_id}"


class DistributorEvent(models.Model):
    """Audit trail of what happened to a distributor, by whom and why."""

    class Kind(models.TextChoices):
        CREATED = "created"
        APPROVED = "approved"
        SUSPENDED = "suspended"
        REACTIVATED = "reactivated"
        GRADE_CHANGED = "grade_changed"
        UPLINE_CHANGED = "upline_changed"
        IMPORTED = "imported"

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # "user:<saleor id>", "app:<saleor id>" or "system" for the monthly grade task.
    actor = models.CharField(max_length=128)
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Set for automatic changes, so a task that runs twice for a month records one change.
    idempotency_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} of {self.distributor_id} by {self.actor}"


class ReferralClick(models.Model):
    """One row per visitor per distributor per day. The visitor is a keyed hash of the address
    and browser, never the address itself."""

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="clicks")
    day = models.DateField()
    visitor = models.CharField(max_length=64)
    product_path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("distributor", "day", "visitor"), name="wfx_one_click_per_visitor_day"
            )
        ]
        indexes = [models.Index(fields=("distributor", "day"), name="wfx_click_day")]

    def __str__(self) -> str:
        return f"click for {self.distributor_id} on {self.day}"
