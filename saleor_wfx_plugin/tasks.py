"""Celery tasks. Saleor's Celery app autodiscovers this module.

All tasks are idempotent (reconciliation posts only differences), so a broker delivering twice,
a retry, or the sweep running over an order a hook already handled are all harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

from .domain.settings import ProgramSettings
from .services.commissions import OrderMismatch, reconcile_order
from .services.grades import evaluate_grades, parse_month
from .services.ledger import settle_due
from .services.ledger_snapshots import take_snapshots
from .services.month_close import close_month
from .services.programme_history import observe_programme_state
from .services.retention import purge_expired_documents
from .services.sweep import reconcile_recent_orders, sweep_from_mark
from .shop import get_shop

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(OrderMismatch,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def process_order_event(
    order_id: str, event: str, configuration: Mapping[str, Any] | None = None
) -> int:
    """Reconcile one order after a Saleor hook. Returns the number of ledger entries posted.

    `configuration`: the plugin's configuration as the hook saw it (the plugin was switched on
    then), so the task needs no plugin manager of Saleor's. Without it (the sweep's repairs,
    messages queued before it was passed) the task reads the configuration itself."""
    shop = get_shop()
    with shop.writer_access():
        if configuration is None:
            program = shop.program_settings()
            if program is None:
                return 0
        else:
            program = ProgramSettings.from_mapping(configuration)
            # An ordinary order (no code, no attribution, no bound customer) stops here, after
            # one indexed query; the programme's history is consulted only for the others.
            if not shop.may_be_in_programme(order_id, program):
                return 0
            observe_programme_state(True)
        # An order gone (Saleor hard-deletes expired unpaid orders) or never referred posts nothing.
        return len(reconcile_order(shop, order_id, program, event=event).posted)


@shared_task(acks_late=True)
def reconcile_recent_orders_task(window_hours: int | None = None) -> dict[str, int]:
    """The sweep beat runs: from the persisted mark (a bounded number of orders per run, so a
    long catch-up spreads over runs). `window_hours` forces a window instead and leaves the mark
    alone. Runs while the programme is off too: it then only notes the plugin's switch."""
    shop = get_shop()
    with shop.writer_access():
        if window_hours:
            since = timezone.now() - timedelta(hours=window_hours)
            report = reconcile_recent_orders(shop, since=since)
        else:
            report = sweep_from_mark(shop)
    if not report.caught_up:
        logger.warning(
            "Sweep stopped at its cap with changed orders still waiting; the next run goes on "
            "from %s",
            report.mark,
        )
    return {
        "orders_seen": report.orders_seen,
        "orders_repaired": report.orders_with_new_entries,
        "entries_posted": report.entries_posted,
        "failures": report.failures,
    }


@shared_task(acks_late=True)
def evaluate_grades_task(month: str | None = None) -> dict[str, object]:
    """The monthly grade upgrade; `month` as "YYYY-MM", by default the previous month. Each
    distributor's upgrade for a month is recorded once, so a repeated delivery changes nothing."""
    judged = parse_month(month) if month else None
    shop = get_shop()
    with shop.writer_access():
        program = shop.program_settings()
        if program is None:
            return {"month": month, "checked": 0, "upgraded": [], "skipped_inactive": True}
        evaluation = evaluate_grades(judged, program=program)
    return {
        "month": f"{evaluation.month:%Y-%m}",
        "checked": evaluation.checked,
        "upgraded": [list(upgrade) for upgrade in evaluation.upgraded],
        "skipped_inactive": False,
    }


@shared_task(acks_late=True)
def close_month_task(month: str | None = None) -> dict[str, object]:
    """The month-end close; `month` as "YYYY-MM", by default the previous month. A month is
    closed once, so a repeated delivery posts nothing."""
    closed = parse_month(month) if month else None
    shop = get_shop()
    with shop.writer_access():
        program = shop.program_settings()
        if program is None:
            return {"month": month, "awards": 0, "skipped_inactive": True}
        result = close_month(closed, program=program)
    return {
        "month": f"{result.month:%Y-%m}",
        "already_closed": result.already_closed,
        "awards": result.awards,
        "reversals": result.reversals,
        "total": {currency: str(amount) for currency, amount in result.total_by_currency.items()},
        "skipped_inactive": False,
    }


@shared_task(acks_late=True)
def settle_matured_task() -> dict[str, int]:
    """Confirm commission whose order is due for confirmation and make available what has served
    its T+N hold. Each settlement moves once whoever runs it, so an overlapping run (beat and the
    command at once, a broker delivering twice) moves nothing a second time. While the programme
    is switched off money stays where it is and catches up on the first run after it is back."""
    shop = get_shop()
    with shop.writer_access():
        if shop.program_settings() is None:
            return {"confirmed": 0, "released": 0}
        result = settle_due()
    return {"confirmed": result.confirmed, "released": result.released}


@shared_task(acks_late=True)
def purge_expired_documents_task() -> dict[str, int]:
    """Delete applicants' document files `document_retention_days` after their application was
    decided, and any an erasure left behind. Runs whether the programme is on or off: keeping
    ID cards longer than needed is not something switching the programme off should cause.
    Each file goes once; a repeated delivery finds nothing left to delete."""
    shop = get_shop()
    with shop.writer_access():
        retention_days = shop.stored_program_settings().document_retention_days
        report = purge_expired_documents(retention_days=retention_days)
    return {"deleted": report.deleted, "failed": report.failed}


@shared_task(acks_late=True)
def snapshot_ledger_task() -> dict[str, int | None]:
    """Move every distributor's ledger snapshot up to the ledger's horizon. Runs whether the
    programme is on or off (balances are read either way); overlapping runs are harmless: each
    batch is written by one run at a time and a snapshot never moves back."""
    shop = get_shop()
    with shop.writer_access():
        run = take_snapshots()
    return {
        "through_id": run.through_id,
        "distributors": run.distributors,
        "rows_added": run.rows_added,
    }
