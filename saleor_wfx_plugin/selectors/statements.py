"""月结单: each distributor's monthly statement, from the ledger and the month's close.

Per currency: own and team sales settled in the month (net of refunds, as the growth rules and
grades count them); commission accrued per level and commission reversed (ledger entries posted
in the month, in the shop's time zone); the close's bonuses per rule and its reversals of
earlier bonuses; staff adjustments; and, of payouts paid in the month, what was transferred,
withheld as tax and kept as fees. Nothing here is stored: a statement is the ledger read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from ..domain.growth import Rule
from ..domain.money import quantize
from ..models import Distributor, GrowthAwardLine, LedgerEntry
from ..shop import shop_time_zone
from .sales import SalesBasis, distributor_sales_summary, month_bounds, month_start

ZERO = Decimal(0)
Kind = LedgerEntry.Kind
Bucket = LedgerEntry.Bucket


@dataclass
class MonthlyStatement:
    distributor_id: int
    code: str
    month: date
    currency: str
    own_sales: Decimal = ZERO
    team_sales: Decimal = ZERO
    commission_by_level: dict[int, Decimal] = field(default_factory=dict)
    commission_reversed: Decimal = ZERO
    bonuses: dict[str, Decimal] = field(default_factory=dict)
    bonus_reversed: Decimal = ZERO
    adjustments: Decimal = ZERO
    paid_out: Decimal = ZERO
    tax_withheld: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def earned(self) -> Decimal:
        """What the month added to the distributor's money, before payouts."""
        return (
            sum(self.commission_by_level.values(), ZERO)
            + self.commission_reversed
            + sum(self.bonuses.values(), ZERO)
            + self.bonus_reversed
            + self.adjustments
        )


def monthly_statements(
    month: date, distributors: Sequence[Distributor] | None = None
) -> list[MonthlyStatement]:
    """Statements of everyone who had sales or money in the month (or of `distributors`), by
    distributor code then currency."""
    month = month_start(month)
    start, end = month_bounds(month, shop_time_zone())
    entries = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    awards = GrowthAwardLine.objects.filter(award__close__month=month)
    if distributors is not None:
        ids = [distributor.pk for distributor in distributors]
        entries = entries.filter(distributor_id__in=ids)
        awards = awards.filter(award__distributor_id__in=ids)
    statements: dict[tuple[int, str], MonthlyStatement] = {}
    codes = {}

    def statement(distributor_id: int, currency: str) -> MonthlyStatement:
        key = (distributor_id, currency)
        if key not in statements:
            statements[key] = MonthlyStatement(distributor_id, "", month, currency)
        return statements[key]

    for row in (
        entries.filter(kind__in=[Kind.ACCRUAL, Kind.REVERSAL, Kind.ADJUSTMENT])
        .values("distributor_id", "currency", "kind", "level")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        item = statement(row["distributor_id"], row["currency"])
        if row["kind"] == Kind.ACCRUAL:
            item.commission_by_level[row["level"]] = row["total"]
        elif row["kind"] == Kind.REVERSAL:
            item.commission_reversed += row["total"]
        else:
            item.adjustments += row["total"]
    for row in (
        entries.filter(kind=Kind.PAYOUT, bucket__in=[Bucket.PAID, Bucket.TAX, Bucket.FEE])
        .values("distributor_id", "currency", "bucket")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        item = statement(row["distributor_id"], row["currency"])
        target = {Bucket.PAID: "paid_out", Bucket.TAX: "tax_withheld", Bucket.FEE: "fees"}
        setattr(item, target[row["bucket"]], row["total"])
    for row in (
        awards.values("award__distributor_id", "award__currency", "award__rule")
        .annotate(
            earned=Sum("amount", filter=Q(is_reversal=False)),
            reversed=Sum("amount", filter=Q(is_reversal=True)),
        )
        .order_by()
    ):
        item = statement(row["award__distributor_id"], row["award__currency"])
        if row["earned"]:
            item.bonuses[row["award__rule"]] = row["earned"]
        item.bonus_reversed += row["reversed"] or ZERO
    people = Distributor.objects.filter(
        pk__in={distributor_id for distributor_id, _ in statements}
        | {distributor.pk for distributor in distributors or ()}
    )
    for person in people:
        codes[person.pk] = person.code
        for figures in distributor_sales_summary(person, month, basis=SalesBasis.SETTLED):
            item = statement(person.pk, figures.currency)
            item.own_sales, item.team_sales = figures.own_sales, figures.team_sales
    for item in statements.values():
        item.code = codes.get(item.distributor_id, "")
        _round(item)
    return sorted(statements.values(), key=lambda item: (item.code, item.currency))


def _round(item: MonthlyStatement) -> None:
    def q(amount: Decimal) -> Decimal:
        return quantize(amount, item.currency) + ZERO

    item.commission_by_level = {
        level: q(v) for level, v in sorted(item.commission_by_level.items())
    }
    item.bonuses = {rule: q(v) for rule, v in sorted(item.bonuses.items())}
    for name in (
        "commission_reversed",
        "bonus_reversed",
        "adjustments",
        "paid_out",
        "tax_withheld",
        "fees",
    ):
        setattr(item, name, q(getattr(item, name)))


STATEMENT_COLUMNS = (
    "distributor",
    "month",
    "currency",
    "own_sales",
    "team_sales",
    "commission_level_1",
    "commission_level_2",
    "commission_level_3",
    "commission_reversed",
    *(f"bonus_{rule.value}" for rule in Rule),
    "bonus_reversed",
    "adjustments",
    "earned",
    "paid_out",
    "tax_withheld",
    "fees",
)


def statement_rows(statements: Iterable[MonthlyStatement]) -> list[list[Any]]:
    rows = []
    for item in statements:
        rows.append(
            [
                item.code,
                f"{item.month:%Y-%m}",
                item.currency,
                item.own_sales,
                item.team_sales,
                *(item.commission_by_level.get(level, ZERO) for level in (1, 2, 3)),
                item.commission_reversed,
                *(item.bonuses.get(rule.value, ZERO) for rule in Rule),
                item.bonus_reversed,
                item.adjustments,
                item.earned,
                item.paid_out,
                item.tax_withheld,
                item.fees,
            ]
        )
    return rows


def statements_csv(statements: Iterable[MonthlyStatement]) -> str:
    """The statements as CSV, one row per distributor and currency, through the one writer of
    every export: amounts stay numbers, any text that could start a formula is escaped."""
    from ..services.payouts.csv_files import write_csv

    return write_csv(STATEMENT_COLUMNS, statement_rows(statements))
