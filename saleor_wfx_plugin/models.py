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


# --- Money: settlement, the balance ledger, payouts -------------------------------------------


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


class LedgerEntry(models.Model):
    """Append-only ledger of a distributor's money, per currency, in buckets.

    Commission enters as accruals (and leaves as reversals) in the bucket its order's settlement
    is in; every other movement is two or more legs that sum to zero (pending → hold →
    available → reserved → paid / tax / fee), except staff adjustments. A balance is the sum of
    a bucket's entries; nothing is ever updated or deleted (a PostgreSQL trigger enforces it).
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

    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    currency = models.CharField(max_length=3)
    bucket = models.CharField(max_length=16, choices=Bucket.choices)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount = models.DecimalField(**MONEY_DIGITS)
    # The legs of one movement share it.
    movement = models.UUIDField()
    # What the entry traces to: an order's commission, a payout, or a staff action.
    commission_entry = models.OneToOneField(
        CommissionEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    actor = models.CharField(max_length=128, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(fields=("distributor", "currency", "bucket"), name="wfx_ledger_balance"),
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
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["accrual", "reversal"], commission_entry__isnull=False)
                    | Q(kind__in=["confirmation", "release"], settlement__isnull=False)
                    | Q(
                        kind__in=["reservation", "reservation_return", "payout", "tax", "fee"],
                        payout__isnull=False,
                    )
                    | (Q(kind="adjustment") & ~Q(actor="") & ~Q(reason=""))
                ),
                name="wfx_ledger_entry_traces_to_its_cause",
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
