"""Reads for the growth rules: the configured rules per currency, and settled order lines as
the rules see them (the commission plan frozen on each order, the share the customer kept)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from ..domain.growth import GrowthRules, LadderBracket, SettledLine
from ..domain.simulator import SimulatedLine
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
    return _kept(order.cancelled, order.refunded_amount, order.order_total)


def _kept(cancelled: bool, refunded: Decimal, total: Decimal) -> Decimal:
    """The share of the order the customer kept, 0 to 1, as the monthly sales read it
    (selectors.sales._kept_share, in Python)."""
    if cancelled:
        return ZERO
    if total > 0:
        return ONE - min(refunded / total, ONE)
    return ZERO if refunded > 0 else ONE


def settled_orders(month: date) -> QuerySet[ReferralAttribution]:
    """Orders with a seller whose commission was released from the T+N hold in `month`."""
    return orders_of_month(month, SalesBasis.SETTLED).filter(seller__isnull=False)


def settled_lines(month: date) -> list[SettledLine]:
    """The order lines whose orders settled in `month` (net of refunds as they stand now), one
    per order line with each level's capped rate."""
    return [item.line for item in simulated_lines(month)]


def simulated_lines(month: date) -> list[SimulatedLine]:
    """One query: the plan's rows of the month's settled orders, joined to their order."""
    rows = (
        CommissionLine.objects.filter(attribution__in=settled_orders(month))
        .values_list(
            "attribution_id",
            "order_line_id",
            "level",
            "rate",
            "base",
            "product_id",
            "category_id",
            "attribution__currency",
            "attribution__seller_id",
            "attribution__upline_id",
            "attribution__grand_upline_id",
            "attribution__cancelled",
            "attribution__refunded_amount",
            "attribution__order_total",
        )
        .order_by("attribution_id", "order_line_id", "level")
    )
    lines: list[SimulatedLine] = []
    current: tuple[int, str] | None = None
    rates: dict[int, Decimal] = {}
    for row in rows:
        key = (row[0], row[1])
        if key != current:
            current, rates = key, {}
            # The lowest level's base, as the monthly sales count it; the dict fills as the
            # rows of the line's other levels follow.
            lines.append(
                SimulatedLine(
                    line=SettledLine(
                        order_key=row[0],
                        line_id=row[1],
                        currency=row[7],
                        base=row[4],
                        kept=_kept(row[11], row[12], row[13]),
                        chain=(row[8], row[9], row[10]),
                        rates=rates,
                    ),
                    month=month,
                    product_id=row[5] or None,
                    category_id=row[6] or None,
                )
            )
        rates[row[2]] = row[3]
    return lines
