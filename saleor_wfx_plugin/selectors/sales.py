"""Monthly sales per distributor, from the programme's own records of paid orders.

What counts as a distributor's sales:
- An order belongs to the month in which it first met the commission trigger
  (`ReferralAttribution.commissionable_at`), read in the shop's time zone (`WFX_TIME_ZONE`,
  default `TIME_ZONE`): a shop in Shanghai closes March at midnight Shanghai time, not UTC.
- Its value is the goods sold: the sum of the commission bases frozen on the order's plan
  (`CommissionLine.base`, one per order line), which are line totals after discounts, without
  shipping, taxed or not as the commission is. `order_total - refunded_amount` would count
  shipping and, in Saleor, exclude what a gift card paid, so it is not the goods value.
- Refunds take back their share: the kept share is `1 - refunded / order_total` (capped at 0-1),
  the same share the commission ledger reverses when a refund names no lines. A cancelled order
  keeps nothing. The ledger's reversal entries are not used to derive it: they are rounded to the
  fen per level and absent for a line at 0 %, so they cannot give the base back exactly.
- Own sales: orders the distributor sold. Team sales: own sales plus the orders on which the
  distributor is upline or grand upline, i.e. exactly the levels commission can be paid on.
  A fourth generation's orders never count; there is no figure on the number of recruits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from ..domain.money import quantize
from ..models import MONEY_DIGITS, CommissionLine, Distributor, ReferralAttribution
from ..shop import shop_time_zone

ZERO = Decimal(0)
_MONEY = DecimalField(**MONEY_DIGITS)
# Shares need more places than money: 1/3 of an order is not 0.333.
_SHARE = DecimalField(max_digits=30, decimal_places=20)


@dataclass(frozen=True)
class SalesFigures:
    currency: str
    own_sales: Decimal
    team_sales: Decimal
    # Own orders that were neither cancelled nor refunded in full.
    orders: int


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def month_bounds(month: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the calendar month containing `month`, as aware datetimes in `tz`."""
    first = month_start(month)
    following = month_start(first + timedelta(days=31))
    return (
        timezone.make_aware(datetime(first.year, first.month, 1), tz),
        timezone.make_aware(datetime(following.year, following.month, 1), tz),
    )


def monthly_sales(month: date, currency: str) -> dict[int, SalesFigures]:
    """Figures in `currency` for every distributor with own or team sales in the month, keyed by
    distributor id. Orders in other currencies are left out, never converted. One query."""
    figures = _figures_by_currency(month, currency=currency)
    return {
        distributor_id: item
        for (item_currency, distributor_id), item in figures.items()
        if item_currency == currency
    }


def monthly_order_counts(month: date) -> dict[int, int]:
    """Own orders in the month in any currency, for a grade rule on orders alone."""
    counts: dict[int, int] = defaultdict(int)
    for (_, distributor_id), item in _figures_by_currency(month).items():
        counts[distributor_id] += item.orders
    return {distributor_id: count for distributor_id, count in counts.items() if count}


def distributor_sales_summary(distributor: Distributor, month: date) -> list[SalesFigures]:
    """One distributor's figures for the month, one per currency they sold or led sales in."""
    figures = _figures_by_currency(month, member=distributor)
    return sorted(
        (item for (_, member_id), item in figures.items() if member_id == distributor.pk),
        key=lambda item: item.currency,
    )


@dataclass(frozen=True)
class DownlineSales:
    """What the two levels below a distributor sold in a month (their own sales excluded)."""

    currency: str
    sales: Decimal
    orders: int


def downline_sales(distributor: Distributor, month: date) -> list[DownlineSales]:
    """The same sales figure as the grade rules use (goods net of refunds, no shipping), for the
    distributor's team view: team sales minus their own."""
    start, end = month_bounds(month, shop_time_zone())
    orders = dict(
        ReferralAttribution.objects.filter(
            Q(upline=distributor) | Q(grand_upline=distributor),
            commissionable_at__gte=start,
            commissionable_at__lt=end,
        )
        .filter(_kept_by_customer())
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
        for figures in distributor_sales_summary(distributor, month)
        if figures.team_sales != figures.own_sales or figures.currency in orders
    ]


def _figures_by_currency(
    month: date, *, currency: str | None = None, member: Distributor | None = None
) -> dict[tuple[str, int], SalesFigures]:
    start, end = month_bounds(month, shop_time_zone())
    orders = ReferralAttribution.objects.filter(
        seller__isnull=False, commissionable_at__gte=start, commissionable_at__lt=end
    )
    if currency is not None:
        orders = orders.filter(currency=currency)
    if member is not None:
        orders = orders.filter(Q(seller=member) | Q(upline=member) | Q(grand_upline=member))
    # Grouped by chain, not by order: a distributor sells along few distinct chains, so the rows
    # stay few while every order is summed in the database.
    rows = (
        orders.annotate(net_sales=_net_goods_value())
        .values("currency", "seller_id", "upline_id", "grand_upline_id")
        .annotate(
            sales=Coalesce(Sum("net_sales"), Value(ZERO), output_field=_MONEY),
            kept_orders=Count("pk", filter=_kept_by_customer()),
        )
        .order_by()
    )
    return _fold_chains(rows)


def _fold_chains(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, int], SalesFigures]:
    own: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    team: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    order_counts: dict[tuple[str, int], int] = defaultdict(int)
    for row in rows:
        currency = row["currency"]
        seller_key = (currency, row["seller_id"])
        own[seller_key] += row["sales"]
        order_counts[seller_key] += row["kept_orders"]
        for member_id in (row["seller_id"], row["upline_id"], row["grand_upline_id"]):
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


def _net_goods_value() -> ExpressionWrapper:
    return ExpressionWrapper(
        Coalesce(_goods_value(), Value(ZERO), output_field=_MONEY) * _kept_share(),
        output_field=_SHARE,
    )


def _kept_by_customer() -> Q:
    """Not cancelled and not refunded in full."""
    return Q(cancelled=False) & (
        Q(order_total__gt=0, refunded_amount__lt=F("order_total"))
        | Q(order_total__lte=0, refunded_amount__lte=0)
    )
