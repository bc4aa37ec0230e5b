"""Every lock the programme takes, in one module, so that every transaction takes them in one
order (Saleor's own `lock_objects.py` habit):

1. the distributor-tree advisory lock (structural writes to the upline tree);
2. an order's advisory lock (its reconciliation);
3. application rows;
4. distributor rows, by primary key;
5. attribution rows, then the order's fraud review row, then its group (拼团) row;
6. the bank-batching lock, then payout rows;
7. settlement rows, by primary key;
8. the tax person of a payout (an advisory lock: what it waits for holds none of the above).

A transaction may skip a step but never goes back to an earlier one: two transactions then
cannot each hold what the other waits for.

Rows are locked `FOR NO KEY UPDATE`, never `FOR UPDATE`. Inserting a ledger entry, an event or a
settlement checks its foreign keys with a key-share lock on the rows it points at; `FOR UPDATE`
conflicts with that and made the settling task (inserting ledger rows for a distributor) and a
payout request (holding that distributor, waiting for the task's settlements) deadlock.
`FOR NO KEY UPDATE` excludes every other writer of the row just as well, because nothing here
changes a primary key.

SQLite (the demo) serializes every write anyway: it has no advisory locks, and Django ignores
`select_for_update` there.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from .models import (
    CommissionRule,
    Distributor,
    DistributorApplication,
    FraudReview,
    Grade,
    GroupBuy,
    Payout,
    ReferralAttribution,
    Settlement,
    SweepMark,
    SweepRetry,
)

# Arbitrary constants that name "the distributor tree" and "an order" among PostgreSQL
# advisory locks.
DISTRIBUTOR_TREE_LOCK = 0x5746_5801
ORDER_LOCK_NAMESPACE = 0x5746_5802


def _advisory_xact_lock(sql: str, params: list[object]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# --- 1. The tree -----------------------------------------------------------------------------
def lock_distributor_tree() -> None:
    """Serialize structural writes to the upline tree (new distributors, upline moves, imports)
    for the rest of the transaction, so two concurrent changes cannot together form a cycle that
    neither would alone."""
    _advisory_xact_lock("SELECT pg_advisory_xact_lock(%s)", [DISTRIBUTOR_TREE_LOCK])


# --- 2. An order -----------------------------------------------------------------------------
def lock_order(order_id: str) -> None:
    """Serialize the reconciliations of one order for the rest of the transaction. Taken *before*
    the order is read from the shop, so a worker can never post from a snapshot older than the
    one another worker has already posted from."""
    _advisory_xact_lock(
        "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ORDER_LOCK_NAMESPACE, order_id]
    )


# --- 3. Applications -------------------------------------------------------------------------
def lock_application(application_id: int) -> DistributorApplication:
    """Two staff reviewing one application at once decide once: the second sees the first's
    decision."""
    return DistributorApplication.objects.select_for_update(no_key=True).get(pk=application_id)


def lock_applications(
    applications: QuerySet[DistributorApplication],
) -> list[DistributorApplication]:
    """The applications of a filter (one person's, for an erasure), in primary-key order."""
    return list(applications.select_for_update(no_key=True).order_by("pk"))


# --- 4. Distributors -------------------------------------------------------------------------
def lock_distributors(ids: Iterable[int | None]) -> dict[int, Distributor]:
    """Lock several distributors in one statement, in primary-key order; the grade is read
    along but not locked."""
    wanted = sorted({pk for pk in ids if pk is not None})
    locked = (
        Distributor.objects.select_for_update(no_key=True, of=("self",))
        .select_related("grade")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    return {distributor.pk: distributor for distributor in locked}


def lock_distributor(distributor_id: int) -> Distributor:
    locked = lock_distributors([distributor_id])
    if distributor_id not in locked:
        raise Distributor.DoesNotExist(f"distributor {distributor_id} does not exist")
    return locked[distributor_id]


def lock_distributor_by_code(code: str) -> Distributor | None:
    """A distributor named by code (an upline chosen by staff or in an import), locked so that a
    concurrent suspension waits for the change, or wins before it."""
    return (
        Distributor.objects.select_for_update(no_key=True, of=("self",)).filter(code=code).first()
    )


def lock_distributors_by_code(codes: Iterable[str]) -> dict[str, Distributor]:
    locked = (
        Distributor.objects.select_for_update(no_key=True, of=("self",))
        .filter(code__in=set(codes))
        .order_by("pk")
    )
    return {distributor.code: distributor for distributor in locked}


# --- 5. Attributions -------------------------------------------------------------------------
def lock_attribution(attribution_id: int) -> ReferralAttribution:
    """One reconciliation per order at a time (callers hold the order's advisory lock already;
    the row lock also keeps out anything that reaches the attribution another way)."""
    return ReferralAttribution.objects.select_for_update(no_key=True).get(pk=attribution_id)


def lock_fraud_review(attribution_id: int) -> FraudReview | None:
    """An order's fraud review, for a staff decision on it (after the attribution, step 5)."""
    return (
        FraudReview.objects.select_for_update(no_key=True)
        .filter(attribution_id=attribution_id)
        .first()
    )


def lock_group(group_id: int) -> GroupBuy:
    """A group, while one member's reconciliation counts its live members: two members changing
    at once must not both miss (or both make) the change that completes it. Taken after the
    member's attribution (step 5); nothing holding a group takes another order's locks."""
    return GroupBuy.objects.select_for_update(no_key=True).get(pk=group_id)


# --- 6. Payouts ------------------------------------------------------------------------------
def lock_payout(payout_id: int) -> Payout:
    """A payout with its distributor: the distributor first (step 4), as a request takes it."""
    distributor_id = Payout.objects.values_list("distributor_id", flat=True).get(pk=payout_id)
    lock_distributor(distributor_id)
    return Payout.objects.select_for_update(no_key=True).get(pk=payout_id)


def lock_payouts_of_distributor(distributor_id: int) -> list[Payout]:
    """Every payout of a distributor whose row the caller already holds (step 4), in
    primary-key order: an erasure rewrites their payee details."""
    return list(
        Payout.objects.select_for_update(no_key=True)
        .filter(distributor_id=distributor_id)
        .order_by("pk")
    )


# --- 7. Settlements --------------------------------------------------------------------------
def lock_settlements(settlements: QuerySet[Settlement]) -> list[Settlement]:
    """The settlements of a filter, locked in primary-key order, waiting for any holder."""
    return list(settlements.select_for_update(no_key=True).order_by("pk"))


def lock_settlements_skipping_held(settlements: QuerySet[Settlement], *, limit: int) -> list[int]:
    """Ids of up to `limit` settlements of a (due-ordered) filter that nobody else holds, locked:
    parallel runs of the settling task share the work instead of waiting for each other."""
    return list(
        settlements.select_for_update(no_key=True, skip_locked=True).values_list("pk", flat=True)[
            :limit
        ]
    )


# --- Configuration rows (no order with the above: never taken together with them) ------------
def lock_grade(grade_id: int) -> Grade:
    return Grade.objects.select_for_update(no_key=True).get(pk=grade_id)


def lock_commission_rule(rule_id: int) -> CommissionRule:
    return CommissionRule.objects.select_for_update(no_key=True).get(pk=rule_id)


# --- Programme history and the sweep (never taken with the above) -----------------------------
PROGRAMME_HISTORY_LOCK = 0x5746_5803


def lock_programme_history() -> None:
    """Serialize writers of the programme's on/off history (Saleor's pluginUpdate and the
    observations of tasks), so two of them seeing the same change record it once."""
    _advisory_xact_lock("SELECT pg_advisory_xact_lock(%s)", [PROGRAMME_HISTORY_LOCK])


def lock_sweep_mark(name: str) -> SweepMark | None:
    """The sweep's mark row, locked for the rest of the transaction (None when there is none
    yet), so two sweeps at once (beat and cron) can only move it forward."""
    return SweepMark.objects.select_for_update(no_key=True).filter(name=name).first()


def lock_attribution_of_order(order_id: str) -> ReferralAttribution | None:
    """An order's attribution row for a staff change to it. Take `lock_order` first, as
    reconciliation does."""
    return (
        ReferralAttribution.objects.select_for_update(no_key=True).filter(order_id=order_id).first()
    )


def lock_sweep_retry(order_id: str) -> SweepRetry | None:
    """The sweep's retry record of a failed order, locked to count one more failure."""
    return SweepRetry.objects.select_for_update(no_key=True).filter(order_id=order_id).first()


# --- Payouts' tax person and bank batches -------------------------------------------------------
# The person income tax is assessed for: step 8, after the payout's rows.
TAX_PERSON_LOCK_NAMESPACE = 0x5746_5805
# The making of bank batches: before any payout row (step 6).
PAYOUT_BATCHING_LOCK = 0x5746_5806


def lock_tax_person(identity_id: int) -> None:
    """Serialize, for the rest of the transaction, everything that changes which payouts count
    towards one person's monthly income (final approval, rejection after approval, a failed
    transfer), across all of that person's distributor accounts: two approvals at once would
    otherwise both use the month's 800-yuan allowance.

    Keyed by the `TaxIdentity` row rather than the ID number, so the number never appears in
    pg_locks. Taken after the distributor's row lock, never before it. The key is 32 bits: two
    people sharing one only wait for each other, which is harmless.
    """
    _advisory_xact_lock(
        "SELECT pg_advisory_xact_lock(%s, %s)",
        [TAX_PERSON_LOCK_NAMESPACE, identity_id & 0x7FFF_FFFF],
    )


def lock_payout_batching() -> None:
    """Serialize the making of bank batches, so two staff exporting at once put each approved
    payout into one batch only (the second sees the first's batch once it commits)."""
    _advisory_xact_lock("SELECT pg_advisory_xact_lock(%s)", [PAYOUT_BATCHING_LOCK])


# --- Ledger snapshots (the snapshot task holds nothing else) ------------------------------------
LEDGER_SNAPSHOT_LOCK = 0x5746_5807


def lock_ledger_snapshots() -> None:
    """Serialize writers of ledger snapshots (beat and the command at once): each batch is
    rewritten by one run at a time, so a run never overwrites a newer snapshot with its own."""
    _advisory_xact_lock("SELECT pg_advisory_xact_lock(%s)", [LEDGER_SNAPSHOT_LOCK])


def wait_for_ledger_writers(table: str, timeout_ms: int) -> None:
    """Take a SHARE lock on the ledger for the rest of the transaction: it waits until every
    transaction inserting into it has committed or rolled back, and holds off new inserts until
    this transaction ends (keep it to one statement after). An INSERT takes its ROW EXCLUSIVE
    lock before it draws an id from the sequence, so once this lock is held every id drawn so
    far belongs to a finished transaction. Raises OperationalError after `timeout_ms` rather
    than queue checkout's writes behind a long transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{timeout_ms}ms"])
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
