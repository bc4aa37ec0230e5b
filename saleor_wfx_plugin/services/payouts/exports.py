"""Read-only CSV: the preview of the next bank batch, and the masked monthly tax summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from ...domain.money import quantize
from ...models import Payout
from ..identity import masked_id_number
from .accounts import transfer_account
from .common import ZERO, Status
from .csv_files import write_csv
from .tax import COUNTING_STATUSES

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
    """A preview of the next bank batch: approved payouts not yet exported, one row per
    transfer with the full account. It changes nothing; `create_batch` makes the file to upload
    (only staff with HANDLE_PAYMENTS get either)."""
    payouts = Payout.objects.filter(status=Status.APPROVED, batch__isnull=True)
    if method:
        payouts = payouts.filter(method=method)
    return transfers_csv(payouts)


def transfers_csv(payouts: QuerySet[Payout]) -> str:
    """One row per transfer, in approval order, from fields fixed at approval: the same payouts
    always give the same file."""
    return write_csv(
        TRANSFER_COLUMNS,
        (
            [
                payout.pk,
                payout.distributor.code,
                payout.payee_name,
                payout.method,
                transfer_account(payout),
                payout.payee_bank,
                quantize(payout.net or ZERO, payout.currency),
                payout.currency,
                payout.approved_at.isoformat() if payout.approved_at else "",
            ]
            for payout in payouts.select_related("distributor").order_by("approved_at", "pk")
        ),
    )


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
    """A month's tax per distributor account and currency, ID numbers masked: a summary for
    staff, not the filing (the withholding return, `withholding.py`, is per person). The tax
    month is the month of final approval; payouts count from then until rejected or failed.
    `withheld` includes the re-assessment of the month when one of its payouts left it, so it
    can differ from `gross - net`."""
    month = month.replace(day=1)
    counting = Q(status__in=COUNTING_STATUSES)
    rows = (
        Payout.objects.filter(tax_month=month)
        .values("distributor__code", "currency")
        .annotate(
            gross=Sum("amount", filter=counting),
            fees=Sum("fee", filter=counting),
            taxable=Sum("taxable", filter=counting),
            withheld=Sum("tax", filter=counting),
            corrections=Sum("tax_correction"),
            net=Sum("net", filter=counting),
            payouts=Count("id", filter=counting),
        )
        .filter(payouts__gt=0)
        .order_by("distributor__code", "currency")
    )
    latest = {}
    for payout in (
        Payout.objects.filter(counting, tax_month=month)
        .select_related("distributor", "tax_identity")
        .order_by("approved_at", "pk")
    ):
        latest[(payout.distributor.code, payout.currency)] = payout
    records = []
    for row in rows:
        payout = latest[(row["distributor__code"], row["currency"])]
        currency = row["currency"]
        records.append(
            TaxRecord(
                month=month,
                distributor_code=row["distributor__code"],
                payee_name=payout.payee_name,
                id_number_masked=masked_id_number(payout.tax_identity),
                gross=quantize(row["gross"] - row["fees"], currency),
                taxable=quantize(row["taxable"] or ZERO, currency),
                withheld=quantize(
                    (row["withheld"] or ZERO) + (row["corrections"] or ZERO), currency
                ),
                net=quantize(row["net"] or ZERO, currency),
                currency=currency,
                payouts=row["payouts"],
            )
        )
    return records


def tax_records_csv(month: date) -> str:
    return write_csv(
        TAX_COLUMNS,
        (
            [
                record.month.strftime("%Y-%m"),
                record.distributor_code,
                record.payee_name,
                record.id_number_masked,
                record.gross,
                record.taxable,
                record.withheld,
                record.net,
                record.currency,
                record.payouts,
            ]
            for record in tax_records(month)
        ),
    )
