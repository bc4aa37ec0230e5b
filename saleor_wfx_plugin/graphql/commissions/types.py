from __future__ import annotations

from typing import Any

import graphene

from ...domain.attribution import AttributionSource, RejectionReason
from ...models import (
    AttributionEvent,
    CommissionLine,
    Distributor,
    ReferralAttribution,
)
from ...selectors.orders import order_commission_lines, order_reversals
from ..core.connection import CountableConnection, paginate
from ..core.types import Money, MoneyField, money
from ..distributors.types import DistributorType


class CommissionStatusEnum(graphene.Enum):
    class Meta:
        description = "Where a commission stands in the ledger."

    ZERO = "zero"
    PENDING = "pending"
    PARTIALLY_REVERSED = "partially_reversed"
    REVERSED = "reversed"


class CommissionType(graphene.ObjectType):
    class Meta:
        name = "Commission"
        interfaces = (graphene.relay.Node,)
        description = "Commission of one distributor on one order line at one level."

    order_id = graphene.UUID(required=True, description="Saleor order id.")
    order_number = graphene.String(required=True)
    channel = graphene.String(required=True, description="Saleor channel slug.")
    level = graphene.Int(required=True, description="1 = seller, 2 = upline, 3 = its upline.")
    distributor = graphene.Field(DistributorType, required=True)
    order_line_id = graphene.String(required=True)
    product_name = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    rate = graphene.Decimal(required=True, description="Percent, frozen on the order.")
    uncapped_rate = graphene.Decimal(
        description=(
            "The rate the grade, rules and settings gave, when the combined cap "
            "(max_total_rate) lowered it to `rate`; null when it did not."
        )
    )
    base = MoneyField(
        "base",
        currency="attribution.currency",
        required=True,
        description="Goods value the rate applies to.",
    )
    accrued = MoneyField("accrued_amount", currency="attribution.currency", required=True)
    reversed = MoneyField("reversed_amount", currency="attribution.currency", required=True)
    amount = graphene.Field(Money, required=True, description="Net: accrued plus reversed.")
    status = CommissionStatusEnum(required=True)
    placed_at = graphene.DateTime(required=True)
    earned_at = graphene.DateTime(description="When the order met the commission trigger.")

    @staticmethod
    def resolve_order_id(root: CommissionLine, info: Any) -> Any:
        return root.attribution.order_id

    @staticmethod
    def resolve_order_number(root: CommissionLine, info: Any) -> str:
        return root.attribution.order_number

    @staticmethod
    def resolve_channel(root: CommissionLine, info: Any) -> str:
        return root.attribution.channel_slug

    @staticmethod
    def resolve_distributor(root: CommissionLine, info: Any) -> Distributor:
        return root.distributor

    @staticmethod
    def resolve_amount(root: CommissionLine, info: Any) -> Money:
        return money(root.net_amount, root.attribution.currency)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_status(root: CommissionLine, info: Any) -> str:
        from ...selectors.commissions import line_status

        return line_status(root)

    @staticmethod
    def resolve_placed_at(root: CommissionLine, info: Any) -> Any:
        return root.attribution.placed_at

    @staticmethod
    def resolve_earned_at(root: CommissionLine, info: Any) -> Any:
        return root.attribution.commissionable_at


class CommissionConnection(CountableConnection):
    class Meta:
        node = CommissionType


class CommissionReversalType(graphene.ObjectType):
    class Meta:
        name = "CommissionReversal"
        interfaces = (graphene.relay.Node,)
        description = (
            "A refund made outside Saleor (in the payment provider's console), recorded by staff; "
            "the order's commission is reversed for it as for a refund in Saleor."
        )

    amount = MoneyField("amount", description="Money given back; null when everything was.")
    everything = graphene.Boolean(required=True)
    reason = graphene.String(required=True)
    actor = graphene.String(required=True, description="Who recorded it.")
    created_at = graphene.DateTime(required=True)


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
    given_back = MoneyField(
        "refunded_amount",
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
    def resolve_commissions(root: ReferralAttribution, info: Any) -> Any:
        return order_commission_lines(root)

    @staticmethod
    def resolve_reversals(root: ReferralAttribution, info: Any) -> Any:
        return order_reversals(root)


AttributionSourceEnum = graphene.Enum(
    "AttributionSourceEnum", [(source.name, source.value) for source in AttributionSource]
)


AttributionReasonEnum = graphene.Enum(
    "AttributionReasonEnum",
    [(reason.name, reason.value) for reason in RejectionReason],
    description="Why an order's referral code earned nothing.",
)


AttributionEventKindEnum = graphene.Enum(
    "AttributionEventKindEnum", [(kind.name, kind.value) for kind in AttributionEvent.Kind]
)


class AttributionEventType(graphene.ObjectType):
    class Meta:
        name = "AttributionEvent"
        interfaces = (graphene.relay.Node,)
        description = "One staff action on an order's attribution."

    kind = AttributionEventKindEnum(required=True)
    actor = graphene.String(
        required=True, description='"user:<Saleor user id>", "app:<Saleor app id>" or "system".'
    )
    reason = graphene.String(required=True)
    data = graphene.JSONString(required=True)
    created_at = graphene.DateTime(required=True)


class AttributionEventConnection(CountableConnection):
    class Meta:
        node = AttributionEventType


class OrderAttributionType(graphene.ObjectType):
    class Meta:
        name = "OrderAttribution"
        interfaces = (graphene.relay.Node,)
        description = (
            "How the programme recorded one Saleor order: the distributor it was attributed to, "
            "frozen when it was first seen, or why nobody (`reason`)."
        )

    order_id = graphene.UUID(required=True, description="Saleor order id.")
    order_number = graphene.String(required=True)
    channel = graphene.String(required=True, description="Saleor channel slug.")
    submitted_code = graphene.String(
        required=True, description="The referral code the storefront sent, as sent."
    )
    source = AttributionSourceEnum(required=True)
    reason = AttributionReasonEnum(
        description="Why the code earned nothing (null when it was honoured or none was sent). "
        "PROGRAMME_OFF: placed while the programme was switched off."
    )
    seller_code = graphene.String(description="Code of the level-1 distributor, if any.")
    placed_at = graphene.DateTime(required=True)
    earned_at = graphene.DateTime(description="When the order met the commission trigger.")
    cancelled = graphene.Boolean(required=True)
    refunded = MoneyField(
        "refunded_amount", required=True, description="Money refunded on the order."
    )
    events = graphene.Field(
        AttributionEventConnection, first=graphene.Int(), after=graphene.String()
    )

    @staticmethod
    def resolve_order_id(root: ReferralAttribution, info: Any) -> Any:
        return root.order_id

    @staticmethod
    def resolve_channel(root: ReferralAttribution, info: Any) -> str:
        return root.channel_slug

    @staticmethod
    def resolve_reason(root: ReferralAttribution, info: Any) -> str | None:
        return root.code_rejection

    @staticmethod
    def resolve_seller_code(root: ReferralAttribution, info: Any) -> str | None:
        return root.seller.code if root.seller_id else None

    @staticmethod
    def resolve_earned_at(root: ReferralAttribution, info: Any) -> Any:
        return root.commissionable_at

    @staticmethod
    def resolve_events(
        root: ReferralAttribution, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        from ...selectors.commissions import attribution_events

        return paginate(attribution_events(root), AttributionEventConnection, first, after)


class OrderAttributionConnection(CountableConnection):
    class Meta:
        node = OrderAttributionType
