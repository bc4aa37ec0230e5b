from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from django.utils.translation import gettext as _

from ...auth import Permission
from ...domain.attribution import normalize_code
from ...errors import InputError
from ...models import Distributor, DistributorApplication
from ...selectors.commissions import distributor_commission_lines
from ...selectors.distributor_lists import (
    DistributorQuery,
    DistributorSort,
    distributor_by_user,
    staff_distributors,
)
from ...selectors.distributors import (
    distributor_by_code,
    distributor_by_id,
    latest_application,
    staff_applications,
)
from ..commissions.filters import CommissionFilterInput, commission_filter
from ..commissions.types import CommissionConnection
from ..core.connection import paginate
from ..core.context import (
    PermissionDenied,
    context,
    is_staff_with,
    limit_rate,
    require_customer,
    require_permission,
    viewer,
)
from ..core.ids import _pk, decode_id
from ..core.pages import share_connection_page
from ..core.sorting import ApplicationSortingInput, DistributorSortingInput, sort_order
from ..money.schema import MoneyMeFields
from .filters import ApplicationFilterInput, DistributorFilterInput
from .mutations.applications import DistributorApply, DistributorApprove, DistributorReject
from .mutations.identity import DistributorSetIdentity
from .mutations.imports import DistributorImport
from .mutations.lifecycle import (
    DistributorCreate,
    DistributorReactivate,
    DistributorSetGrade,
    DistributorSetUpline,
    DistributorSuspend,
)
from .mutations.privacy import DistributorErasePersonalData
from .team import ClickStatsType, PosterType, SalesFiguresType, TeamSummary, month_start
from .types import (
    DistributorApplicationConnection,
    DistributorApplicationType,
    DistributorConnection,
    DistributorType,
    Earnings,
    earnings_of,
    referral_link,
)


class Me(MoneyMeFields, graphene.ObjectType):
    class Meta:
        description = "The signed-in customer's place in the programme."

    distributor = graphene.Field(DistributorType, description="Null until approved.")
    application = graphene.Field(
        DistributorApplicationType, description="The customer's latest application."
    )
    referral_link = graphene.String(
        next=graphene.String(description="Storefront path to land on, e.g. /products/serum."),
        description="Null unless the viewer is an active distributor.",
    )
    earnings = graphene.List(graphene.NonNull(Earnings), required=True)
    commissions = graphene.Field(
        CommissionConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=CommissionFilterInput(),
    )
    team = graphene.Field(TeamSummary)
    clicks = graphene.Field(
        ClickStatsType, since=graphene.Date(description="Default: 30 days ago.")
    )
    sales = graphene.List(
        graphene.NonNull(SalesFiguresType),
        required=True,
        month=graphene.Date(description="Any day of the month; default: the current month."),
    )

    @staticmethod
    def resolve_distributor(root: Any, info: Any) -> Distributor | None:
        return context(info).own_distributor()

    @staticmethod
    def resolve_application(root: Any, info: Any) -> DistributorApplication | None:
        return latest_application(viewer(info).user_id)

    @staticmethod
    def resolve_referral_link(root: Any, info: Any, next: str | None = None) -> str | None:
        own = context(info).own_distributor()
        if own is None or not own.is_active:
            return None
        return referral_link(info, own, next)

    @staticmethod
    def resolve_earnings(root: Any, info: Any) -> Any:
        own = context(info).own_distributor()
        return earnings_of(info, own) if own is not None else []

    @staticmethod
    def resolve_commissions(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
    ) -> Any:
        own = context(info).own_distributor()
        where = {k: v for k, v in (filter or {}).items() if k != "distributor"}
        queryset = distributor_commission_lines(own, **commission_filter(where))
        return paginate(queryset, CommissionConnection, first, after)

    @staticmethod
    def resolve_team(root: Any, info: Any) -> Distributor | None:
        return context(info).own_distributor()

    @staticmethod
    def resolve_clicks(root: Any, info: Any, since: date | None = None) -> Any:
        from datetime import timedelta

        from django.utils import timezone

        from ...selectors.clicks import click_stats

        own = context(info).own_distributor()
        if own is None:
            return None
        stats = click_stats(own, since=since or timezone.localdate() - timedelta(days=30))
        return ClickStatsType(
            clicks=stats.clicks,
            referred_orders=stats.referred_orders,
            conversion_rate=stats.conversion_rate,
        )

    @staticmethod
    def resolve_sales(root: Any, info: Any, month: date | None = None) -> list[SalesFiguresType]:
        from ...selectors.sales import SalesBasis, distributor_sales_summary
        from ..core.types import money

        own = context(info).own_distributor()
        if own is None:
            return []
        return [
            SalesFiguresType(
                currency=figures.currency,
                own_sales=money(figures.own_sales, figures.currency),
                team_sales=money(figures.team_sales, figures.currency),
                orders=figures.orders,
            )
            for figures in distributor_sales_summary(own, month_start(month), basis=SalesBasis.PAID)
        ]


def _distributor_query(where: Any, sort_by: Any) -> DistributorQuery:
    joined = where.get("joined_at") or {}
    return DistributorQuery(
        search=where.get("search") or "",
        statuses=tuple(where.get("status") or ()),
        grade_id=_pk(where["grade"], "Grade") if where.get("grade") else None,
        upline_id=_pk(where["upline"], "Distributor") if where.get("upline") else None,
        joined_from=joined.get("gte"),
        joined_to=joined.get("lte"),
        sort=DistributorSort(sort_by.get("field") or DistributorSort.JOINED_AT),
        descending=(sort_by.get("direction") or "desc") == "desc",
        sort_currency=sort_by.get("currency") or "",
    )


def _saleor_user_pk(user_id: str) -> str:
    """Saleor's User global id as the dashboard has it, or the bare primary key."""
    if user_id.strip().isdigit():
        return user_id.strip()
    return decode_id(user_id, "User", field="userId")


class DistributorsQueries(graphene.ObjectType):
    """Fields mixed into `Query`."""

    me = graphene.Field(Me, description="Null for anonymous visitors and apps.")
    distributors = graphene.Field(
        DistributorConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=DistributorFilterInput(),
        sort_by=DistributorSortingInput(description="Default: newest first (JOINED_AT DESC)."),
        description="Requires MANAGE_USERS.",
    )
    distributor = graphene.Field(
        DistributorType,
        id=graphene.ID(),
        code=graphene.String(),
        user_id=graphene.ID(
            description="The Saleor account's User id (global id, or its primary key), e.g. "
            "the customer on a dashboard customer page. Null when that customer is not one."
        ),
        description="By id, code or userId. Staff with MANAGE_USERS, or the distributor themself.",
    )
    applications = graphene.Field(
        DistributorApplicationConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=ApplicationFilterInput(),
        sort_by=ApplicationSortingInput(description="Default: newest first."),
        description="Requires MANAGE_USERS.",
    )
    poster = graphene.Field(
        PosterType,
        product_id=graphene.ID(required=True, description="Saleor product id."),
        channel=graphene.String(description="Channel slug; default: the default channel."),
        description="A share poster of a product with the viewer's referral QR code.",
    )

    @staticmethod
    def resolve_me(root: Any, info: Any) -> Any:
        return Me() if viewer(info).is_customer else None

    @staticmethod
    def resolve_distributors(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
        sort_by: Any = None,
    ) -> Any:
        require_permission(info, Permission.MANAGE_USERS)
        query = _distributor_query(filter or {}, sort_by or {})
        page = paginate(staff_distributors(query), DistributorConnection, first, after)
        return share_connection_page(page)

    @staticmethod
    def resolve_distributor(
        root: Any,
        info: Any,
        id: str | None = None,
        code: str | None = None,
        user_id: str | None = None,
    ) -> Distributor | None:
        if sum(value is not None for value in (id, code, user_id)) != 1:
            raise InputError(_("Give one of id, code or userId."), code="graphql_error")
        if user_id is not None:
            found = distributor_by_user(_saleor_user_pk(user_id))
        elif id is not None:
            found = distributor_by_id(_pk(id, "Distributor"))
        else:
            found = distributor_by_code(normalize_code(code or "") or "")
        if is_staff_with(info, Permission.MANAGE_USERS):
            return found
        own = context(info).own_distributor()
        if found is not None and own is not None and found.pk == own.pk:
            return found
        # The same error whether or not the code exists: no probing for codes.
        raise PermissionDenied((Permission.MANAGE_USERS,))

    @staticmethod
    def resolve_applications(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
        sort_by: Any = None,
    ) -> Any:
        require_permission(info, Permission.MANAGE_USERS)
        where = filter or {}
        order = sort_order(sort_by, {"created_at": ("created_at", "id")}, ())
        queryset = staff_applications(
            search=(where.get("search") or "").strip(),
            statuses=where.get("status") or (),
        )
        return paginate(queryset, DistributorApplicationConnection, first, after, order)

    @staticmethod
    def resolve_poster(
        root: Any, info: Any, product_id: str, channel: str | None = None
    ) -> PosterType:
        from ...posters import get_or_create_poster

        require_customer(info)
        own = context(info).own_distributor()
        if own is None:
            raise PermissionDenied()
        limit_rate(info, "poster")
        base_url = context(info).base_url
        poster = get_or_create_poster(own, product_id, channel, base_url)
        return PosterType(url=f"{base_url}{poster.path}", referral_link=poster.link)


class DistributorsMutations(graphene.ObjectType):
    distributor_apply = DistributorApply.Field()
    distributor_create = DistributorCreate.Field()
    distributor_approve = DistributorApprove.Field()
    distributor_reject = DistributorReject.Field()
    distributor_suspend = DistributorSuspend.Field()
    distributor_reactivate = DistributorReactivate.Field()
    distributor_set_grade = DistributorSetGrade.Field()
    distributor_set_upline = DistributorSetUpline.Field()
    distributor_import = DistributorImport.Field()
    distributor_set_identity = DistributorSetIdentity.Field()
    distributor_erase_personal_data = DistributorErasePersonalData.Field()
