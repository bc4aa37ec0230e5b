"""Monthly sales per distributor, from the programme's own records of paid orders.

Two figures, one rule each for the month an order belongs to (`SalesBasis`), both read in the
shop's time zone (`WFX_TIME_ZONE`, default `TIME_ZONE`): a shop in Shanghai closes March at
midnight Shanghai time, not UTC.
- `PAID`: the month the order first met the commission trigger
  (`ReferralAttribution.commissionable_at`). What a distributor sees as this month's sales in the
  API (`me.sales`, `me.team.sales`): it moves the day the customer pays.
- `SETTLED`: the month the order's commission was released from the T+N hold
  (`Settlement.released_at`; every payee's settlement of an order is due at the same moment, and
  the first one released decides, so an order never counts twice). What the grade rules count:
  a sale still inside its return window has not been made yet, so buying at the end of a month
  to be upgraded on the 1st and then returning the goods earns nothing. An order still in its
  hold at the end of a month counts in the month it is released; one never released (not
  delivered, cancelled) never counts.
Whichever the month, the value is the same:
- The goods sold: the sum of the commission bases frozen on the order's plan
  (`CommissionLine.base`, one per order line), which are line totals after discounts, without
  shipping, taxed or not as the commission is. `order_total - refunded_amount` would count
  shipping and, in Saleor, exclude what a gift card paid, so it is not the goods value.
- Refunds take back their share: the kept share is `1 - refunded / order_total` (capped at 0-1),
  the same share the commission ledger reverses when a refund names no lines. A cancelled order
  keeps nothing, and so does one refunded in full before its release. The ledger's reversal
  entries are not used to derive it: they are rounded to the fen per level and absent for a line
  at 0 %, so they cannot give the base back exactly.
- Own sales: orders the distributor sold. Team sales: own sales plus the orders on which the
  distributor is upline or grand upline, i.e. at most the levels commission can be paid on
  (`team_levels` narrows it to the programme's `commission_levels`). A fourth generation's orders
  never count; there is no figure on the number of recruits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext

from ..domain.chain import MAX_COMMISSION_LEVELS
from ..domain.money import quantize
from ..errors import InputError
from ..models import MONEY_DIGITS, CommissionLine, Distributor, ReferralAttribution, Settlement
from ..shop import shop_time_zone

ZERO = Decimal(0)
_MONEY = DecimalField(**MONEY_DIGITS)
# Shares need more places than money: 1/3 of an order is not 0.333.
_SHARE = DecimalField(max_digits=30, decimal_places=20)


class SalesBasis(StrEnum):
    """Which month an order's sales belong to (module docstring)."""

    PAID = "paid"
    SETTLED = "settled"


@dataclass(frozen=True)
class SalesFigures:
    currency: str
    own_sales: Decimal
    team_sales: Decimal
    # Own orders that were neither cancelled nor refunded in full.
    orders: int


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the following month; refused for the calendar's last month, whose end
    Python's dates cannot hold (a request for December 9999 is bad input, not a server error)."""
    if (day.year, day.month) == (date.max.year, date.max.month):
        raise InputError(
            gettext("Pick a month before December 9999."), code="invalid", field="month"
        )
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def month_bounds(month: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the calendar month containing `month`, as aware datetimes in `tz`."""
    first = month_start(month)
    following = next_month(first)
    return (
        timezone.make_aware(datetime(first.year, first.month, 1), tz),
        timezone.make_aware(datetime(following.year, following.month, 1), tz),
    )


def orders_of_month(month: date, basis: SalesBasis) -> QuerySet[ReferralAttribution]:
    """The orders whose sales belong to the calendar month containing `month` on `basis`."""
    start, end = month_bounds(month, shop_time_zone())
    orders = ReferralAttribution.objects.all()
    if basis is SalesBasis.PAID:
        return orders.filter(commissionable_at__gte=start, commissionable_at__lt=end)
    released = Settlement.objects.filter(attribution=OuterRef("pk"), released_at__isnull=False)
    # The first release decides: a payee's settlement skipped by one maturing run (its row was
    # locked) and released after midnight must not carry the order into a second month.
    return orders.filter(
        Exists(released.filter(released_at__gte=start, released_at__lt=end)),
        ~Exists(released.filter(released_at__lt=start)),
    )


def monthly_sales(
    month: date,
    currency: str,
    *,
    basis: SalesBasis,
    team_levels: int = MAX_COMMISSION_LEVELS,
) -> dict[int, SalesFigures]:
    """Figures in `currency` for every distributor with own or team sales in the month, keyed by
    distributor id. Orders in other currencies are left out, never converted. Team sales count
    the first `team_levels` levels of each order's chain (the seller is level 1). One query."""
    figures = _figures_by_currency(month, basis, currency=currency, team_levels=team_levels)
    return {
        distributor_id: item
        for (item_currency, distributor_id), item in figures.items()
        if item_currency == currency
    }


def monthly_order_counts(month: date, *, basis: SalesBasis) -> dict[int, int]:
    """Own orders in the month in any currency, for a grade rule on orders alone."""
    counts: dict[int, int] = defaultdict(int)
    for (_, distributor_id), item in _figures_by_currency(month, basis).items():
        counts[distributor_id] += item.orders
    return {distributor_id: count for distributor_id, count in counts.items() if count}


def distributor_sales_summary(
    distributor: Distributor, month: date, *, basis: SalesBasis
) -> list[SalesFigures]:
    """One distributor's figures for the month, one per currency they sold or led sales in."""
    figures = _figures_by_currency(month, basis, member=distributor)
    return sorted(
        (item for (_, member_id), item in figures.items() if member_id == distributor.pk),
        key=lambda item: item.currency,
    )


def sales_summaries(
    distributor_ids: Collection[int], month: date, *, basis: SalesBasis
) -> dict[int, list[SalesFigures]]:
    """`distributor_sales_summary` for many distributors (a page of a staff list) in one query."""
    wanted = set(distributor_ids)
    result: dict[int, list[SalesFigures]] = {pk: [] for pk in wanted}
    if not wanted:
        return result
    figures = _figures_by_currency(month, basis, members=wanted)
    for (_, member_id), item in sorted(figures.items()):
        if member_id in wanted:
            result[member_id].append(item)
    return result


@dataclass(frozen=True)
class DownlineSales:
    """What the two levels below a distributor sold in a month (their own sales excluded)."""

    currency: str
    sales: Decimal
    orders: int


def downline_sales(
    distributor: Distributor, month: date, *, basis: SalesBasis
) -> list[DownlineSales]:
    """The same value as the grade rules use (goods net of refunds, no shipping), for the
    distributor's team view: team sales minus their own."""
    orders = dict(
        orders_of_month(month, basis)
        .filter(Q(upline=distributor) | Q(grand_upline=distributor))
        .filter(kept_by_customer())
        .values("currency")
        .annotate(count=Count("pk"))
        .values_list("currency", "count")
    )
    return [
        DownlineSales(
            figures.currency,
            figures.team_sales - figures.own_sales,
            orders.get(figures.currency, 0),
        )
        for figures in distributor_sales_summary(distributor, month, basis=basis)
        if figures.team_sales != figures.own_sales or figures.currency in orders
    ]


def _figures_by_currency(
    month: date,
    basis: SalesBasis,
    *,
    currency: str | None = None,
    member: Distributor | None = None,
    members: Collection[int] | None = None,
    team_levels: int = MAX_COMMISSION_LEVELS,
) -> dict[tuple[str, int], SalesFigures]:
    if not 1 <= team_levels <= MAX_COMMISSION_LEVELS:
        raise ValueError(f"team sales cover 1-{MAX_COMMISSION_LEVELS} levels, not {team_levels}")
    orders = orders_of_month(month, basis).filter(seller__isnull=False)
    if currency is not None:
        orders = orders.filter(currency=currency)
    if member is not None:
        orders = orders.filter(Q(seller=member) | Q(upline=member) | Q(grand_upline=member))
    if members is not None:
        ids = list(members)
        orders = orders.filter(
            Q(seller_id__in=ids) | Q(upline_id__in=ids) | Q(grand_upline_id__in=ids)
        )
    # Grouped by chain, not by order: a distributor sells along few distinct chains, so the rows
    # stay few while every order is summed in the database.
    rows = (
        orders.annotate(net_sales=net_goods_value())
        .values("currency", "seller_id", "upline_id", "grand_upline_id")
        .annotate(
            sales=Coalesce(Sum("net_sales"), Value(ZERO), output_field=_MONEY),
            kept_orders=Count("pk", filter=kept_by_customer()),
        )
        .order_by()
    )
    if member is not None:
        wanted: set[int] | None = {member.pk}
    else:
        wanted = set(members) if members is not None else None
    return _fold_chains(rows, team_levels, wanted)


def _fold_chains(
    rows: Iterable[dict[str, Any]], team_levels: int, wanted: set[int] | None = None
) -> dict[tuple[str, int], SalesFigures]:
    """Figures per (currency, distributor) of every distributor on the rows' chains, or only of
    the `wanted` ones (a leader's chains name hundreds of others whose figures nobody asked for)."""
    own: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    team: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    order_counts: dict[tuple[str, int], int] = defaultdict(int)
    for row in rows:
        currency = row["currency"]
        seller_key = (currency, row["seller_id"])
        own[seller_key] += row["sales"]
        order_counts[seller_key] += row["kept_orders"]
        chain = (row["seller_id"], row["upline_id"], row["grand_upline_id"])
        for member_id in chain[:team_levels]:
            if member_id is not None:
                team[(currency, member_id)] += row["sales"]
    return {
        key: SalesFigures(
            currency=key[0],
            own_sales=quantize(own.get(key, ZERO), key[0]),
            team_sales=quantize(team[key], key[0]),
            orders=order_counts.get(key, 0),
        )
        for key in team
        if wanted is None or key[1] in wanted
    }


def _goods_value() -> Subquery:
    """The order's goods value: its plan's bases at the lowest level planned. Every level plans
    every line on the same base; level 1 is missing only when the seller could not earn."""
    lowest_level = (
        CommissionLine.objects.filter(attribution=OuterRef(OuterRef("pk")))
        .order_by("level")
        .values("level")[:1]
    )
    return Subquery(
        CommissionLine.objects.filter(attribution=OuterRef("pk"), level=Subquery(lowest_level))
        .order_by()
        .values("attribution")
        .annotate(total=Sum("base"))
        .values("total"),
        output_field=_MONEY,
    )


def _kept_share() -> Case:
    """Share of the order the customer kept, 0 to 1; as `RefundState.refunded_fraction` reads an
    order whose refund names no lines."""
    return Case(
        When(cancelled=True, then=Value(ZERO)),
        When(
            order_total__gt=0,
            then=Value(Decimal(1))
            - Least(
                ExpressionWrapper(F("refunded_amount") / F("order_total"), output_field=_SHARE),
                Value(Decimal(1)),
            ),
        ),
        # Nothing charged (gift cards paid it all): any refund gives everything back.
        When(refunded_amount__gt=0, then=Value(ZERO)),
        default=Value(Decimal(1)),
        output_field=_SHARE,
    )


def net_goods_value() -> ExpressionWrapper:
    return ExpressionWrapper(
        Coalesce(_goods_value(), Value(ZERO), output_field=_MONEY) * _kept_share(),
        output_field=_SHARE,
    )


def kept_by_customer() -> Q:
    """Not cancelled and not refunded in full."""
    return Q(cancelled=False) & (
        Q(order_total__gt=0, refunded_amount__lt=F("order_total"))
        | Q(order_total__lte=0, refunded_amount__lte=0)
    )
