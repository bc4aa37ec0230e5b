"""The storefront's view of a distributor's team and figures (`me.team`, `me.sales`,
`me.clicks`, posters): masked members, counts and the month's sales."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from django.utils import timezone

from ...domain.masking import mask_email, mask_name, mask_phone
from ...models import Distributor
from ..core.connection import CountableConnection, paginate
from ..core.dataloaders import then
from ..core.types import Money, money


def team_counts_of(info: Any, distributor: Distributor) -> Any:
    from .dataloaders import TeamCountsByDistributorIdLoader

    return TeamCountsByDistributorIdLoader(info.context).load_with_page(distributor)


class TeamMember(graphene.ObjectType):
    class Meta:
        description = (
            "Someone in the viewer's team, masked: enough to recognise, not to contact. Only "
            "the two levels below the viewer (the levels the programme pays on) are shown."
        )

    level = graphene.Int(required=True, description="1 = recruited by the viewer, 2 = below.")
    masked_name = graphene.String(required=True)
    masked_phone = graphene.String(required=True)
    masked_email = graphene.String(required=True)
    grade = graphene.String(description="Grade name.")
    active = graphene.Boolean(required=True)
    joined_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_level(root: Distributor, info: Any) -> int:
        return int(root.team_level)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_masked_name(root: Distributor, info: Any) -> str:
        return mask_name(root.name)

    @staticmethod
    def resolve_masked_phone(root: Distributor, info: Any) -> str:
        return mask_phone(root.phone)

    @staticmethod
    def resolve_masked_email(root: Distributor, info: Any) -> str:
        return mask_email(root.email)

    @staticmethod
    def resolve_grade(root: Distributor, info: Any) -> str | None:
        return root.grade.name if root.grade else None

    @staticmethod
    def resolve_active(root: Distributor, info: Any) -> bool:
        return root.is_active

    @staticmethod
    def resolve_joined_at(root: Distributor, info: Any) -> Any:
        return root.created_at


class TeamMemberConnection(CountableConnection):
    class Meta:
        node = TeamMember


class TeamSales(graphene.ObjectType):
    currency = graphene.String(required=True)
    sales = graphene.Field(Money, required=True)
    orders = graphene.Int(required=True)


class TeamSummary(graphene.ObjectType):
    class Meta:
        description = "Aggregate figures of the viewer's team (the two levels below them)."

    direct_count = graphene.Int(required=True, description="Distributors the viewer recruited.")
    indirect_count = graphene.Int(required=True, description="Distributors they recruited.")
    sales = graphene.List(
        graphene.NonNull(TeamSales),
        required=True,
        month=graphene.Date(description="Any day of the month; default: the current month."),
        description="Sales the team made (sold by the two levels below the viewer), goods value "
        "net of refunds, in the month the customer paid. The grade rules count the same value in "
        "the month its commission leaves the T+N hold instead.",
    )
    members = graphene.Field(TeamMemberConnection, first=graphene.Int(), after=graphene.String())

    @staticmethod
    def resolve_direct_count(root: Distributor, info: Any) -> Any:
        return then(team_counts_of(info, root), lambda counts: counts.direct)

    @staticmethod
    def resolve_indirect_count(root: Distributor, info: Any) -> Any:
        return then(team_counts_of(info, root), lambda counts: counts.indirect)

    @staticmethod
    def resolve_sales(root: Distributor, info: Any, month: date | None = None) -> list[TeamSales]:
        from ...selectors.sales import SalesBasis, downline_sales

        return [
            TeamSales(
                currency=row.currency, sales=money(row.sales, row.currency), orders=row.orders
            )
            for row in downline_sales(root, month_start(month), basis=SalesBasis.PAID)
        ]

    @staticmethod
    def resolve_members(
        root: Distributor, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        from ...selectors.distributors import team_member_window, team_members

        return paginate(
            team_members(root),
            TeamMemberConnection,
            first,
            after,
            window=team_member_window(root),
        )


class ClickStatsType(graphene.ObjectType):
    class Meta:
        name = "ClickStats"
        description = "Visits through the viewer's referral links, one per visitor per day."

    clicks = graphene.Int(required=True)
    referred_orders = graphene.Int(required=True)
    conversion_rate = graphene.Decimal(description="Orders per click; null without clicks.")


class PosterType(graphene.ObjectType):
    class Meta:
        name = "Poster"

    url = graphene.String(required=True, description="PNG, 750×1334, cached.")
    referral_link = graphene.String(required=True)


class SalesFiguresType(graphene.ObjectType):
    class Meta:
        name = "SalesFigures"
        description = (
            "A calendar month's sales in one currency: goods value net of refunds, orders counted "
            "in the month the customer paid. The grade upgrade criteria count the same value in "
            "the month the order's commission leaves the T+N hold instead."
        )

    currency = graphene.String(required=True)
    own_sales = graphene.Field(Money, required=True)
    team_sales = graphene.Field(Money, required=True)
    orders = graphene.Int(required=True)


def month_start(value: date | None) -> date:
    """The asked month, or the shop's current month (in its time zone, as the grade rules)."""
    from ...shop import shop_time_zone

    return (value or timezone.localdate(timezone=shop_time_zone())).replace(day=1)
