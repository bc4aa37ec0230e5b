"""Fraud review queue, frozen balances, customer bindings (锁粉) and distributor vouchers."""

from __future__ import annotations

from typing import Any

import graphene

from ...auth import Permission
from ...selectors.fraud import binding_events, customer_bindings, fraud_reviews
from ..core.connection import paginate
from ..core.context import require_permission
from .mutations import (
    CustomerRebind,
    CustomerUnbind,
    DistributorBalanceFreeze,
    DistributorVouchersCreate,
    FraudReviewAllow,
    FraudReviewReject,
    GroupStart,
)
from .types import CustomerBindingsType, FraudReviewConnection, FraudReviewStatusEnum


class FraudQueries(graphene.ObjectType):
    """Fields mixed into `Query`."""

    fraud_reviews = graphene.Field(
        FraudReviewConnection,
        first=graphene.Int(),
        after=graphene.String(),
        status=graphene.List(graphene.NonNull(FraudReviewStatusEnum)),
        description="The fraud review queue: orders whose commission is held (default), "
        "oldest first; or reviews in other statuses. Requires MANAGE_ORDERS.",
    )
    customer_bindings = graphene.Field(
        CustomerBindingsType,
        user_id=graphene.String(description="Saleor user id."),
        email=graphene.String(),
        description="A customer's bindings and the staff changes to them. Requires MANAGE_USERS.",
    )

    @staticmethod
    def resolve_fraud_reviews(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        status: list[str] | None = None,
    ) -> Any:
        require_permission(info, Permission.MANAGE_ORDERS)
        return paginate(fraud_reviews(status), FraudReviewConnection, first, after)

    @staticmethod
    def resolve_customer_bindings(
        root: Any, info: Any, user_id: str | None = None, email: str | None = None
    ) -> Any:
        from ...services.bindings import customer_keys

        require_permission(info, Permission.MANAGE_USERS)
        keys = customer_keys(user_id, email)
        return CustomerBindingsType(
            bindings=list(customer_bindings(keys)), events=list(binding_events(keys))
        )


class FraudMutations(graphene.ObjectType):
    fraud_review_allow = FraudReviewAllow.Field()
    fraud_review_reject = FraudReviewReject.Field()
    distributor_balance_freeze = DistributorBalanceFreeze.Field()
    customer_rebind = CustomerRebind.Field()
    customer_unbind = CustomerUnbind.Field()
    distributor_vouchers_create = DistributorVouchersCreate.Field()
    group_start = GroupStart.Field()
