from __future__ import annotations

from typing import Any

import graphene

from ...domain.fraud import FraudSignal
from ...models import BindingEvent, CustomerBinding, DistributorVoucher, FraudReview, GroupBuy
from ...selectors.fraud import group_member_count
from ..commissions.types import OrderAttributionType
from ..core.connection import CountableConnection
from ..distributors.types import DistributorType

FraudReviewStatusEnum = graphene.Enum(
    "FraudReviewStatusEnum", [(status.name, status.value) for status in FraudReview.Status]
)
FraudSignalEnum = graphene.Enum(
    "FraudSignalEnum",
    [(signal.name, signal.value) for signal in FraudSignal],
    description="Why a referred order looked suspicious; README, Fraud review, gives the scores.",
)
BindingEventKindEnum = graphene.Enum(
    "BindingEventKindEnum", [(kind.name, kind.value) for kind in BindingEvent.Kind]
)


class FraudReviewType(graphene.ObjectType):
    class Meta:
        name = "FraudReview"
        interfaces = (graphene.relay.Node,)
        description = (
            "The fraud score of one referred order. HELD: its commission is not confirmed until "
            "staff allow or reject it."
        )

    order = graphene.Field(OrderAttributionType, required=True)
    seller_code = graphene.String(required=True)
    score = graphene.Int(required=True)
    signals = graphene.List(graphene.NonNull(FraudSignalEnum), required=True)
    status = FraudReviewStatusEnum(required=True)
    placed_at = graphene.DateTime(required=True)
    decided_by = graphene.String(required=True)
    decided_at = graphene.DateTime()
    reason = graphene.String(required=True)

    @staticmethod
    def resolve_order(root: FraudReview, info: Any) -> Any:
        return root.attribution

    @staticmethod
    def resolve_seller_code(root: FraudReview, info: Any) -> str:
        return root.seller.code


class FraudReviewConnection(CountableConnection):
    class Meta:
        node = FraudReviewType


class CustomerBindingType(graphene.ObjectType):
    class Meta:
        name = "CustomerBinding"
        description = "锁粉: the distributor a customer is bound to, and until when."

    customer_key = graphene.String(
        required=True, description='"user:<Saleor user id>" or "email:<address>".'
    )
    distributor = graphene.Field(DistributorType, required=True)
    bound_at = graphene.DateTime(required=True)
    expires_at = graphene.DateTime(required=True, description="9999-12-31 when permanent.")

    @staticmethod
    def resolve_distributor(root: CustomerBinding, info: Any) -> Any:
        return root.distributor


class BindingEventType(graphene.ObjectType):
    class Meta:
        name = "BindingEvent"
        description = "A staff change to a customer's binding, with who and why."

    customer_key = graphene.String(required=True)
    kind = BindingEventKindEnum(required=True)
    from_distributor_code = graphene.String()
    to_distributor_code = graphene.String()
    actor = graphene.String(required=True)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_from_distributor_code(root: BindingEvent, info: Any) -> str | None:
        return root.from_distributor.code if root.from_distributor else None

    @staticmethod
    def resolve_to_distributor_code(root: BindingEvent, info: Any) -> str | None:
        return root.to_distributor.code if root.to_distributor else None


class CustomerBindingsType(graphene.ObjectType):
    class Meta:
        name = "CustomerBindings"
        description = "A customer's bindings (by account and by e-mail) and their audit trail."

    bindings = graphene.List(graphene.NonNull(CustomerBindingType), required=True)
    events = graphene.List(graphene.NonNull(BindingEventType), required=True)


class DistributorVoucherType(graphene.ObjectType):
    class Meta:
        name = "DistributorVoucher"
        description = "A Saleor voucher code that belongs to one distributor."

    code = graphene.String(required=True)
    distributor = graphene.Field(DistributorType, required=True)
    saleor_voucher_id = graphene.ID(required=True, description="Saleor's Voucher global id.")
    campaign = graphene.String(required=True)
    created_by = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_distributor(root: DistributorVoucher, info: Any) -> Any:
        return root.distributor

    @staticmethod
    def resolve_saleor_voucher_id(root: DistributorVoucher, info: Any) -> str:
        return graphene.Node.to_global_id("Voucher", root.saleor_voucher_id)


class GroupType(graphene.ObjectType):
    class Meta:
        name = "Group"
        description = (
            "团队拼团: a group a distributor started for a product. When `size` distinct "
            "customers buy the product through it (the code in checkout metadata, "
            "`group_metadata_key`) before `endsAt`, the distributor's rate on those orders' "
            "lines of the product rises by `bonusRate` (within the combined cap)."
        )

    code = graphene.String(required=True)
    product_id = graphene.String(required=True)
    size = graphene.Int(required=True)
    bonus_rate = graphene.Decimal(required=True, description="Percent.")
    started_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    member_count = graphene.Int(required=True, description="Customers who joined so far.")
    rewarded = graphene.Boolean(
        required=True, description="Enough members' orders earn: the bonus is paid."
    )

    @staticmethod
    def resolve_member_count(root: GroupBuy, info: Any) -> int:
        return group_member_count(root)
