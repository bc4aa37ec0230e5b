"""Locks, in one place so they are always taken in the same order.

Order of acquisition when several are needed: the distributor-tree advisory lock, then
attribution rows (by primary key).
"""

from __future__ import annotations

from django.db import connection

# An arbitrary constant that names "the distributor tree" among PostgreSQL advisory locks.
DISTRIBUTOR_TREE_LOCK = 0x5746_5801


def lock_distributor_tree() -> None:
    """Serialize structural writes to the upline tree for the rest of the transaction, so two
    concurrent upline changes cannot together form a cycle that neither would alone.

    SQLite (the demo) serializes every write anyway and has no advisory locks.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISTRIBUTOR_TREE_LOCK])
