"""Types of the dashboard's overview, counts and totals."""

from __future__ import annotations

from typing import Any

import graphene

from ...selectors.statistics import (
    ProgrammeStatistics,
    TodoQueue,
    todo_counts,
    top_distributors,
)
from ..commissions.types import CommissionStatusEnum
from ..core.errors import DistributionError
from ..core.types import Money, MoneyField, money
from ..distributors.types import DistributorType

TodoQueueEnum = graphene.Enum(
    "TodoQueueEnum",
    [(name, value) for name, value in vars(TodoQueue).items() if name.isupper()],
)


class DailyFigures(graphene.ObjectType):
    date = graphene.Date(required=True)
    referred_sales = graphene.Field(Money, required=True)
    commission = graphene.Field(Money, required=True, description="Accrued that day.")


class TopDistributor(graphene.ObjectType):
    distributor = graphene.Field(DistributorType, required=True)
    sales = graphene.Field(Money, required=True, description="Own sales in the period.")
    commission = graphene.Field(
        Money, required=True, description="Commission accrued in the period, every level."
    )


class TodoItem(graphene.ObjectType):
    queue = TodoQueueEnum(required=True)
    count = graphene.Int(required=True)


class ProgrammeStatisticsType(graphene.ObjectType):
    class Meta:
        name = "ProgrammeStatistics"
        description = (
            "The programme over a period of whole days in the shop's time zone, in one currency "
            "(amounts in other currencies are left out, never converted)."
        )

    active_distributors = graphene.Int(required=True, description="Active now, joined by the end.")
    new_applications = graphene.Int(required=True)
    referred_orders = graphene.Int(
        required=True,
        description="Orders with a seller paid in the period, not cancelled or refunded in full.",
    )
    referred_sales = MoneyField(
        "referred_sales",
        required=True,
        description="Their goods value net of refunds, without shipping.",
    )
    commission_accrued = MoneyField("commission_accrued", required=True)
    commission_reversed = MoneyField(
        "commission_reversed", required=True, description="Negative or zero."
    )
    commission_paid = MoneyField("commission_paid", required=True, description="Transferred (net).")
    payouts_waiting_count = graphene.Int(
        required=True, description="Requests waiting for (a second) approval, now."
    )
    payouts_waiting_amount = MoneyField("payouts_waiting_amount", required=True)
    daily = graphene.List(graphene.NonNull(DailyFigures), required=True)
    top_distributors = graphene.List(
        graphene.NonNull(TopDistributor),
        required=True,
        first=graphene.Int(default_value=10),
        description="By own sales in the period.",
    )
    todo = graphene.List(graphene.NonNull(TodoItem), required=True)

    @staticmethod
    def resolve_daily(root: ProgrammeStatistics, info: Any) -> list[DailyFigures]:
        return [
            DailyFigures(
                date=day.day,
                referred_sales=money(day.referred_sales, root.currency),
                commission=money(day.commission, root.currency),
            )
            for day in root.daily
        ]

    @staticmethod
    def resolve_top_distributors(
        root: ProgrammeStatistics, info: Any, first: int = 10
    ) -> list[TopDistributor]:
        from ..core.pages import share_page

        rows = top_distributors(root.currency, root.first, root.last, first)
        share_page([row.distributor for row in rows])
        return [
            TopDistributor(
                distributor=row.distributor,
                sales=money(row.sales, root.currency),
                commission=money(row.commission, root.currency),
            )
            for row in rows
        ]

    @staticmethod
    def resolve_todo(root: ProgrammeStatistics, info: Any) -> list[TodoItem]:
        return [TodoItem(queue=queue, count=count) for queue, count in todo_counts().items()]


class StatusCount(graphene.ObjectType):
    status = graphene.String(required=True, description="The status enum's name, e.g. PENDING.")
    count = graphene.Int(required=True)


class CommissionTotal(graphene.ObjectType):
    currency = graphene.String(required=True)
    status = CommissionStatusEnum(required=True)
    count = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True, description="Net: accrued plus reversed.")


class BulkResult(graphene.ObjectType):
    id = graphene.ID(required=True, description="The id as given.")
    ok = graphene.Boolean(required=True)
    error = graphene.Field(DistributionError)
