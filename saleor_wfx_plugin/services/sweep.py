"""The safety net for lost hooks, and for everything that happened while the programme could not
listen.

Saleor calls each hook once, after commit, and never retries: a worker crash or a deploy at the
wrong moment loses the event, and while the programme is switched off, paused by the version
check, or its broker is down, no hook does anything. The sweep walks through the shop's orders in
the order they last changed, from a persisted mark, and re-reconciles each; as reconciliation is
idempotent, orders already right are read and left as they are (nothing is written). The mark
moves after each completed batch, so however long the programme stood still, the refunds and
cancellations of that time are caught up, a bounded number of orders per run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..domain.settings import ProgramSettings
from ..lock_objects import lock_sweep_mark, lock_sweep_retry
from ..models import SweepMark, SweepRetry
from ..shop import OrderCursor, ShopBackend
from .commissions import reconcile_order

logger = logging.getLogger(__name__)

SWEEP_NAME = "orders"
DEFAULT_BATCH_SIZE = 200
DEFAULT_MAX_BATCHES = 25
DEFAULT_FIRST_WINDOW_HOURS = 48
# Saleor stamps `updated_at` when it saves an order, not when its transaction commits: a change
# committed a little later carries an earlier time than orders the sweep may already have passed.
# The mark therefore never comes closer to the present than this, and each run looks again at the
# last minutes (reading them costs little; unchanged orders write nothing).
COMMIT_LAG = timedelta(minutes=10)
# A failed order is tried again on every run once its pause is over: 15 minutes, doubling per
# failure, at most a day. It is never dropped; it leaves the list when it reconciles.
RETRY_FIRST_PAUSE = timedelta(minutes=15)
RETRY_MAX_PAUSE = timedelta(days=1)
RETRY_LOUD_AFTER = 5


@dataclass
class SweepReport:
    orders_seen: int = 0
    orders_with_new_entries: int = 0
    entries_posted: int = 0
    failures: int = 0
    retried: int = 0
    skipped_inactive: bool = False
    # False when the run stopped at its cap with more changed orders waiting for the next run.
    caught_up: bool = True
    mark: OrderCursor | None = None
    failed_order_ids: list[str] = field(default_factory=list)


def sweep_from_mark(
    shop: ShopBackend,
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> SweepReport:
    """What beat runs every 30 minutes: retry the orders that failed before, then reconcile the
    orders changed since the mark, at most `max_batches` batches of `batch_size` orders, moving
    the mark after each. Without a mark (the first run) it starts `WFX_SWEEP_WINDOW_HOURS` ago.

    Does nothing while the programme is switched off or paused, leaving the mark where it is, so
    the first run after it is back starts where the last one stopped."""
    report = SweepReport()
    program = shop.program_settings()
    if program is None:
        report.skipped_inactive = True
        return report
    now = now or timezone.now()
    batch_size = batch_size or _batch_size()
    max_batches = max_batches or int(
        getattr(settings, "WFX_SWEEP_MAX_BATCHES", DEFAULT_MAX_BATCHES)
    )
    retrying = set(SweepRetry.objects.values_list("order_id", flat=True))

    due = SweepRetry.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")
    for order_id in list(due.values_list("order_id", flat=True)[:batch_size]):
        report.retried += 1
        _reconcile_one(shop, order_id, program, report, retrying, now)

    first_window = timedelta(
        hours=int(getattr(settings, "WFX_SWEEP_WINDOW_HOURS", DEFAULT_FIRST_WINDOW_HOURS))
    )
    mark = _mark_or_start(now - first_window)
    report.mark = mark
    ceiling = OrderCursor(now - COMMIT_LAG)

    def completed(batch_end: OrderCursor) -> None:
        report.mark = _advance_mark(min(batch_end, max(ceiling, mark)), now)

    report.caught_up = _walk(
        shop, program, mark, report, retrying, now, batch_size, max_batches, completed
    )
    return report


def reconcile_recent_orders(shop: ShopBackend, *, since: datetime) -> SweepReport:
    """Re-reconcile every order changed since `since`, whatever the mark says (`wfx_reconcile
    --hours/--since`, a repair after an incident). Leaves the mark alone."""
    report = SweepReport()
    program = shop.program_settings()
    if program is None:
        report.skipped_inactive = True
        return report
    now = timezone.now()
    retrying = set(SweepRetry.objects.values_list("order_id", flat=True))
    _walk(
        shop,
        program,
        OrderCursor(since),
        report,
        retrying,
        now,
        _batch_size(),
        None,
        lambda batch_end: None,
    )
    return report


def _walk(
    shop: ShopBackend,
    program: ProgramSettings,
    start: OrderCursor,
    report: SweepReport,
    retrying: set[str],
    now: datetime,
    batch_size: int,
    max_batches: int | None,
    completed: Callable[[OrderCursor], None],
) -> bool:
    """Reconcile batches of changed orders after `start`; True when none are left."""
    position = start
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = list(shop.changed_orders(position, program, limit=batch_size))
        if not batch:
            return True
        batches += 1
        for cursor in batch:
            report.orders_seen += 1
            _reconcile_one(shop, cursor.order_id, program, report, retrying, now)
        position = batch[-1]
        completed(position)
        if len(batch) < batch_size:
            return True
    return not shop.changed_orders(position, program, limit=1)


def _reconcile_one(
    shop: ShopBackend,
    order_id: str,
    program: ProgramSettings,
    report: SweepReport,
    retrying: set[str],
    now: datetime,
) -> None:
    if order_id in report.failed_order_ids:
        return  # failed once in this run already (a retry that is also among the changed)
    try:
        result = reconcile_order(shop, order_id, program, event="sweep")
    except Exception as error:
        # One broken order must not stop the sweep from repairing the others.
        logger.exception("Sweep: order %s could not be reconciled", order_id)
        report.failures += 1
        report.failed_order_ids.append(order_id)
        _remember_failure(order_id, error, now)
        retrying.add(order_id)
        return
    if order_id in retrying:
        SweepRetry.objects.filter(order_id=order_id).delete()
        retrying.discard(order_id)
    if result.posted:
        report.orders_with_new_entries += 1
        report.entries_posted += len(result.posted)
        logger.warning(
            "Sweep repaired order %s: %d commission entries were missing",
            result.attribution.order_number if result.attribution else order_id,
            len(result.posted),
        )


def _remember_failure(order_id: str, error: Exception, now: datetime) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        retry = lock_sweep_retry(order_id)
        if retry is None:
            SweepRetry.objects.get_or_create(
                order_id=order_id,
                defaults={
                    "first_failed_at": now,
                    "last_failed_at": now,
                    "next_attempt_at": now + RETRY_FIRST_PAUSE,
                    "last_error": message,
                },
            )
            return
        retry.attempts += 1
        retry.last_failed_at = now
        retry.next_attempt_at = now + min(
            RETRY_FIRST_PAUSE * 2 ** (retry.attempts - 1), RETRY_MAX_PAUSE
        )
        retry.last_error = message
        retry.save(update_fields=["attempts", "last_failed_at", "next_attempt_at", "last_error"])
    if retry.attempts >= RETRY_LOUD_AFTER:
        logger.error(
            "Sweep: order %s has failed %d times since %s and needs attention: %s",
            order_id,
            retry.attempts,
            retry.first_failed_at.isoformat(),
            message,
        )


def _mark_or_start(start: datetime) -> OrderCursor:
    mark, _ = SweepMark.objects.get_or_create(
        name=SWEEP_NAME,
        defaults={"changed_at": start, "order_id": "", "completed_at": timezone.now()},
    )
    return OrderCursor(mark.changed_at, mark.order_id)


def _advance_mark(cursor: OrderCursor, now: datetime) -> OrderCursor:
    """Forward only: a slower sweep running at the same time (beat and cron) never moves the mark
    back over orders the other has done."""
    with transaction.atomic():
        mark = lock_sweep_mark(SWEEP_NAME)
        assert mark is not None  # made by _mark_or_start, never deleted
        stored = OrderCursor(mark.changed_at, mark.order_id)
        if cursor <= stored:
            return stored
        mark.changed_at, mark.order_id, mark.completed_at = cursor.changed_at, cursor.order_id, now
        mark.save(update_fields=["changed_at", "order_id", "completed_at"])
    return cursor


def current_mark() -> OrderCursor | None:
    mark = SweepMark.objects.filter(name=SWEEP_NAME).first()
    return OrderCursor(mark.changed_at, mark.order_id) if mark is not None else None


def _batch_size() -> int:
    return int(getattr(settings, "WFX_SWEEP_BATCH_SIZE", DEFAULT_BATCH_SIZE))
