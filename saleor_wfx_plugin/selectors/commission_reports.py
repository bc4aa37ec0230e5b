"""Totals and the CSV export of a filtered list of commissions (the dashboard's commissions
screen): the same rows `commissions(filter)` pages through, summed per currency and status in
one query, or written out in full."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from ..domain.money import quantize
from ..errors import InputError
from ..models import CommissionLine, LedgerEntry
from ..services.payouts.csv_files import write_csv
from .commissions import commission_status, line_ledger_sum, line_status

ZERO = Decimal(0)
MAX_CSV_ROWS = 50_000

CSV_COLUMNS = (
    "order_number",
    "placed_at",
    "earned_at",
    "level",
    "distributor_code",
    "product_name",
    "quantity",
    "currency",
    "base",
    "rate",
    "accrued",
    "reversed",
    "amount",
    "status",
)


@dataclass(frozen=True)
class CommissionTotal:
    currency: str
    status: str
    count: int
    amount: Decimal  # net: accrued plus reversed


def commission_totals(lines: QuerySet[CommissionLine]) -> list[CommissionTotal]:
    """Count and net amount of `lines` per currency and status. The ledger sums are
    subqueries here (not the joins of `commission_lines()`), so the database can group by the
    status they give."""
    per_line = (
        CommissionLine.objects.filter(pk__in=lines.order_by().values("pk"))
        .annotate(
            accrued=line_ledger_sum(LedgerEntry.Kind.ACCRUAL),
            given_back=line_ledger_sum(LedgerEntry.Kind.REVERSAL),
            # A sum of its own, as in commission_lines(): built on the two, it repeats them.
            net=line_ledger_sum(LedgerEntry.Kind.ACCRUAL, LedgerEntry.Kind.REVERSAL),
        )
        .annotate(status=commission_status(accrued="accrued", reversed="given_back", net="net"))
    )
    rows = (
        per_line.values("attribution__currency", "status")
        .annotate(count=Count("pk"), amount=Sum("net"))
        .order_by("attribution__currency", "status")
    )
    return [
        CommissionTotal(
            currency=row["attribution__currency"],
            status=row["status"],
            count=row["count"],
            amount=quantize(Decimal(row["amount"] or 0), row["attribution__currency"]) + ZERO,
        )
        for row in rows
    ]


def commissions_csv(lines: QuerySet[CommissionLine]) -> str:
    """Every row of `lines` (as `commission_lines()` annotates them), newest order first."""
    if lines.count() > MAX_CSV_ROWS:
        raise InputError(
            _(
                "More than %(max_csv_rows)s commissions match: narrow the filter (a date "
                "range, say)."
            )
            % {"max_csv_rows": MAX_CSV_ROWS},
            code="too_large",
            field="filter",
        )
    rows = (
        (
            line.attribution.order_number,
            line.attribution.placed_at.isoformat(),
            line.attribution.commissionable_at.isoformat()
            if line.attribution.commissionable_at
            else "",
            line.level,
            line.distributor.code,
            line.product_name,
            line.quantity,
            line.attribution.currency,
            quantize(line.base, line.attribution.currency),
            line.rate,
            quantize(line.accrued_amount, line.attribution.currency),  # type: ignore[attr-defined]
            quantize(line.reversed_amount, line.attribution.currency),  # type: ignore[attr-defined]
            quantize(line.net_amount, line.attribution.currency),  # type: ignore[attr-defined]
            line_status(line),
        )
        for line in lines.iterator(chunk_size=2000)
    )
    return write_csv(CSV_COLUMNS, rows)
