"""Balances, derived from the ledger every time: there is no stored balance to drift. The
covering index `wfx_ledger_totals` (distributor, currency, bucket, kind; amount) lets PostgreSQL
sum a distributor's rows from the index alone, without reading the table."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from ..domain.money import quantize
from ..models import Distributor, LedgerEntry
from ..models.ledger import COMMISSION_KINDS

ZERO = Decimal(0)
Bucket = LedgerEntry.Bucket


@dataclass(frozen=True)
class Balance:
    currency: str
    pending: Decimal  # earned on orders not yet confirmed
    on_hold: Decimal  # confirmed, inside the T+N hold
    available: Decimal  # may be negative: a clawback carried forward
    reserved: Decimal  # in payout requests not yet paid
    paid: Decimal
    tax: Decimal
    fees: Decimal

    @property
    def withdrawable(self) -> Decimal:
        return max(self.available, ZERO)

    @property
    def net_position(self) -> Decimal:
        """Available plus everything still in the T+N hold, an order's negative hold (a refund
        after an early withdrawal) included: the most that could be paid out without paying more
        than was earned."""
        return self.available + self.on_hold

    @property
    def negative_carry(self) -> Decimal:
        """Money refunded after it was paid out, to be offset by later commission."""
        return max(-self.available, ZERO)


def _sums() -> dict[str, Coalesce]:
    return {
        bucket.value: Coalesce(Sum("amount", filter=Q(bucket=bucket.value)), ZERO)
        for bucket in Bucket
    }


def _balance(currency: str, row: dict[str, Decimal]) -> Balance:
    def amount(bucket: str) -> Decimal:
        # + ZERO: SQLite sums decimals as floats, whose -1e-17 would print as "-0.00".
        return quantize(Decimal(row.get(bucket) or 0), currency) + ZERO

    return Balance(
        currency=currency,
        pending=amount(Bucket.PENDING),
        on_hold=amount(Bucket.HOLD),
        available=amount(Bucket.AVAILABLE),
        reserved=amount(Bucket.RESERVED),
        paid=amount(Bucket.PAID),
        tax=amount(Bucket.TAX),
        fees=amount(Bucket.FEE),
    )


def balances(distributor: Distributor | int) -> list[Balance]:
    """One balance per currency the distributor has ever had money in."""
    pk = distributor if isinstance(distributor, int) else distributor.pk
    return [totals.balance for totals in ledger_totals([pk]).get(pk, [])]


@dataclass(frozen=True)
class LedgerTotals:
    """What one distributor's ledger holds in one currency: the balance, and the commission
    earned (accrued) and given back (reversed, negative). `has_commission` is False for a
    currency that only ever saw adjustments: it has a balance but no earnings."""

    balance: Balance
    accrued: Decimal
    reversed: Decimal
    has_commission: bool

    @property
    def currency(self) -> str:
        return self.balance.currency


def ledger_totals(distributor_ids: Iterable[int]) -> dict[int, list[LedgerTotals]]:
    """Balances and earnings of many distributors, per currency, in one statement."""
    sums: dict[tuple[int, str], dict[str, Decimal]] = {}
    earned: dict[tuple[int, str], dict[str, Decimal]] = {}
    for row in ledger_totals_rows(distributor_ids):
        key = (row["distributor_id"], row["currency"])
        by_bucket = sums.setdefault(key, {})
        by_bucket[row["bucket"]] = by_bucket.get(row["bucket"], ZERO) + row["total"]
        if row["kind"] in COMMISSION_KINDS:
            by_kind = earned.setdefault(key, {})
            by_kind[row["kind"]] = by_kind.get(row["kind"], ZERO) + row["total"]
    found: dict[int, list[LedgerTotals]] = {}
    for (pk, currency), by_bucket in sorted(sums.items()):
        by_kind = earned.get((pk, currency), {})
        found.setdefault(pk, []).append(
            LedgerTotals(
                balance=_balance(currency, by_bucket),
                accrued=quantize(by_kind.get(LedgerEntry.Kind.ACCRUAL, ZERO), currency) + ZERO,
                reversed=quantize(by_kind.get(LedgerEntry.Kind.REVERSAL, ZERO), currency) + ZERO,
                has_commission=bool(by_kind),
            )
        )
    return found


def ledger_totals_rows(distributor_ids: Iterable[int]) -> QuerySet[LedgerEntry, dict[str, Any]]:
    """One plain sum per distributor, currency, bucket and kind: the groups of the covering
    index wfx_ledger_totals, in its order, so PostgreSQL reads the index alone and adds each
    row once (a dozen groups per distributor, folded in Python), instead of evaluating a
    filtered sum per bucket and kind on every row."""
    return (
        LedgerEntry.objects.filter(distributor_id__in=list(distributor_ids))
        .values("distributor_id", "currency", "bucket", "kind")
        .annotate(total=Sum("amount"))
        .order_by("distributor_id", "currency", "bucket", "kind")
    )


def balances_of_many(distributor_ids: Collection[int]) -> dict[int, list[Balance]]:
    """`balances` for many distributors (a page of a staff list) in one query."""
    result: dict[int, list[Balance]] = {pk: [] for pk in distributor_ids}
    rows = (
        LedgerEntry.objects.filter(distributor_id__in=list(result))
        .values("distributor_id", "currency")
        .annotate(**_sums())
        .order_by("distributor_id", "currency")
    )
    for row in rows:
        result[row["distributor_id"]].append(_balance(row["currency"], row))
    return result


def balance(distributor: Distributor | int, currency: str) -> Balance:
    row = LedgerEntry.objects.filter(distributor=distributor, currency=currency).aggregate(
        **_sums()
    )
    return _balance(currency, row)


def hold_by_settlement(distributor: Distributor | int, currency: str) -> list[tuple[int, Decimal]]:
    """Money in the T+N hold per settlement that has some, oldest-maturing first: what an early
    withdrawal takes from (as far as the net position allows)."""
    rows = (
        LedgerEntry.objects.filter(
            distributor=distributor,
            currency=currency,
            bucket=Bucket.HOLD,
            settlement__released_at__isnull=True,
        )
        .values("settlement_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .order_by("settlement__available_due_at", "settlement_id")
    )
    return [(row["settlement_id"], row["total"]) for row in rows]
