"""Balances, derived from the ledger every time: there is no stored balance to drift. A read is
the distributor's latest snapshot (sums of the ledger up to a ledger id, taken in the background
by `services.ledger_snapshots`) plus the ledger rows after that id, found by a range scan of the
covering index `wfx_ledger_history` (distributor, id; currency, bucket, kind, amount): its cost
follows the rows since the last snapshot, not the length of the history. A distributor with no
snapshot yet is summed from all their rows, through the same index."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from ..domain.money import quantize
from ..models import Distributor, LedgerEntry, LedgerSnapshot
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
    for pk, currency, bucket, kind, total in ledger_group_sums(distributor_ids):
        key = (pk, currency)
        by_bucket = sums.setdefault(key, {})
        by_bucket[bucket] = by_bucket.get(bucket, ZERO) + total
        if kind in COMMISSION_KINDS:
            by_kind = earned.setdefault(key, {})
            by_kind[kind] = by_kind.get(kind, ZERO) + total
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


def ledger_group_sums_sql(
    distributor_ids: Collection[int], currency: str | None = None
) -> tuple[str, list[object]]:
    """The statement of `ledger_group_sums`, for reading and for EXPLAIN.

    On PostgreSQL the rows after the snapshot are a LATERAL subquery per distributor, so
    `id > through` is a constant to it: an index condition of `wfx_ledger_history`, a range
    scan of the new rows, never a filter over the history (which a plain join may choose).
    `OFFSET 0` keeps the subquery LATERAL: without it PostgreSQL pulls a simple subquery up
    into the join and may merge-join the whole history, the horizon only a join filter."""
    ids = sorted(set(distributor_ids)) or [0]
    marks = ", ".join(["%s"] * len(ids))
    snapshot = LedgerSnapshot._meta.db_table
    ledger = LedgerEntry._meta.db_table
    distributor = Distributor._meta.db_table
    in_currency = " AND currency = %s" if currency is not None else ""
    tail_currency = " AND e.currency = %s" if currency is not None else ""
    currency_params: list[object] = [currency] if currency is not None else []
    horizons = f"""
        SELECT d.id AS distributor_id, COALESCE(MAX(s.through_id), 0) AS through_id
        FROM {distributor} d LEFT JOIN {snapshot} s ON s.distributor_id = d.id
        WHERE d.id IN ({marks}) GROUP BY d.id
    """
    if connection.vendor == "postgresql":
        tail = f"""
            SELECT m.distributor_id, e.currency, e.bucket, e.kind, e.amount
            FROM ({horizons}) m
            CROSS JOIN LATERAL (
                SELECT e.currency, e.bucket, e.kind, e.amount FROM {ledger} e
                WHERE e.distributor_id = m.distributor_id AND e.id > m.through_id{tail_currency}
                OFFSET 0
            ) e
        """
    else:  # the SQLite sandbox: no LATERAL, the same rows
        tail = f"""
            SELECT m.distributor_id, e.currency, e.bucket, e.kind, e.amount
            FROM ({horizons}) m
            JOIN {ledger} e ON e.distributor_id = m.distributor_id AND e.id > m.through_id
            WHERE 1 = 1{tail_currency}
        """
    sql = f"""
        SELECT distributor_id, currency, bucket, kind, SUM(total) AS total FROM (
            SELECT distributor_id, currency, bucket, kind, total FROM {snapshot}
            WHERE distributor_id IN ({marks}){in_currency}
            UNION ALL
            {tail}
        ) AS groups
        GROUP BY distributor_id, currency, bucket, kind
        ORDER BY distributor_id, currency, bucket, kind
    """
    return sql, [*ids, *currency_params, *ids, *currency_params]


def ledger_group_sums(
    distributor_ids: Iterable[int], currency: str | None = None
) -> list[tuple[int, str, str, str, Decimal]]:
    """One sum per distributor, currency, bucket and kind (a dozen groups per distributor):
    snapshot plus the rows after it, exactly what summing the whole ledger would give."""
    sql, params = ledger_group_sums_sql(list(distributor_ids), currency)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (pk, currency_, bucket, kind, Decimal(str(total)))
            for pk, currency_, bucket, kind, total in cursor.fetchall()
        ]


def balances_of_many(distributor_ids: Collection[int]) -> dict[int, list[Balance]]:
    """`balances` for many distributors (a page of a staff list) in one query."""
    result: dict[int, list[Balance]] = {pk: [] for pk in distributor_ids}
    for pk, totals in ledger_totals(result).items():
        result[pk] = [item.balance for item in totals]
    return result


def balance(distributor: Distributor | int, currency: str) -> Balance:
    pk = distributor if isinstance(distributor, int) else distributor.pk
    by_bucket: dict[str, Decimal] = {}
    for _, _, bucket, _, total in ledger_group_sums([pk], currency):
        by_bucket[bucket] = by_bucket.get(bucket, ZERO) + total
    return _balance(currency, by_bucket)


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
