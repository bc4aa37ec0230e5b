from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ....auth import Permission
from ....errors import InputError
from ...core.context import active_program, viewer
from ...core.mutations import BaseMutation
from ..filters import _find
from ..types import CommissionReversalType, OrderCommissionType


class OrderCommissionReverse(BaseMutation):
    class Meta:
        description = (
            "Reverse an order's commission for a refund made outside Saleor (in the payment "
            "provider's console): all of it (`everything`), or in proportion to `amount` of money "
            "given back, exactly as a refund in Saleor would. Recorded with who and why; later "
            "events keep it. Requires MANAGE_ORDERS."
        )

    class Arguments:
        order_id = graphene.ID(description="Saleor order id (global id or UUID).")
        order_number = graphene.String()
        amount = graphene.Decimal(description="Money refunded outside Saleor.")
        currency = graphene.String(description="The amount's currency: the order's.")
        everything = graphene.Boolean(
            default_value=False, description="The whole order was given back."
        )
        reason = graphene.String(required=True)
        idempotency_key = graphene.String(
            required=True, description="Unique per reversal; a retry with the same key is harmless."
        )

    order_commission = graphene.Field(OrderCommissionType)
    reversal = graphene.Field(CommissionReversalType)
    permission = Permission.MANAGE_ORDERS

    @classmethod
    def perform(
        cls,
        info: Any,
        reason: str,
        idempotency_key: str,
        order_id: str | None = None,
        order_number: str | None = None,
        amount: Any = None,
        currency: str | None = None,
        everything: bool = False,
    ) -> Any:
        from ....services.refunds import reverse_order_commission
        from ....shop import get_shop

        program = active_program()
        attribution = _find(order_id, order_number)
        if attribution is None:
            raise InputError(
                _("The programme has no record of this order."),
                code="not_found",
                field="orderId" if order_id is not None else "orderNumber",
            )
        reversal = reverse_order_commission(
            get_shop(),
            order_id=str(attribution.order_id),
            amount=amount,
            currency=currency,
            everything=bool(everything),
            reason=reason,
            actor=viewer(info).actor,
            idempotency_key=idempotency_key,
            settings=program,
        )
        attribution.refresh_from_db()
        return cls.ok(order_commission=attribution, reversal=reversal)
