"""Orders as the programme recorded them, for staff with MANAGE_ORDERS: who an order was
attributed to or why nobody, the audit trail of staff actions on it, the programme's on/off
history, and attributing by hand an order placed while the programme was off."""

from __future__ import annotations

from typing import Any

import graphene

from ..auth import Permission
from ..domain.attribution import AttributionSource, RejectionReason
from ..models import AttributionEvent, ProgrammeSwitch, ReferralAttribution
from ..selectors.programme import programme_switches
from .core import (
    CountableConnection,
    DateTimeRangeInput,
    Money,
    money,
    paginate,
    require_permission,
    viewer,
)
from .mutations import BaseMutation

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
ProgrammeSwitchSourceEnum = graphene.Enum(
    "ProgrammeSwitchSourceEnum", [(source.name, source.value) for source in ProgrammeSwitch.Source]
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
    refunded = graphene.Field(Money, required=True, description="Money refunded on the order.")
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
    def resolve_refunded(root: ReferralAttribution, info: Any) -> Any:
        return money(root.refunded_amount, root.currency)

    @staticmethod
    def resolve_events(
        root: ReferralAttribution, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        return paginate(root.events.all(), AttributionEventConnection, first, after)


class OrderAttributionConnection(CountableConnection):
    class Meta:
        node = OrderAttributionType


class OrderAttributionFilterInput(graphene.InputObjectType):
    order_number = graphene.String(description="Saleor order number, exact.")
    reason = graphene.List(graphene.NonNull(AttributionReasonEnum))
    source = graphene.List(graphene.NonNull(AttributionSourceEnum))
    date_range = graphene.Field(DateTimeRangeInput, description="When the order was placed.")


class ProgrammeSwitchType(graphene.ObjectType):
    class Meta:
        name = "ProgrammeSwitch"
        interfaces = (graphene.relay.Node,)
        description = (
            "The programme switched on or off. PLUGIN_UPDATE: by Saleor's pluginUpdate, at the "
            "exact moment; OBSERVED: switched another way (Django admin, SQL) and noticed at "
            "the programme's next reading of its settings; MIGRATION: seeded on upgrade."
        )

    active = graphene.Boolean(required=True)
    at = graphene.DateTime(required=True)
    source = ProgrammeSwitchSourceEnum(required=True)
    actor = graphene.String(required=True)


class ProgrammeSwitchConnection(CountableConnection):
    class Meta:
        node = ProgrammeSwitchType


def _attributions(where: Any) -> Any:
    queryset = ReferralAttribution.objects.select_related("seller")
    where = where or {}
    if where.get("order_number"):
        queryset = queryset.filter(order_number=where["order_number"].strip())
    if where.get("reason"):
        queryset = queryset.filter(code_rejection__in=list(where["reason"]))
    if where.get("source"):
        queryset = queryset.filter(source__in=list(where["source"]))
    date_range = where.get("date_range") or {}
    if date_range.get("gte"):
        queryset = queryset.filter(placed_at__gte=date_range["gte"])
    if date_range.get("lte"):
        queryset = queryset.filter(placed_at__lte=date_range["lte"])
    return queryset.order_by("-placed_at", "-id")


class AttributionQuery:
    """Fields mixed into `Query`."""

    order_attribution = graphene.Field(
        OrderAttributionType,
        order_id=graphene.UUID(),
        order_number=graphene.String(),
        description="One order's attribution, by Saleor order id or number; null when the "
        "programme has no record of it. Requires MANAGE_ORDERS.",
    )
    order_attributions = graphene.Field(
        OrderAttributionConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=OrderAttributionFilterInput(),
        description="Orders the programme recorded, newest first, e.g. those placed while it "
        "was off (`filter: {reason: [PROGRAMME_OFF]}`). Requires MANAGE_ORDERS.",
    )
    programme_switches = graphene.Field(
        ProgrammeSwitchConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="When the programme was switched on and off, latest first. "
        "Requires MANAGE_ORDERS.",
    )

    @staticmethod
    def resolve_order_attribution(
        root: Any, info: Any, order_id: Any = None, order_number: str | None = None
    ) -> ReferralAttribution | None:
        from ..services.distributors import DistributorError

        require_permission(info, Permission.MANAGE_ORDERS)
        if (order_id is None) == (order_number is None):
            raise DistributorError("Give either orderId or orderNumber.", code="graphql_error")
        queryset = ReferralAttribution.objects.select_related("seller")
        if order_id is not None:
            return queryset.filter(order_id=order_id).first()
        return queryset.filter(order_number=(order_number or "").strip()).first()

    @staticmethod
    def resolve_order_attributions(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
    ) -> Any:
        require_permission(info, Permission.MANAGE_ORDERS)
        return paginate(_attributions(filter), OrderAttributionConnection, first, after)

    @staticmethod
    def resolve_programme_switches(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.MANAGE_ORDERS)
        return paginate(programme_switches(), ProgrammeSwitchConnection, first, after)


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
        from ..services.manual_attribution import attribute_by_hand, find_attribution
        from ..shop import get_shop

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
