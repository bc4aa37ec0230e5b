"""Reads for the growth rules: the configured rules per currency, and settled order lines as
the rules see them (the commission plan frozen on each order, the share the customer kept)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from ..domain.chain import MAX_COMMISSION_LEVELS
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


def _first_level(column: str) -> str:
    """The value of the line's lowest level (each level's row of a line has one)."""
    levels = ", ".join(
        f"max(plan.{column}) FILTER (WHERE plan.level = {level})"
        for level in range(1, MAX_COMMISSION_LEVELS + 1)
    )
    return f"coalesce({levels})"


_RATES = ", ".join(
    f"max(plan.rate) FILTER (WHERE plan.level = {level})"
    for level in range(1, MAX_COMMISSION_LEVELS + 1)
)


def simulated_lines(month: date) -> list[SimulatedLine]:
    """One query: the month's settled order lines with their order, one row per order line.

    The plan's rows of a line's levels are folded in PostgreSQL with plain aggregates (a third
    of the rows to carry over; no per-line array to sort): each level's rate (NULL: the plan
    left that level out), and the lowest level's base, product and category, as the monthly
    sales count them."""
    orders_sql, params = settled_orders(month).order_by().values("pk").query.sql_with_params()
    plan, order = CommissionLine._meta.db_table, ReferralAttribution._meta.db_table
    sql = f"""
        SELECT plan.attribution_id, plan.order_line_id, {_RATES},
               {_first_level("base")}, {_first_level("product_id")},
               {_first_level("category_id")},
               attribution.currency, attribution.seller_id, attribution.upline_id,
               attribution.grand_upline_id, attribution.cancelled,
               attribution.refunded_amount, attribution.order_total
        FROM {plan} AS plan
        JOIN {order} AS attribution ON attribution.id = plan.attribution_id
        WHERE plan.attribution_id IN ({orders_sql})
        GROUP BY plan.attribution_id, plan.order_line_id, attribution.id
        ORDER BY plan.attribution_id, plan.order_line_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        SimulatedLine(
            line=SettledLine(
                order_key=order_key,
                line_id=line_id,
                currency=currency,
                base=base,
                kept=_kept(cancelled, refunded, total),
                chain=(seller, upline, grand_upline),
                rates={
                    level: rate
                    for level, rate in ((1, rate1), (2, rate2), (3, rate3))
                    if rate is not None
                },
            ),
            month=month,
            product_id=product_id or None,
            category_id=category_id or None,
        )
        for (
            order_key,
            line_id,
            rate1,
            rate2,
            rate3,
            base,
            product_id,
            category_id,
            currency,
            seller,
            upline,
            grand_upline,
            cancelled,
            refunded,
            total,
        ) in rows
    ]
