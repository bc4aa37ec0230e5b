"""Distributors, their applications with documents, their audit trail and their link clicks."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from ..domain.attribution import DistributorStatus
from .programme import Grade
from .tax import TaxIdentity


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
    # Indexed by `wfx_distributor_team` instead, which leads with it.
    upline = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="downline",
        db_index=False,
    )
    # Set by a staff override: the monthly upgrade task leaves this distributor's grade alone.
    grade_locked = models.BooleanField(default=False)
    status_reason = models.CharField(max_length=500, blank=True)
    # The verified person behind the account, for income tax (read and written only through
    # services/identity.py). Set once, by staff or the first payout request; changed by staff.
    identity = models.ForeignKey(
        TaxIdentity, null=True, blank=True, on_delete=models.PROTECT, related_name="distributors"
    )
    identity_set_by = models.CharField(max_length=128, blank=True)
    identity_set_at = models.DateTimeField(null=True, blank=True)
    # Set when staff erased the departed distributor's personal data (services/erasure.py):
    # the code, amounts and audit trail stay, the person is gone. Never reactivated after.
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.CharField(max_length=128, blank=True)
    # Staff froze the balance (a fraud investigation): no payout is requested or approved until
    # they unfreeze it. Commission keeps accruing and settling.
    balance_frozen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(fields=("email",), name="wfx_distributor_email"),
            # Staff's list, newest first: a page reads its rows off the index.
            models.Index(fields=("created_at", "id"), name="wfx_distributor_newest"),
            # A team, newest recruits first: a page of `me.team` reads its ids off the index,
            # and counting a team never touches the table.
            models.Index(fields=("upline", "created_at", "id"), name="wfx_distributor_team"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(code=Upper("code")), name="wfx_code_uppercase"),
            models.CheckConstraint(condition=~Q(upline=F("id")), name="wfx_not_own_upline"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.email or self.user_id or self.pk})"

    @property
    def is_active(self) -> bool:
        return self.status == DistributorStatus.ACTIVE


def _random_name(prefix: str, filename: str) -> str:
    import uuid

    return f"wfx/{prefix}/{uuid.uuid4().hex}"


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    # Never the uploader's file name: it is user input and may carry personal data.
    return _random_name("documents", filename)


def _private_storage():  # type: ignore[no-untyped-def]
    from ..storage import lazy_private_storage

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

    class Deletion(models.TextChoices):
        # `document_retention_days` after the application was decided.
        RETENTION = "retention"
        # Staff erased the distributor's personal data.
        ERASURE = "erasure"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Empty once the file is deleted; the row stays as the record that there was one.
    file = models.FileField(
        upload_to=_document_path, storage=_private_storage, max_length=255, blank=True
    )
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Why the file is (to be) deleted: set with the deletion, or beforehand by an erasure,
    # whose files go once its transaction commits (services/retention.py).
    file_deletion_reason = models.CharField(max_length=16, choices=Deletion.choices, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
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
        IDENTITY_SET = "identity_set"
        IDENTITY_CHANGED = "identity_changed"
        # Personal data erased (PIPL); the event holds counts, never the data.
        ERASED = "erased"
        # A staff correction of the balance: asked for (waiting for a second approver when above
        # the threshold), applied, or refused by the second approver.
        ADJUSTMENT_REQUESTED = "adjustment_requested"
        ADJUSTMENT_APPLIED = "adjustment_applied"
        ADJUSTMENT_REJECTED = "adjustment_rejected"
        BALANCE_FROZEN = "balance_frozen"
        BALANCE_UNFROZEN = "balance_unfrozen"

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
