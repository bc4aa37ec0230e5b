from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ....models import Distributor
from ...core.context import viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ..types import DistributorType


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
        from ....services.identity import set_identity

        distributor = get_by_id(Distributor, id, "Distributor")
        distributor = set_identity(
            distributor,
            legal_name=legal_name,
            id_number=id_number,
            actor=viewer(info).actor,
            reason=reason or "",
        )
        return cls.ok(distributor=distributor)
