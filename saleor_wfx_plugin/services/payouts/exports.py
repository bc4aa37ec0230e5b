"""CSV files for the bank's batch transfer and for the monthly tax filing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from ...domain.money import quantize
from ...models import Payout
from .common import (
    ZERO,
    Status,
)

# --- Exports ---------------------------------------------------------------------------------
TRANSFER_COLUMNS: Sequence[str] = (
    "payout_id",
    "distributor_code",
    "payee_name",
    "method",
    "account",
    "bank",
    "amount",
    "currency",
    "approved_at",
)
TAX_COLUMNS: Sequence[str] = (
    "month",
    "distributor_code",
    "payee_name",
    "id_number_masked",
    "gross",
    "taxable",
    "withheld",
    "net",
    "currency",
    "payouts",
)


def approved_transfers_csv(method: str | None = None) -> str:
    """Approved payouts not yet paid, one row per transfer with the full account (for the bank's
    or wallet's batch transfer upload; only staff with HANDLE_PAYMENTS get it)."""
    import csv
    import io

    payouts = Payout.objects.filter(status=Status.APPROVED).select_related("distributor")
    if method:
        payouts = payouts.filter(method=method)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TRANSFER_COLUMNS)
    for payout in payouts.order_by("approved_at", "pk"):
        writer.writerow(
            [
                payout.pk,
                payout.distributor.code,
                csv_safe(payout.payee_name),
                payout.method,
                payout.payee_account,
                csv_safe(payout.payee_bank),
                quantize(payout.net or ZERO, payout.currency),
                payout.currency,
                payout.approved_at.isoformat() if payout.approved_at else "",
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class TaxRecord:
    month: date
    distributor_code: str
    payee_name: str
    id_number_masked: str
    gross: Decimal
    taxable: Decimal
    withheld: Decimal
    net: Decimal
    currency: str
    payouts: int


def tax_records(month: date) -> list[TaxRecord]:
    """What the merchant withheld in a month, per distributor and currency (for the monthly
    individual income tax filing)."""
    from ...domain.masking import mask_identity_number

    rows = (
        Payout.objects.filter(
            tax_month=month.replace(day=1), status__in=(Status.APPROVED, Status.PAID)
        )
        .values("distributor__code", "currency")
        .annotate(
            gross=Sum("amount"),
            fees=Sum("fee"),
            taxable=Sum("taxable"),
            withheld=Sum("tax"),
            net=Sum("net"),
            payouts=Count("id"),
        )
        .order_by("distributor__code", "currency")
    )
    latest = {}
    for payout in Payout.objects.filter(
        tax_month=month.replace(day=1), status__in=(Status.APPROVED, Status.PAID)
    ).select_related("distributor"):
        latest[(payout.distributor.code, payout.currency)] = payout
    records = []
    for row in rows:
        payout = latest[(row["distributor__code"], row["currency"])]
        records.append(
            TaxRecord(
                month=month.replace(day=1),
                distributor_code=row["distributor__code"],
                payee_name=payout.payee_name,
                id_number_masked=mask_identity_number(payout.payee_id_number),
                gross=quantize(row["gross"] - row["fees"], row["currency"]),
                taxable=quantize(row["taxable"] or ZERO, row["currency"]),
                withheld=quantize(row["withheld"] or ZERO, row["currency"]),
                net=quantize(row["net"] or ZERO, row["currency"]),
                currency=row["currency"],
                payouts=row["payouts"],
            )
        )
    return records


def tax_records_csv(month: date) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TAX_COLUMNS)
    for record in tax_records(month):
        writer.writerow(
            [
                record.month.strftime("%Y-%m"),
                record.distributor_code,
                csv_safe(record.payee_name),
                record.id_number_masked,
                record.gross,
                record.taxable,
                record.withheld,
                record.net,
                record.currency,
                record.payouts,
            ]
        )
    return out.getvalue()


def csv_safe(text: str) -> str:
    """Names come from distributors: a leading = + - @ would run as a formula in Excel."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
