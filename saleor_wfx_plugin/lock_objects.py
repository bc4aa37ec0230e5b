"""Locks, in one place so they are always taken in the same order.

Order of acquisition when several are needed: the distributor-tree advisory lock, then the
order advisory lock, then attribution rows (by primary key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from .models import ReferralAttribution, SweepMark, SweepRetry

# Arbitrary constants that name "the distributor tree" and "an order" among PostgreSQL
# advisory locks.
DISTRIBUTOR_TREE_LOCK = 0x5746_5801
ORDER_LOCK_NAMESPACE = 0x5746_5802


def lock_distributor_tree() -> None:
    """Serialize structural writes to the upline tree for the rest of the transaction, so two
    concurrent upline changes cannot together form a cycle that neither would alone.

    SQLite (the demo) serializes every write anyway and has no advisory locks.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISTRIBUTOR_TREE_LOCK])


def lock_order(order_id: str) -> None:
    """Serialize the reconciliations of one order for the rest of the transaction. Taken *before*
    the order is read from the shop, so a worker can never post from a snapshot older than the
    one another worker has already posted from."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ORDER_LOCK_NAMESPACE, order_id]
            )


PROGRAMME_HISTORY_LOCK = 0x5746_5803


def lock_programme_history() -> None:
    """Serialize writers of the programme's on/off history (Saleor's pluginUpdate and the
    observations of tasks), so two of them seeing the same change record it once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROGRAMME_HISTORY_LOCK])


def lock_sweep_mark(name: str) -> SweepMark | None:
    """The sweep's mark row, locked for the rest of the transaction (None when there is none
    yet), so two sweeps at once (beat and cron) can only move it forward."""
    from .models import SweepMark

    return SweepMark.objects.select_for_update(no_key=True).filter(name=name).first()


def lock_attribution(order_id: str) -> ReferralAttribution | None:
    """An order's attribution row for a staff change to it. Take `lock_order` first, as
    reconciliation does."""
    from .models import ReferralAttribution

    return (
        ReferralAttribution.objects.select_for_update(no_key=True).filter(order_id=order_id).first()
    )


def lock_sweep_retry(order_id: str) -> SweepRetry | None:
    """The sweep's retry record of a failed order, locked to count one more failure."""
    from .models import SweepRetry

    return SweepRetry.objects.select_for_update(no_key=True).filter(order_id=order_id).first()
