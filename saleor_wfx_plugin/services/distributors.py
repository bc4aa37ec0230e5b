"""Creating distributors, changing the upline tree, suspending and reactivating, and linking a
customer account to the distributor staff created for its e-mail address.

Every change is recorded as a `DistributorEvent` naming who made it and why.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..auth import Viewer
from ..domain.attribution import DistributorStatus, is_well_formed_code, normalize_code
from ..domain.phones import normalize_phone
from ..errors import DistributorError, ProgrammeError
from ..lock_objects import (
    lock_distributor,
    lock_distributor_by_code,
    lock_distributor_tree,
    lock_distributors,
)
from ..models import Distributor, DistributorEvent, Grade
from .events import SYSTEM_ACTOR, record_event

# No 0/O or 1/I/L: codes are read aloud and typed from posters.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_CODE_LENGTH = 8
MAX_REASON_LENGTH = DistributorEvent._meta.get_field("reason").max_length
MAX_NAME_LENGTH = Distributor._meta.get_field("name").max_length
MAX_EMAIL_LENGTH = Distributor._meta.get_field("email").max_length


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(GENERATED_CODE_LENGTH))


def default_grade() -> Grade | None:
    """The grade a new distributor starts in: the lowest rank (普通 in the default list)."""
    return Grade.objects.order_by("rank", "slug").first()


@transaction.atomic
def create_distributor(
    *,
    user_id: str | None = None,
    email: str = "",
    phone: str = "",
    code: str | None = None,
    upline: Distributor | None = None,
    grade: Grade | None = None,
    status: DistributorStatus = DistributorStatus.ACTIVE,
    name: str = "",
    actor: str = SYSTEM_ACTOR,
    reason: str = "",
    event_kind: DistributorEvent.Kind = DistributorEvent.Kind.CREATED,
    event_data: Mapping[str, Any] | None = None,
) -> Distributor:
    """Joining is free: there is deliberately no fee, deposit or starter-pack parameter.

    Records one event (`event_kind`, CREATED unless the caller names how the distributor came
    to be, e.g. APPROVED or IMPORTED) with the code and the upline's code, plus `event_data`.
    """
    lock_distributor_tree()
    if code is not None:
        code = normalize_code(code)
        if code is None or not is_well_formed_code(code):
            raise DistributorError(
                _("A code is 3-32 letters, digits, '-' or '_', starting with a letter or digit."),
                code="invalid_code",
                field="code",
            )
    distributor = _insert_with_free_code(
        code=code,
        user_id=user_id,
        email=email,
        phone=phone,
        name=name,
        upline=upline,
        grade=grade,
        status=status,
    )
    record_event(
        distributor,
        event_kind,
        actor=actor,
        reason=reason,
        code=distributor.code,
        upline=upline.code if upline is not None else None,
        **(event_data or {}),
    )
    return distributor


def _insert_with_free_code(*, code: str | None, user_id: str | None, **fields: Any) -> Distributor:
    for _attempt in range(10):
        candidate = code or generate_code()
        try:
            with transaction.atomic():
                return Distributor.objects.create(code=candidate, user_id=user_id, **fields)
        except IntegrityError:
            user_taken = (
                user_id is not None and Distributor.objects.filter(user_id=user_id).exists()
            )
            if code is not None or user_taken:
                raise DistributorError(
                    _("This code or user already belongs to a distributor."), code="unique"
                ) from None
    raise DistributorError(_("Could not generate a free code; try again."), code="code_exhausted")


@transaction.atomic
def create_distributor_by_staff(
    *,
    actor: str,
    email: str,
    phone: str,
    name: str = "",
    user_id: str | None = None,
    code: str | None = None,
    upline_code: str | None = None,
    grade_slug: str | None = None,
) -> Distributor:
    """An active distributor created from the dashboard. Without `user_id` it waits for the
    customer with that e-mail address to sign in (`link_account`)."""
    email = email.strip()
    name = name.strip()
    _check_email(email)
    normalized_phone = clean_phone(phone)
    if len(name) > MAX_NAME_LENGTH:
        raise DistributorError(
            _("A name is at most %(max_name_length)s characters.")
            % {"max_name_length": MAX_NAME_LENGTH},
            code="name_too_long",
            field="name",
        )
    user_id = (user_id or "").strip() or None
    lock_distributor_tree()
    if user_id is not None and Distributor.objects.filter(user_id=user_id).exists():
        raise DistributorError(
            _("This customer account already has a distributor."),
            code="already_distributor",
            field="userId",
        )
    normalized_code = normalize_code(code)
    if normalized_code is not None and Distributor.objects.filter(code=normalized_code).exists():
        raise DistributorError(_("This code is taken."), code="unique", field="code")
    upline = _active_upline(upline_code) if normalize_code(upline_code) else None
    grade = _grade(grade_slug) if grade_slug else default_grade()
    return create_distributor(
        user_id=user_id,
        email=email,
        phone=normalized_phone,
        name=name,
        code=code,
        upline=upline,
        grade=grade,
        status=DistributorStatus.ACTIVE,
        actor=actor,
    )


def _check_email(email: str) -> None:
    try:
        validate_email(email)
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError("too long")
    except ValidationError:
        raise DistributorError(
            _("Enter a valid e-mail address."), code="invalid_email", field="email"
        ) from None


def clean_phone(phone: str) -> str:
    """The phone number in E.164 form, or a DistributorError for the "phone" field."""
    normalized = normalize_phone(phone)
    if normalized is None:
        raise DistributorError(
            _(
                "Enter a mainland mobile number (11 digits) or an international number "
                "starting with +."
            ),
            code="invalid_phone",
            field="phone",
        )
    return normalized


def _active_upline(upline_code: str | None) -> Distributor:
    upline = lock_distributor_by_code(normalize_code(upline_code) or "")
    if upline is None:
        raise DistributorError(
            _("No distributor has that code."), code="upline_not_found", field="uplineCode"
        )
    if not upline.is_active:
        raise DistributorError(
            _("That distributor is not active and cannot recruit."),
            code="upline_inactive",
            field="uplineCode",
        )
    return upline


def _grade(slug: str) -> Grade:
    grade = Grade.objects.filter(slug=slug.strip().lower()).first()
    if grade is None:
        raise DistributorError(_("There is no such grade."), code="grade_not_found", field="grade")
    return grade


@transaction.atomic
def change_upline(
    distributor: Distributor,
    new_upline: Distributor | None,
    *,
    actor: str = SYSTEM_ACTOR,
    reason: str = "",
) -> Distributor:
    """Move a distributor under another recruiter (None: to the top of the tree). Affects future
    orders only: past orders keep the chain frozen on them. A suspended or otherwise inactive
    distributor cannot take on a downline."""
    lock_distributor_tree()
    new_upline_id = new_upline.pk if new_upline is not None else None
    locked = lock_distributors([distributor.pk, new_upline_id])
    current = locked[distributor.pk]
    if current.upline_id == new_upline_id:
        distributor.upline_id = current.upline_id
        return distributor
    if new_upline is not None:
        ancestor_id: int | None = new_upline.pk
        while ancestor_id is not None:
            if ancestor_id == distributor.pk:
                raise DistributorError(
                    _("That upline is in this distributor's own downline."),
                    code="upline_cycle",
                    field="upline",
                )
            ancestor_id = (
                Distributor.objects.filter(pk=ancestor_id)
                .values_list("upline_id", flat=True)
                .first()
            )
        new_upline = locked[new_upline.pk]
        if not new_upline.is_active:
            raise DistributorError(
                _("That distributor is not active and cannot take on a downline."),
                code="upline_inactive",
                field="upline",
            )
    old_code = (
        Distributor.objects.filter(pk=current.upline_id).values_list("code", flat=True).first()
    )
    distributor.upline = new_upline
    distributor.save(update_fields=["upline", "updated_at"])
    record_event(
        distributor,
        DistributorEvent.Kind.UPLINE_CHANGED,
        actor=actor,
        reason=reason,
        **{"from": old_code, "to": new_upline.code if new_upline is not None else None},
    )
    return distributor


def set_status(distributor: Distributor, status: DistributorStatus) -> Distributor:
    """Low-level status write without an audit event; staff actions go through
    `suspend_distributor` and `reactivate_distributor`."""
    distributor.status = status
    distributor.save(update_fields=["status", "updated_at"])
    return distributor


@transaction.atomic
def suspend_distributor(distributor: Distributor, *, actor: str, reason: str) -> Distributor:
    """Stop an active distributor earning: their code and bindings attribute nothing from now
    on. Commission already earned stays. The reason is shown to staff and kept on record."""
    reason = clean_reason(reason)
    # The row lock makes two staff suspending at once record one suspension, not two.
    locked = lock_distributor(distributor.pk)
    if locked.status != DistributorStatus.ACTIVE:
        raise DistributorError(
            _("Only an active distributor can be suspended; this one is %(status)s.")
            % {"status": locked.status},
            code="invalid_status",
        )
    locked.status = DistributorStatus.SUSPENDED
    locked.status_reason = reason
    locked.save(update_fields=["status", "status_reason", "updated_at"])
    record_event(locked, DistributorEvent.Kind.SUSPENDED, actor=actor, reason=reason)
    _copy_status(locked, distributor)
    return locked


@transaction.atomic
def reactivate_distributor(
    distributor: Distributor, *, actor: str, reason: str = ""
) -> Distributor:
    """Let a suspended distributor earn again, on orders placed from now on."""
    reason = reason.strip()
    _check_reason_length(reason)
    locked = lock_distributor(distributor.pk)
    if locked.erased_at is not None:
        raise DistributorError(
            _("This distributor's personal data was erased; the account cannot be used again."),
            code="erased",
        )
    if locked.status != DistributorStatus.SUSPENDED:
        raise DistributorError(
            _("Only a suspended distributor can be reactivated; this one is %(status)s.")
            % {"status": locked.status},
            code="invalid_status",
        )
    locked.status = DistributorStatus.ACTIVE
    locked.status_reason = ""
    locked.save(update_fields=["status", "status_reason", "updated_at"])
    record_event(locked, DistributorEvent.Kind.REACTIVATED, actor=actor, reason=reason)
    _copy_status(locked, distributor)
    return locked


def clean_reason(reason: str, *, error: type[ProgrammeError] = DistributorError) -> str:
    """A reason staff must give (suspending, rejecting, reversing), trimmed and within the
    column's size; refused with `error`, the class of the caller's area."""
    reason = reason.strip()
    if not reason:
        raise error("Give a reason.", code="reason_required", field="reason")
    _check_reason_length(reason, error=error)
    return reason


def _check_reason_length(reason: str, *, error: type[ProgrammeError] = DistributorError) -> None:
    if len(reason) > MAX_REASON_LENGTH:
        raise error(
            f"A reason is at most {MAX_REASON_LENGTH} characters.",
            code="reason_too_long",
            field="reason",
        )


def _copy_status(source: Distributor, target: Distributor) -> None:
    # The caller's instance would otherwise still show the old status.
    target.status = source.status
    target.status_reason = source.status_reason
    target.updated_at = source.updated_at


def link_account(viewer: Viewer) -> Distributor | None:
    """The viewer's distributor. A customer whose account has none yet is given the one staff
    created (or imported) for their e-mail address, once they have confirmed that address, so
    nobody claims someone else's team by signing up with their e-mail.

    Links only when exactly one unlinked distributor has that address (case-insensitively);
    two would be a mix-up for staff to resolve, not a guess to make.
    """
    if not viewer.is_customer:
        return None
    assert viewer.user_id is not None
    own = Distributor.objects.filter(user_id=viewer.user_id).first()
    if own is not None:
        return own
    email = viewer.email.strip()
    if not viewer.email_confirmed or not email:
        return None
    candidates = list(
        Distributor.objects.filter(email__iexact=email, user_id__isnull=True).values_list(
            "pk", flat=True
        )[:2]
    )
    if len(candidates) != 1:
        return None
    try:
        with transaction.atomic():
            # Conditional on still being unlinked: two sign-ins at once link it once.
            linked = Distributor.objects.filter(pk=candidates[0], user_id__isnull=True).update(
                user_id=viewer.user_id, updated_at=timezone.now()
            )
    except IntegrityError:
        # This account was linked to another distributor in the meantime.
        linked = 0
    if not linked:
        return Distributor.objects.filter(user_id=viewer.user_id).first()
    return Distributor.objects.get(pk=candidates[0])
