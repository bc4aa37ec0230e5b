"""Personal data in the API: staff erase a departed distributor's (PIPL). The service decides
what goes and when it is refused (services/erasure.py); this parses, authorizes and calls it."""

from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ....models import Distributor
from ...core.context import viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ..types import DistributorEventType, DistributorType


class DistributorErasePersonalData(BaseMutation):
    class Meta:
        description = (
            "Erase a departed distributor's personal data: names, phone numbers, e-mail "
            "addresses, the customer-account link, payee accounts, the resident ID (unless "
            "another account in use shares it) and document files. The code, every amount, "
            "the ledger and the audit trail stay, with an ERASED event. Refused while the "
            "distributor is active, an application of theirs is pending, a payout is not "
            "finished, money is owed either way, or a tax month with their withheld payouts "
            "has not been exported. Cannot be undone; erasing again changes nothing."
        )

    class Arguments:
        id = graphene.ID(required=True, description="Distributor id.")
        reason = graphene.String(
            required=True, description="Why, e.g. the person's request; no personal data."
        )

    distributor = graphene.Field(DistributorType)
    event = graphene.Field(
        DistributorEventType, description="The ERASED event, with what was erased (counts)."
    )
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ....services.erasure import erase_personal_data

        distributor = get_by_id(Distributor, id, "Distributor")
        erasure = erase_personal_data(distributor, actor=viewer(info).actor, reason=reason)
        return cls.ok(distributor=erasure.distributor, event=erasure.event)
