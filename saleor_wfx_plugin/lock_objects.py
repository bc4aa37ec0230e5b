"""Locks, in one place so they are always taken in the same order.

Order of acquisition when several are needed: the distributor-tree advisory lock, then the
order advisory lock, then attribution rows (by primary key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from .models import Distributor

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


# Payouts: the person income tax is assessed for, and the making of bank batches.
TAX_PERSON_LOCK_NAMESPACE = 0x5746_5803
PAYOUT_BATCHING_LOCK = 0x5746_5804


def lock_tax_person(identity_id: int) -> None:
    """Serialize, for the rest of the transaction, everything that changes which payouts count
    towards one person's monthly income (final approval, rejection after approval, a failed
    transfer), across all of that person's distributor accounts: two approvals at once would
    otherwise both use the month's 800-yuan allowance.

    Keyed by the `TaxIdentity` row rather than the ID number, so the number never appears in
    pg_locks. Taken after the distributor's row lock, never before it. The key is 32 bits: two
    people sharing one only wait for each other, which is harmless.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [TAX_PERSON_LOCK_NAMESPACE, identity_id & 0x7FFF_FFFF],
            )


def lock_payout_batching() -> None:
    """Serialize the making of bank batches, so two staff exporting at once put each approved
    payout into one batch only (the second sees the first's batch once it commits)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PAYOUT_BATCHING_LOCK])


def lock_distributor_row(distributor_id: int) -> Distributor:
    """The distributor's row, locked for the rest of the transaction: what a change of the
    profile's identity waits on, as payout requests and decisions do."""
    from .models import Distributor

    return Distributor.objects.select_for_update().get(pk=distributor_id)
