"""One order's commission for staff, and the reversal of refunds made outside Saleor.

Both need MANAGE_ORDERS: the permission Saleor itself asks for to grant a refund.
"""

from __future__ import annotations

import uuid
from typing import Any

import graphene

from ..auth import Permission
from ..models import ExternalRefund, ReferralAttribution
from ..selectors.orders import find_order, order_commission_lines, order_reversals
from ..services.distributors import DistributorError
from .core import Money, active_program, decode_id, money, require_permission, viewer
from .mutations import BaseMutation
from .types import CommissionType


class CommissionReversalType(graphene.ObjectType):
    class Meta:
        name = "CommissionReversal"
        interfaces = (graphene.relay.Node,)
        description = (
            "A refund made outside Saleor (in the payment provider's console), recorded by staff; "
            "the order's commission is reversed for it as for a refund in Saleor."
        )

    amount = graphene.Field(Money, description="Money given back; null when everything was.")
    everything = graphene.Boolean(required=True)
    reason = graphene.String(required=True)
    actor = graphene.String(required=True, description="Who recorded it.")
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_amount(root: ExternalRefund, info: Any) -> Money | None:
        return None if root.amount is None else money(root.amount, root.currency)


class OrderCommissionType(graphene.ObjectType):
    class Meta:
        name = "OrderCommission"
        description = "A Saleor order's commission as the programme holds it."

    order_id = graphene.UUID(required=True, description="Saleor order id.")
    order_number = graphene.String(required=True)
    channel = graphene.String(required=True)
    currency = graphene.String(required=True)
    placed_at = graphene.DateTime(required=True)
    earned_at = graphene.DateTime(description="When the order met the commission trigger.")
    cancelled = graphene.Boolean(required=True)
    given_back = graphene.Field(
        Money,
        required=True,
        description="Refunds, chargebacks and refunds recorded outside Saleor, as of the last "
        "reconciliation.",
    )
    over_refunded = graphene.Boolean(
        required=True, description="More was given back than the order charged: please review."
    )
    commissions = graphene.List(graphene.NonNull(CommissionType), required=True)
    reversals = graphene.List(graphene.NonNull(CommissionReversalType), required=True)

    @staticmethod
    def resolve_channel(root: ReferralAttribution, info: Any) -> str:
        return root.channel_slug

    @staticmethod
    def resolve_earned_at(root: ReferralAttribution, info: Any) -> Any:
        return root.commissionable_at

    @staticmethod
    def resolve_given_back(root: ReferralAttribution, info: Any) -> Money:
        return money(root.refunded_amount, root.currency)

    @staticmethod
    def resolve_commissions(root: ReferralAttribution, info: Any) -> Any:
        return order_commission_lines(root)

    @staticmethod
    def resolve_reversals(root: ReferralAttribution, info: Any) -> Any:
        return order_reversals(root)


def _order_uuid(order_id: str) -> str:
    """Saleor's global id of the order (as the dashboard shows it) or its bare UUID."""
    try:
        return str(uuid.UUID(order_id))
    except ValueError:
        pass
    pk = decode_id(order_id, "Order", field="orderId")
    try:
        return str(uuid.UUID(pk))
    except ValueError:
        raise DistributorError(
            f"No order with id {order_id!r}.", code="not_found", field="orderId"
        ) from None


def _find(order_id: str | None, order_number: str | None) -> ReferralAttribution | None:
    if (order_id is None) == (order_number is None):
        raise DistributorError("Give either orderId or orderNumber.", code="graphql_error")
    if order_id is not None:
        return find_order(order_id=_order_uuid(order_id))
    return find_order(order_number=order_number)


class RefundsQuery:
    """Fields mixed into `Query`."""

    order_commission = graphene.Field(
        OrderCommissionType,
        order_id=graphene.ID(description="Saleor order id (global id or UUID)."),
        order_number=graphene.String(),
        description="One order's commission and its reversals. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    def resolve_order_commission(
        root: Any, info: Any, order_id: str | None = None, order_number: str | None = None
    ) -> ReferralAttribution | None:
        require_permission(info, Permission.MANAGE_ORDERS)
        return _find(order_id, order_number)


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
        from ..services.refunds import reverse_order_commission
        from ..shop import get_shop

        program = active_program()
        attribution = _find(order_id, order_number)
        if attribution is None:
            raise DistributorError(
                "The programme has no record of this order.",
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
