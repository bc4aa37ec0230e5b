"""Creating distributors and changing the upline tree."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from ..domain.attribution import DistributorStatus, is_well_formed_code, normalize_code
from ..locks import lock_distributor_tree
from ..models import Distributor, Grade

# No 0/O or 1/I/L: codes are read aloud and typed from posters.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_CODE_LENGTH = 8


class DistributorError(ValueError):
    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(GENERATED_CODE_LENGTH))


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
) -> Distributor:
    """Joining is free: there is deliberately no fee, deposit or starter-pack parameter."""
    lock_distributor_tree()
    if code is not None:
        code = normalize_code(code)
        if code is None or not is_well_formed_code(code):
            raise DistributorError(
                "A code is 3-32 letters, digits, '-' or '_', starting with a letter or digit.",
                code="invalid_code",
                field="code",
            )
    for _ in range(10):
        candidate = code or generate_code()
        try:
            with transaction.atomic():
                return Distributor.objects.create(
                    code=candidate,
                    user_id=user_id,
                    email=email,
                    phone=phone,
                    upline=upline,
                    grade=grade,
                    status=status,
                )
        except IntegrityError:
            user_taken = (
                user_id is not None and Distributor.objects.filter(user_id=user_id).exists()
            )
            if code is not None or user_taken:
                raise DistributorError(
                    "This code or user already belongs to a distributor.", code="unique"
                ) from None
    raise DistributorError("Could not generate a free code; try again.", code="code_exhausted")


@transaction.atomic
def change_upline(distributor: Distributor, new_upline: Distributor | None) -> Distributor:
    """Move a distributor under another recruiter. Affects future orders only: past orders keep
    the chain frozen on them."""
    lock_distributor_tree()
    if new_upline is not None:
        ancestor_id: int | None = new_upline.pk
        while ancestor_id is not None:
            if ancestor_id == distributor.pk:
                raise DistributorError(
                    "That upline is in this distributor's own downline.",
                    code="upline_cycle",
                    field="upline",
                )
            ancestor_id = (
                Distributor.objects.filter(pk=ancestor_id)
                .values_list("upline_id", flat=True)
                .first()
            )
    distributor.upline = new_upline
    distributor.save(update_fields=["upline", "updated_at"])
    return distributor


def set_status(distributor: Distributor, status: DistributorStatus) -> Distributor:
    distributor.status = status
    distributor.save(update_fields=["status", "updated_at"])
    return distributor
