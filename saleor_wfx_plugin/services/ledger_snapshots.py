"""Ledger snapshots: per distributor, currency, bucket and kind, the sum of the ledger up to a
ledger id, so that a balance read is the snapshot plus the few rows after it
(`selectors.balances`) and does not grow with the history.

Taken by Celery beat (`wfx-snapshot-ledger`) and `manage.py wfx_snapshot_ledger`, in batches of
distributors, each batch one short transaction. Each new snapshot is the previous one plus the
rows in (previous id, horizon], so a run costs what was posted since the last, not the history.

Why "up to id X" is safe while orders keep coming in: ledger ids come from a sequence, drawn when
a row is inserted, but transactions commit in any order, so a row with id 100 may become visible
after one with id 101. A snapshot through 101 taken before 100 committed would miss 100 forever
(the read adds only rows after 101). So X, the horizon, is read while holding a SHARE lock on
the ledger (`lock_objects.wait_for_ledger_writers`): the lock is granted only once no
transaction is inserting into the ledger, so every id up to the highest visible one belongs to
a committed (or rolled-back) transaction; the lock is released at once, before any summing. Rows
at or below X are then final (the ledger is append-only, enforced by a trigger), whichever
transaction reads them later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import OperationalError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from ..lock_objects import lock_ledger_snapshots, wait_for_ledger_writers
from ..models import Distributor, LedgerEntry, LedgerSnapshot

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
# How long the horizon may wait for in-flight ledger writers (and hold new ones back).
HORIZON_LOCK_TIMEOUT_MS = 2000


@dataclass(frozen=True)
class SnapshotRun:
    through_id: int | None  # None: the horizon could not be read (writers held the ledger)
    distributors: int = 0
    rows_added: int = 0


def ledger_horizon(timeout_ms: int = HORIZON_LOCK_TIMEOUT_MS) -> int | None:
    """The highest ledger id up to which every row is committed, or None when writers held the
    ledger for longer than `timeout_ms` (the next run tries again)."""
    try:
        with transaction.atomic():
            wait_for_ledger_writers(LedgerEntry._meta.db_table, timeout_ms)
            return LedgerEntry.objects.aggregate(top=Max("id"))["top"] or 0
    except OperationalError:
        logger.warning("ledger snapshot skipped: writers held the ledger for %d ms", timeout_ms)
        return None


def take_snapshots(
    batch_size: int = DEFAULT_BATCH_SIZE, distributor_ids: Iterable[int] | None = None
) -> SnapshotRun:
    """Bring every distributor's snapshot (or those given) up to the ledger's horizon."""
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    horizon = ledger_horizon()
    if horizon is None:
        return SnapshotRun(through_id=None)
    wanted = sorted(set(distributor_ids)) if distributor_ids is not None else None
    done = added = 0
    last = 0
    while True:
        if wanted is None:
            batch = list(
                Distributor.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
        else:
            batch = [pk for pk in wanted if pk > last][:batch_size]
        if not batch:
            break
        last = batch[-1]
        done_here, added_here = _snapshot_batch(batch, horizon)
        done += done_here
        added += added_here
    return SnapshotRun(through_id=horizon, distributors=done, rows_added=added)


def _snapshot_batch(distributor_ids: list[int], horizon: int) -> tuple[int, int]:
    """One transaction: the batch's snapshots moved up to `horizon`. Returns the distributors
    moved and the ledger rows their new snapshots took in."""
    now = timezone.now()
    with transaction.atomic():
        lock_ledger_snapshots()
        previous: dict[int, int] = dict(
            LedgerSnapshot.objects.filter(distributor_id__in=distributor_ids)
            .values("distributor_id")
            .annotate(through=Max("through_id"))
            .values_list("distributor_id", "through")
        )
        # A concurrent run may already have gone past this horizon: leave those alone, as
        # moving a snapshot back would count the rows between the two horizons twice.
        due = [pk for pk in distributor_ids if previous.get(pk, 0) < horizon]
        if not due:
            return 0, 0
        totals: dict[tuple[int, str, str, str], Decimal] = {
            (row.distributor_id, row.currency, row.bucket, row.kind): row.total
            for row in LedgerSnapshot.objects.filter(distributor_id__in=due)
        }
        # One query per previous horizon (nearly always one per batch): `id > previous` is then
        # a constant, a range of the (distributor, id) index, so the run reads only new rows.
        by_previous: dict[int, list[int]] = {}
        for pk in due:
            by_previous.setdefault(previous.get(pk, 0), []).append(pk)
        rows_added = 0
        for after, pks in by_previous.items():
            tail = (
                LedgerEntry.objects.filter(distributor_id__in=pks, id__gt=after, id__lte=horizon)
                .values("distributor_id", "currency", "bucket", "kind")
                .annotate(total=Sum("amount"), rows=Count("id"))
                .order_by()
            )
            for row in tail:
                key = (row["distributor_id"], row["currency"], row["bucket"], row["kind"])
                totals[key] = totals.get(key, Decimal(0)) + row["total"]
                rows_added += row["rows"]
        # Every group of a moved distributor gets the new id, groups without new rows too:
        # the read takes one `through_id` per distributor.
        LedgerSnapshot.objects.bulk_create(
            [
                LedgerSnapshot(
                    distributor_id=pk,
                    currency=currency,
                    bucket=bucket,
                    kind=kind,
                    total=total,
                    through_id=horizon,
                    taken_at=now,
                )
                for (pk, currency, bucket, kind), total in sorted(totals.items())
            ],
            update_conflicts=True,
            unique_fields=("distributor", "currency", "bucket", "kind"),
            update_fields=("total", "through_id", "taken_at"),
        )
    return len(due), rows_added
