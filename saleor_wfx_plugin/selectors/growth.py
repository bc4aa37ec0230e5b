"""Reads for the growth rules: the configured rules per currency, and a month's settled order
lines as the rules see them (the commission plan frozen on each order, the share the customer
kept)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ..domain.growth import GrowthRules, LadderBracket, SettledLine
from ..models import BonusRules, CommissionLine, ReferralAttribution
from ..models import LadderBracket as LadderBracketRow
from .sales import SalesBasis, orders_of_month

ZERO = Decimal(0)
ONE = Decimal(1)


def growth_rules() -> dict[str, GrowthRules]:
    """Every currency with a rule configured, by currency."""
    ladders: dict[str, list[LadderBracket]] = defaultdict(list)
    for row in LadderBracketRow.objects.order_by("currency", "min_sales"):
        ladders[row.currency].append(LadderBracket(row.min_sales, row.rate))
    bonuses = {row.currency: row for row in BonusRules.objects.all()}
    rules = {}
    for currency in sorted(set(ladders) | set(bonuses)):
        bonus = bonuses.get(currency)
        rules[currency] = GrowthRules(
            currency=currency,
            ladder=tuple(ladders.get(currency, ())),
            team_threshold=bonus.team_threshold if bonus else None,
            team_extra_rate=bonus.team_extra_rate if bonus else None,
            same_grade_share=bonus.same_grade_share if bonus else None,
            per_order_amount=bonus.per_order_amount if bonus else None,
            per_order_monthly_cap=bonus.per_order_monthly_cap if bonus else None,
        )
    return rules


def kept_share(order: ReferralAttribution) -> Decimal:
    """The share of the order the customer kept, 0 to 1, as the monthly sales read it
    (selectors.sales._kept_share, in Python)."""
    if order.cancelled:
        return ZERO
    if order.order_total > 0:
        return ONE - min(order.refunded_amount / order.order_total, ONE)
    return ZERO if order.refunded_amount > 0 else ONE


def settled_lines(month: date) -> list[SettledLine]:
    """The order lines whose orders settled in `month` (released from the T+N hold in it, net
    of refunds as they stand now), one per order line with each level's capped rate."""
    return lines_of_orders(orders_of_month(month, SalesBasis.SETTLED).filter(seller__isnull=False))


def lines_of_orders(orders: Iterable[ReferralAttribution]) -> list[SettledLine]:
    by_id = {order.pk: order for order in orders}
    rows = (
        CommissionLine.objects.filter(attribution_id__in=list(by_id))
        .values_list("attribution_id", "order_line_id", "level", "rate", "base")
        .order_by("attribution_id", "order_line_id", "level")
    )
    grouped: dict[tuple[int, str], tuple[Decimal, dict[int, Decimal]]] = {}
    for attribution_id, line_id, level, rate, base in rows:
        key = (attribution_id, line_id)
        if key not in grouped:
            grouped[key] = (base, {})  # the lowest level's base, as sales counts it
        grouped[key][1][level] = rate
    lines = []
    for (attribution_id, line_id), (base, rates) in grouped.items():
        order = by_id[attribution_id]
        lines.append(
            SettledLine(
                order_key=attribution_id,
                line_id=line_id,
                currency=order.currency,
                base=base,
                kept=kept_share(order),
                chain=(order.seller_id, order.upline_id, order.grand_upline_id),
                rates=rates,
            )
        )
    return lines
