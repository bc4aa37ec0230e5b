"""Locks, in one place so they are always taken in the same order.

Order of acquisition when several are needed: the distributor-tree advisory lock, then the
order advisory lock, then attribution rows (by primary key).
"""

from __future__ import annotations

from django.db import connection

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
