"""The distributor's verified identity for income tax, in the API: always masked here (the full
number leaves only in the withholding return). Staff with MANAGE_USERS record or change it; the
distributor sees their own."""

from __future__ import annotations

from typing import Any

import graphene

from ..auth import Permission
from ..models import Distributor
from .core import context, get_by_id, is_staff_with, viewer
from .mutations import BaseMutation
from .types import DistributorType


class DistributorIdentityType(graphene.ObjectType):
    class Meta:
        name = "DistributorIdentity"
        description = "Who the distributor's income is taxed under. The number is masked."

    legal_name = graphene.String(required=True, description="The name on the ID card.")
    id_type = graphene.String(required=True, description="resident_id (居民身份证).")
    id_number = graphene.String(required=True, description="Masked: 110***********002X.")
    set_by = graphene.String(required=True)
    set_at = graphene.DateTime()

    @staticmethod
    def resolve_id_number(root: Any, info: Any) -> str:
        return str(root.id_number_masked)


def resolve_distributor_identity(root: Distributor, info: Any) -> Any:
    """Staff who manage distributors or pay them, and the distributor themself."""
    from ..services.identity import masked_identity

    if is_staff_with(info, Permission.MANAGE_USERS) or is_staff_with(
        info, Permission.HANDLE_PAYMENTS
    ):
        return masked_identity(root)
    own = context(info).own_distributor() if viewer(info).is_customer else None
    return masked_identity(root) if own is not None and own.pk == root.pk else None


class DistributorSetIdentity(BaseMutation):
    class Meta:
        description = (
            "Record the resident ID (and the name on it) that staff verified for a distributor. "
            "The first time needs no reason; changing it does, and is on the audit trail. Two "
            "accounts with one number are one person for income tax."
        )

    class Arguments:
        id = graphene.ID(required=True, description="Distributor id.")
        legal_name = graphene.String(required=True)
        id_number = graphene.String(required=True)
        reason = graphene.String(description="Required when an identity is already on file.")

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(
        cls, info: Any, id: str, legal_name: str, id_number: str, reason: str | None = None
    ) -> Any:
        from ..services.identity import set_identity

        distributor = get_by_id(Distributor.objects.all(), id, "Distributor")
        distributor = set_identity(
            distributor,
            legal_name=legal_name,
            id_number=id_number,
            actor=viewer(info).actor,
            reason=reason or "",
        )
        return cls.ok(distributor=distributor)
