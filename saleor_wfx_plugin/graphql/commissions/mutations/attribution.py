from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ...core.context import viewer
from ...core.mutations import BaseMutation
from ..types import OrderAttributionType


class OrderAttribute(BaseMutation):
    class Meta:
        description = (
            "Attribute by hand an order placed while the programme was off (reason "
            "PROGRAMME_OFF), for a merchant who does want to pay it: to the distributor of the "
            "code the order carries, or to `distributorCode`. The order then earns as any order "
            "does, with today's rates; the reason is kept in the order's audit trail. "
            "Requires MANAGE_ORDERS."
        )

    class Arguments:
        order_id = graphene.UUID(description="Saleor order id.")
        order_number = graphene.String(description="Saleor order number.")
        distributor_code = graphene.String(
            description="Default: the referral code the order carries."
        )
        reason = graphene.String(required=True)

    attribution = graphene.Field(OrderAttributionType)
    permission = Permission.MANAGE_ORDERS

    @classmethod
    def perform(
        cls,
        info: Any,
        reason: str,
        order_id: Any = None,
        order_number: str | None = None,
        distributor_code: str | None = None,
    ) -> Any:
        from ....services.manual_attribution import attribute_by_hand, find_attribution
        from ....shop import get_shop

        attribution = find_attribution(
            order_id=str(order_id) if order_id is not None else None, order_number=order_number
        )
        done = attribute_by_hand(
            get_shop(),
            attribution,
            distributor_code=distributor_code,
            reason=reason,
            actor=viewer(info).actor,
        )
        return cls.ok(attribution=done.attribution)
