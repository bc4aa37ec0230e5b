"""The safety net for lost hooks.

Saleor calls each hook once, after commit, and never retries: a worker crash or a deploy at the
wrong moment loses the event. The sweep re-reconciles every order changed in a recent window; as
reconciliation is idempotent, orders already right are left as they are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ..shop import ShopBackend
from .commissions import reconcile_order

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    orders_seen: int = 0
    orders_with_new_entries: int = 0
    entries_posted: int = 0
    failures: int = 0
    skipped_inactive: bool = False


def reconcile_recent_orders(shop: ShopBackend, *, since: datetime) -> SweepReport:
    report = SweepReport()
    settings = shop.program_settings()
    if settings is None:
        report.skipped_inactive = True
        return report
    for order_id in shop.changed_order_ids(since, settings):
        report.orders_seen += 1
        try:
            result = reconcile_order(shop, order_id, settings, event="sweep")
        except Exception:
            # One broken order must not stop the sweep from repairing the others.
            logger.exception("Sweep: order %s could not be reconciled", order_id)
            report.failures += 1
            continue
        if result.posted:
            report.orders_with_new_entries += 1
            report.entries_posted += len(result.posted)
            logger.warning(
                "Sweep repaired order %s: %d commission entries were missing",
                result.attribution.order_number if result.attribution else order_id,
                len(result.posted),
            )
    return report
