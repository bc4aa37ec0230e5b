"""Staff's lists of distributors: filters, sorting and the figures each row shows (balances,
this month's sales, team size), read for a whole page at once so a page of 20 or of 100 costs
the same handful of queries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import MONEY_DIGITS, Distributor, LedgerEntry, ReferralAttribution
from ..shop import shop_time_zone
from .balances import Balance, balances_of_many
from .distributors import TeamMemberWindow, team_member_window, team_members
from .sales import SalesBasis, SalesFigures, month_bounds, net_goods_value, sales_summaries

ZERO = Decimal(0)
_MONEY = DecimalField(**MONEY_DIGITS)


class DistributorSort(StrEnum):
    JOINED_AT = "joined_at"
    MONTH_SALES = "month_sales"
    AVAILABLE_BALANCE = "available_balance"
    CODE = "code"


@dataclass(frozen=True)
class DistributorQuery:
    """What a staff list asks for; ids already turned into primary keys."""

    search: str = ""
    statuses: tuple[str, ...] = ()
    grade_id: int | None = None
    upline_id: int | None = None
    joined_from: date | None = None
    joined_to: date | None = None
    sort: DistributorSort = DistributorSort.JOINED_AT
    descending: bool = True
    # The currency MONTH_SALES and AVAILABLE_BALANCE sort by (amounts in two currencies are
    # never added up); default: Saleor's DEFAULT_CURRENCY.
    sort_currency: str = ""


def this_month() -> date:
    """The first day of the shop's current month (its time zone, as the grade rules count)."""
    return timezone.localdate(timezone=shop_time_zone()).replace(day=1)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), shop_time_zone())


def staff_distributors(query: DistributorQuery) -> QuerySet[Distributor]:
    # No per-row aggregates here: counted over the whole table they would be computed for every
    # distributor before the page is cut; the page's counts come from the dataloaders.
    distributors = Distributor.objects.select_related(
        "grade", "upline", "upline__upline", "identity"
    )
    if term := query.search.strip():
        distributors = distributors.filter(
            Q(code__icontains=term)
            | Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
        )
    if query.statuses:
        distributors = distributors.filter(status__in=list(query.statuses))
    if query.grade_id is not None:
        distributors = distributors.filter(grade_id=query.grade_id)
    if query.upline_id is not None:
        distributors = distributors.filter(upline_id=query.upline_id)
    # Whole days in the shop's time zone, both ends included.
    if query.joined_from is not None:
        distributors = distributors.filter(created_at__gte=_day_start(query.joined_from))
    if query.joined_to is not None:
        distributors = distributors.filter(
            created_at__lt=_day_start(query.joined_to + timedelta(days=1))
        )
    return _sorted(distributors, query)


def _sorted(distributors: QuerySet[Distributor], query: DistributorQuery) -> QuerySet[Distributor]:
    sign = "-" if query.descending else ""
    if query.sort is DistributorSort.CODE:
        return distributors.order_by(f"{sign}code", f"{sign}id")
    if query.sort is DistributorSort.JOINED_AT:
        return distributors.order_by(f"{sign}created_at", f"{sign}id")
    currency = (query.sort_currency or getattr(settings, "DEFAULT_CURRENCY", "CNY")).upper()
    if query.sort is DistributorSort.MONTH_SALES:
        start, end = month_bounds(this_month(), shop_time_zone())
        own_sales = (
            ReferralAttribution.objects.filter(
                seller=OuterRef("pk"),
                currency=currency,
                commissionable_at__gte=start,
                commissionable_at__lt=end,
            )
            .annotate(net=net_goods_value())
            .values("seller")
            .annotate(total=Sum("net"))
            .order_by()
            .values("total")
        )
        value: Any = Subquery(own_sales, output_field=_MONEY)
    else:
        available = (
            LedgerEntry.objects.filter(
                distributor=OuterRef("pk"),
                currency=currency,
                bucket=LedgerEntry.Bucket.AVAILABLE,
            )
            .values("distributor")
            .annotate(total=Sum("amount"))
            .order_by()
            .values("total")
        )
        value = Subquery(available, output_field=_MONEY)
    return distributors.annotate(
        sort_value=Coalesce(value, Value(ZERO), output_field=_MONEY)
    ).order_by(f"{sign}sort_value", "-created_at", "-id")


def distributor_by_user(user_id: str) -> Distributor | None:
    return (
        Distributor.objects.select_related("grade", "upline", "upline__upline")
        .filter(user_id=user_id)
        .first()
    )


def team_of(distributor: Distributor) -> QuerySet[Distributor]:
    """The two levels below a distributor (the levels commission is paid on), recruits first,
    each row with `team_level` 1 or 2. A third level down is never part of a team. The same
    rows as `me.team`, through its index-friendly lookup, with the uplines staff see."""
    return team_members(distributor).select_related(*_UPLINES)


def team_window_of(distributor: Distributor) -> TeamMemberWindow:
    """`team_of(distributor)` narrowed to one page's rows, for `paginate`."""
    return team_member_window(distributor, *_UPLINES)


_UPLINES = ("upline", "upline__upline")


@dataclass(frozen=True)
class DistributorFigures:
    balances: list[Balance] = field(default_factory=list)
    month_sales: list[SalesFigures] = field(default_factory=list)
    team_size: int = 0


def figures_of_many(distributor_ids: Collection[int]) -> dict[int, DistributorFigures]:
    """Balances, this month's sales and team size of every distributor given: four queries
    however many."""
    ids = sorted(set(distributor_ids))
    all_balances = balances_of_many(ids)
    sales = sales_summaries(ids, this_month(), basis=SalesBasis.PAID)
    team: dict[int, int] = dict.fromkeys(ids, 0)
    for upline_id, count in (
        Distributor.objects.filter(upline_id__in=ids)
        .values("upline_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("upline_id", "count")
    ):
        team[upline_id] += count
    for grand_upline_id, count in (
        Distributor.objects.filter(upline__upline_id__in=ids)
        .values("upline__upline_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("upline__upline_id", "count")
    ):
        team[grand_upline_id] += count
    return {
        pk: DistributorFigures(
            balances=all_balances.get(pk, []), month_sales=sales.get(pk, []), team_size=team[pk]
        )
        for pk in ids
    }
