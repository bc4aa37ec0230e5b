from __future__ import annotations

from typing import Any

import graphene

from ...models import BalanceAdjustment
from ..core.connection import CountableConnection
from ..core.types import MoneyField

BalanceAdjustmentStatusEnum = graphene.Enum(
    "BalanceAdjustmentStatusEnum",
    [(status.name, status.value) for status in BalanceAdjustment.Status],
)


class BalanceAdjustmentType(graphene.ObjectType):
    class Meta:
        name = "BalanceAdjustment"
        interfaces = (graphene.relay.Node,)
        description = (
            "A staff correction of a distributor's available money. Above the second-approval "
            "threshold (counted over the distributor's adjustments of the last 24 hours) it is "
            "PENDING until a different staff user approves it; only then does money move."
        )

    distributor_code = graphene.String(required=True)
    status = BalanceAdjustmentStatusEnum(required=True)
    amount = MoneyField("amount", required=True, description="Positive adds, negative takes.")
    reason = graphene.String(required=True)
    requested_by = graphene.String(required=True)
    approved_by = graphene.String(required=True)
    rejected_by = graphene.String(required=True)
    rejection_reason = graphene.String(required=True)
    decided_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_distributor_code(root: BalanceAdjustment, info: Any) -> str:
        return root.distributor.code


class BalanceAdjustmentConnection(CountableConnection):
    class Meta:
        node = BalanceAdjustmentType
