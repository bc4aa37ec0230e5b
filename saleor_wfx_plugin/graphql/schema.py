"""The distribution API's schema: queries here, mutations in `mutations.py`.

Who sees what (README, "Permissions"): anonymous visitors see nothing about any distributor;
a customer sees their own application and distributor record, masked aggregates of the two levels
below them and their own commissions; staff see what their Saleor permissions cover.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from django.db.models import Count, Q, QuerySet

from ..auth import Permission
from ..domain.attribution import normalize_code
from ..models import CommissionLine, CommissionRule, Distributor, DistributorApplication, Grade
from ..selectors.commissions import commission_lines
from ..services.distributors import DistributorError
from . import identity as identity_mutations
from . import money as money_mutations
from . import mutations, payout_batches
from . import privacy as privacy_mutations
from . import tax as tax_api
from .attribution import AttributionQuery, OrderAttribute
from .core import (
    DateTimeRangeInput,
    PermissionDenied,
    context,
    decode_id,
    is_staff_with,
    paginate,
    require_customer,
    require_permission,
    viewer,
)
from .money import MoneyMeFields, MoneyQuery
from .refunds import OrderCommissionReverse, RefundsQuery
from .types import (
    ApplicationStatusEnum,
    ClickStatsType,
    CommissionConnection,
    CommissionRuleConnection,
    CommissionStatusEnum,
    DistributorApplicationConnection,
    DistributorApplicationType,
    DistributorConnection,
    DistributorStatusEnum,
    DistributorType,
    Earnings,
    GradeType,
    PosterType,
    SalesFiguresType,
    TeamSummary,
    earnings_of,
    month_start,
    referral_link,
)


class DistributorFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Code, name, e-mail or phone (contains).")
    status = graphene.List(graphene.NonNull(DistributorStatusEnum))
    grade = graphene.ID(description="Grade id.")
    upline = graphene.ID(description="Distributor id of the recruiter.")


class ApplicationFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Name, e-mail or phone (contains).")
    status = graphene.List(graphene.NonNull(ApplicationStatusEnum))


class CommissionFilterInput(graphene.InputObjectType):
    order_number = graphene.String(description="Saleor order number, exact.")
    distributor = graphene.ID(description="Distributor id (staff only, or the viewer's own).")
    status = graphene.List(graphene.NonNull(CommissionStatusEnum))
    date_range = graphene.Field(DateTimeRangeInput, description="When the order was placed.")


def _filter_commissions(queryset: QuerySet[CommissionLine], where: Any) -> QuerySet[CommissionLine]:
    if not where:
        return queryset
    if where.get("order_number"):
        queryset = queryset.filter(attribution__order_number=where["order_number"].strip())
    if where.get("distributor"):
        queryset = queryset.filter(distributor_id=_pk(where["distributor"], "Distributor"))
    if where.get("status"):
        queryset = queryset.filter(commission_status__in=list(where["status"]))
    date_range = where.get("date_range") or {}
    if date_range.get("gte"):
        queryset = queryset.filter(attribution__placed_at__gte=date_range["gte"])
    if date_range.get("lte"):
        queryset = queryset.filter(attribution__placed_at__lte=date_range["lte"])
    return queryset


def _pk(global_id: str, type_name: str) -> int:
    """For filters: an id of the wrong type or shape matches nothing rather than erroring."""
    try:
        pk = decode_id(global_id, type_name)
    except DistributorError:
        return -1
    return int(pk) if pk.isdigit() else -1


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
        return (
            DistributorApplication.objects.filter(user_id=viewer(info).user_id)
            .order_by("-created_at", "-id")
            .first()
        )

    @staticmethod
    def resolve_referral_link(root: Any, info: Any, next: str | None = None) -> str | None:
        own = context(info).own_distributor()
        if own is None or not own.is_active:
            return None
        return referral_link(info, own, next)

    @staticmethod
    def resolve_earnings(root: Any, info: Any) -> list[Earnings]:
        own = context(info).own_distributor()
        return earnings_of(own) if own is not None else []

    @staticmethod
    def resolve_commissions(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
    ) -> Any:
        own = context(info).own_distributor()
        queryset = commission_lines().filter(distributor=own) if own else commission_lines().none()
        where = {k: v for k, v in (filter or {}).items() if k != "distributor"}
        return paginate(_filter_commissions(queryset, where), CommissionConnection, first, after)

    @staticmethod
    def resolve_team(root: Any, info: Any) -> Distributor | None:
        return context(info).own_distributor()

    @staticmethod
    def resolve_clicks(root: Any, info: Any, since: date | None = None) -> Any:
        from datetime import timedelta

        from django.utils import timezone

        from ..selectors.clicks import click_stats

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
        from ..selectors.sales import SalesBasis, distributor_sales_summary
        from .core import money

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


class Query(
    MoneyQuery,
    RefundsQuery,
    AttributionQuery,
    payout_batches.BatchQuery,
    tax_api.TaxQuery,
    graphene.ObjectType,
):
    me = graphene.Field(Me, description="Null for anonymous visitors and apps.")
    distributors = graphene.Field(
        DistributorConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=DistributorFilterInput(),
        description="Requires MANAGE_USERS.",
    )
    distributor = graphene.Field(
        DistributorType,
        id=graphene.ID(),
        code=graphene.String(),
        description="By id or code. Staff with MANAGE_USERS, or the distributor themself.",
    )
    applications = graphene.Field(
        DistributorApplicationConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=ApplicationFilterInput(),
        description="Requires MANAGE_USERS.",
    )
    commissions = graphene.Field(
        CommissionConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=CommissionFilterInput(),
        description="Staff with MANAGE_ORDERS see every commission; a distributor sees their own.",
    )
    grades = graphene.List(
        graphene.NonNull(GradeType),
        description="The grade list; any signed-in user may read it.",
    )
    commission_rules = graphene.Field(
        CommissionRuleConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="Requires MANAGE_PLUGINS.",
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
    ) -> Any:
        require_permission(info, Permission.MANAGE_USERS)
        queryset = Distributor.objects.select_related("grade", "upline").annotate(
            direct_downline_count=Count("downline", distinct=True)
        )
        where = filter or {}
        if where.get("search"):
            term = where["search"].strip()
            queryset = queryset.filter(
                Q(code__icontains=term)
                | Q(name__icontains=term)
                | Q(email__icontains=term)
                | Q(phone__icontains=term)
            )
        if where.get("status"):
            queryset = queryset.filter(status__in=list(where["status"]))
        if where.get("grade"):
            queryset = queryset.filter(grade_id=_pk(where["grade"], "Grade"))
        if where.get("upline"):
            queryset = queryset.filter(upline_id=_pk(where["upline"], "Distributor"))
        return paginate(
            queryset.order_by("-created_at", "-id"), DistributorConnection, first, after
        )

    @staticmethod
    def resolve_distributor(
        root: Any, info: Any, id: str | None = None, code: str | None = None
    ) -> Distributor | None:
        if (id is None) == (code is None):
            raise DistributorError("Give either id or code.", code="graphql_error")
        queryset = Distributor.objects.select_related("grade", "upline")
        found = (
            queryset.filter(pk=_pk(id, "Distributor")).first()
            if id is not None
            else queryset.filter(code=normalize_code(code or "") or "").first()
        )
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
    ) -> Any:
        require_permission(info, Permission.MANAGE_USERS)
        queryset = DistributorApplication.objects.select_related("recruiter", "distributor")
        where = filter or {}
        if where.get("search"):
            term = where["search"].strip()
            queryset = queryset.filter(
                Q(name__icontains=term) | Q(email__icontains=term) | Q(phone__icontains=term)
            )
        if where.get("status"):
            queryset = queryset.filter(status__in=list(where["status"]))
        return paginate(
            queryset.order_by("-created_at", "-id"),
            DistributorApplicationConnection,
            first,
            after,
        )

    @staticmethod
    def resolve_commissions(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
    ) -> Any:
        queryset = commission_lines()
        where = dict(filter or {})
        if not is_staff_with(info, Permission.MANAGE_ORDERS):
            own = context(info).own_distributor()
            if own is None:
                raise PermissionDenied((Permission.MANAGE_ORDERS,))
            if where.get("distributor") and _pk(where["distributor"], "Distributor") != own.pk:
                raise PermissionDenied((Permission.MANAGE_ORDERS,))
            queryset = queryset.filter(distributor=own)
        return paginate(_filter_commissions(queryset, where), CommissionConnection, first, after)

    @staticmethod
    def resolve_grades(root: Any, info: Any) -> Any:
        if not viewer(info).is_authenticated:
            raise PermissionDenied()
        return Grade.objects.annotate(distributor_count=Count("distributor")).order_by(
            "rank", "slug"
        )

    @staticmethod
    def resolve_commission_rules(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.MANAGE_PLUGINS)
        return paginate(
            CommissionRule.objects.order_by("scope", "saleor_id", "id"),
            CommissionRuleConnection,
            first,
            after,
        )

    @staticmethod
    def resolve_poster(
        root: Any, info: Any, product_id: str, channel: str | None = None
    ) -> PosterType:
        from ..posters import get_or_create_poster

        require_customer(info)
        own = context(info).own_distributor()
        if own is None:
            raise PermissionDenied()
        base_url = context(info).base_url
        poster = get_or_create_poster(own, product_id, channel, base_url)
        return PosterType(url=f"{base_url}{poster.path}", referral_link=poster.link)


class Mutation(graphene.ObjectType):
    distributor_apply = mutations.DistributorApply.Field()
    distributor_create = mutations.DistributorCreate.Field()
    distributor_approve = mutations.DistributorApprove.Field()
    distributor_reject = mutations.DistributorReject.Field()
    distributor_suspend = mutations.DistributorSuspend.Field()
    distributor_reactivate = mutations.DistributorReactivate.Field()
    distributor_set_grade = mutations.DistributorSetGrade.Field()
    distributor_set_upline = mutations.DistributorSetUpline.Field()
    distributor_import = mutations.DistributorImport.Field()
    grade_create = mutations.GradeCreate.Field()
    grade_update = mutations.GradeUpdate.Field()
    grade_delete = mutations.GradeDelete.Field()
    commission_rule_create = mutations.CommissionRuleCreate.Field()
    commission_rule_update = mutations.CommissionRuleUpdate.Field()
    commission_rule_delete = mutations.CommissionRuleDelete.Field()
    payout_request = money_mutations.PayoutRequest.Field()
    payout_cancel = money_mutations.PayoutCancel.Field()
    payout_approve = money_mutations.PayoutApprove.Field()
    payout_reject = money_mutations.PayoutReject.Field()
    payout_mark_paid = money_mutations.PayoutMarkPaid.Field()
    balance_adjust = money_mutations.BalanceAdjust.Field()
    order_commission_reverse = OrderCommissionReverse.Field()
    order_attribute = OrderAttribute.Field()
    payout_batch_create = payout_batches.PayoutBatchCreate.Field()
    payout_mark_failed = payout_batches.PayoutMarkFailed.Field()
    payout_bulk_approve = payout_batches.PayoutBulkApprove.Field()
    payout_bulk_mark_paid = payout_batches.PayoutBulkMarkPaid.Field()
    tax_withholding_export = tax_api.TaxWithholdingExport.Field()
    distributor_set_identity = identity_mutations.DistributorSetIdentity.Field()
    distributor_erase_personal_data = privacy_mutations.DistributorErasePersonalData.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)
