"""Writing the ledger: commission into the right bucket, settlement moving it along
(pending → hold → available), and the movements payouts and staff adjustments post.

Who may post a staff adjustment is decided in services/adjustments.py, the only way to one.

Locks come from lock_objects, in its order. Reconciliation locks an order's settlements before
it posts to them and the maturing task skips settlements someone holds, so commission can never
land in a bucket that a concurrent confirmation has just emptied.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from ..domain.calendar import add_business_days
from ..domain.settings import ProgramSettings
from ..errors import UnbalancedMovement
from ..lock_objects import lock_settlements, lock_settlements_skipping_held
from ..models import CommissionLine, FraudReview, LedgerEntry, ReferralAttribution, Settlement

ZERO = Decimal(0)
SYSTEM_ACTOR = "system"
DEFAULT_BATCH_SIZE = 5_000
# Movement ids of confirmation and release are derived from the settlement, so the two legs of
# one step are recognisable and a step replayed by hand would collide, not duplicate.
_MOVEMENT_NAMESPACE = uuid.UUID("6f1d8a4e-5b7c-4c1e-9a51-2d7f0f9e3b10")

Bucket = LedgerEntry.Bucket
Kind = LedgerEntry.Kind


@dataclass(frozen=True)
class Leg:
    bucket: str
    amount: Decimal
    settlement_id: int | None = None


def post_movement(
    *,
    distributor_id: int,
    currency: str,
    kind: str,
    legs: Sequence[Leg],
    payout_id: int | None = None,
    actor: str = SYSTEM_ACTOR,
    reason: str = "",
    idempotency_key: str | None = None,
    balanced: bool = True,
) -> list[LedgerEntry]:
    """One movement of money between buckets. Balanced movements (all but adjustments) must sum
    to zero: money moves, it is never made or lost here."""
    legs = [leg for leg in legs if leg.amount]
    if balanced and sum((leg.amount for leg in legs), ZERO) != 0:
        raise UnbalancedMovement(f"unbalanced {kind} movement: {legs}")
    movement = uuid.uuid4()
    return LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                distributor_id=distributor_id,
                currency=currency,
                bucket=leg.bucket,
                kind=kind,
                amount=leg.amount,
                movement=movement,
                settlement_id=leg.settlement_id,
                payout_id=payout_id,
                actor=actor[:128],
                reason=reason[:500],
                idempotency_key=idempotency_key,
            )
            for leg in legs
        ]
    )


# --- Commission ------------------------------------------------------------------------------
def post_commission(
    attribution: ReferralAttribution,
    plan: Sequence[CommissionLine],
    targets: Mapping[tuple[str, int], Decimal],
    *,
    event: str,
    fulfilled_at: datetime | None,
    program: ProgramSettings,
    new_plan: bool = False,
) -> tuple[list[LedgerEntry], list[Settlement]]:
    """Inside reconciliation's transaction (the order's lock held): give every payee of the
    order a settlement, keep its due dates in step with the order's fulfilment, and post to the
    ledger what each (order line, level) lacks to reach its target now, in the bucket that
    payee's settlement is in. Returns the entries posted and the order's settlements.

    `new_plan`: the plan was frozen in this transaction, so no settlement or ledger entry of
    the order exists yet and none needs to be read or locked."""
    payees = {line.distributor_id for line in plan}
    settlements = _order_settlements(attribution, payees, new_plan=new_plan)
    _schedule(
        list(settlements.values()), fulfilled_at, program, paid_at=attribution.commissionable_at
    )
    held = (
        {}
        if new_plan
        else {
            row["commission_line"]: (row["total"], row["last_sequence"])
            for row in LedgerEntry.objects.filter(commission_line__in=plan)
            .values("commission_line")
            .annotate(total=Sum("amount"), last_sequence=Max("sequence"))
        }
    )
    entries = []
    for line in plan:
        total, last_sequence = held.get(line.pk, (ZERO, 0))
        difference = targets[(line.order_line_id, line.level)] - total
        if not difference:
            continue
        settlement = settlements[line.distributor_id]
        entries.append(
            LedgerEntry(
                distributor_id=line.distributor_id,
                currency=attribution.currency,
                bucket=settlement.bucket,
                kind=Kind.ACCRUAL if difference > 0 else Kind.REVERSAL,
                amount=difference,
                movement=uuid.uuid4(),
                commission_line=line,
                level=line.level,
                sequence=last_sequence + 1,
                event=event[:64],
                settlement=settlement,
                actor=SYSTEM_ACTOR,
            )
        )
    return LedgerEntry.objects.bulk_create(entries), list(settlements.values())


def _order_settlements(
    attribution: ReferralAttribution, payees: set[int], *, new_plan: bool
) -> dict[int, Settlement]:
    """The order's settlements by payee, locked; the missing ones created. Rows created here
    are locked by being new (nobody sees them before the commit)."""
    settlements = (
        {}
        if new_plan
        else {
            settlement.distributor_id: settlement
            for settlement in lock_settlements(Settlement.objects.filter(attribution=attribution))
        }
    )
    missing = sorted(payees - set(settlements))
    if not missing:
        return settlements
    created = Settlement.objects.bulk_create(
        [
            Settlement(attribution=attribution, distributor_id=payee, currency=attribution.currency)
            for payee in missing
        ]
    )
    if all(settlement.pk is not None for settlement in created):
        settlements.update({settlement.distributor_id: settlement for settlement in created})
        return settlements
    # A database that returns no ids from a bulk insert (old SQLite): read them back.
    return {
        settlement.distributor_id: settlement
        for settlement in lock_settlements(Settlement.objects.filter(attribution=attribution))
    }


def _schedule(
    settlements: Sequence[Settlement],
    fulfilled_at: datetime | None,
    program: ProgramSettings,
    *,
    paid_at: datetime | None = None,
) -> None:
    """Due dates of confirmation and release. Confirmation comes `confirm_days_after_fulfilment`
    after Saleor reports the order fulfilled; with `confirm_days_after_payment`, an order Saleor
    has seen no fulfilment of by that many days after it first earned (`paid_at`) is confirmed
    then. A fulfilment reported after that deadline changes nothing: the order counts as
    received, and a return after it is a refund that reverses commission wherever it is."""
    from ..shop import shop_time_zone

    payment_due = (
        paid_at + timedelta(days=program.confirm_days_after_payment)
        if paid_at is not None and program.confirm_days_after_payment is not None
        else None
    )
    if fulfilled_at is not None and (payment_due is None or fulfilled_at <= payment_due):
        confirm_due: datetime | None = fulfilled_at + timedelta(
            days=program.confirm_days_after_fulfilment
        )
    else:
        confirm_due = payment_due
    available_due = (
        add_business_days(
            confirm_due,
            program.settlement_days,
            shop_time_zone(),
            holidays=program.settlement_holidays,
            workdays=program.settlement_workdays,
        )
        if confirm_due is not None
        else None
    )
    for settlement in settlements:
        if settlement.confirmed_at is not None:
            continue  # confirmed is confirmed: later changes to the order do not un-confirm it
        if (settlement.fulfilled_at, settlement.confirm_due_at, settlement.available_due_at) == (
            fulfilled_at,
            confirm_due,
            available_due,
        ):
            continue
        settlement.fulfilled_at = fulfilled_at
        settlement.confirm_due_at = confirm_due
        settlement.available_due_at = available_due
        settlement.save(update_fields=["fulfilled_at", "confirm_due_at", "available_due_at"])


# --- Maturing: confirmation and release ------------------------------------------------------
@dataclass(frozen=True)
class SettleResult:
    confirmed: int
    released: int


def settle_due(
    now: datetime | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    settlement_ids: Sequence[int] | None = None,
) -> SettleResult:
    """Confirm what is due for confirmation, then release what has served its hold, in batches
    of set-based statements (no query per settlement). Safe to run twice or in parallel: each
    batch locks its rows and skips rows another worker holds, and the ledger's unique key
    refuses a second confirmation or release of a settlement."""
    now = now or timezone.now()
    scope = Q() if settlement_ids is None else Q(pk__in=list(settlement_ids))
    confirmed = _advance(
        scope & Q(confirmed_at__isnull=True, confirm_due_at__lte=now) & ~_held_for_review(),
        from_bucket=Bucket.PENDING,
        to_bucket=Bucket.HOLD,
        kind=Kind.CONFIRMATION,
        due_field="confirm_due_at",
        stamp_field="confirmed_at",
        now=now,
        batch_size=batch_size,
    )
    released = _advance(
        scope & Q(released_at__isnull=True, confirmed_at__isnull=False, available_due_at__lte=now),
        from_bucket=Bucket.HOLD,
        to_bucket=Bucket.AVAILABLE,
        kind=Kind.RELEASE,
        due_field="available_due_at",
        stamp_field="released_at",
        now=now,
        batch_size=batch_size,
    )
    return SettleResult(confirmed=confirmed, released=released)


def _held_for_review() -> Exists:
    """An order held in fraud review is never confirmed (a subquery: FOR UPDATE cannot lock
    through the outer join a reverse relation would need)."""
    return Exists(
        FraudReview.objects.filter(
            attribution_id=OuterRef("attribution_id"), status=FraudReview.Status.HELD
        )
    )


def _advance(
    due: Q,
    *,
    from_bucket: str,
    to_bucket: str,
    kind: str,
    due_field: str,
    stamp_field: str,
    now: datetime,
    batch_size: int,
) -> int:
    done = 0
    while True:
        with transaction.atomic():
            # By due moment: the partial index on it starts at the first waiting settlement,
            # where ordering by id would walk past every one released before (3x slower at the
            # end of a million, bench/settle_bench.py). No id tie-breaker: a day's settlements
            # share one due moment and would be re-sorted on every batch.
            ids = lock_settlements_skipping_held(
                Settlement.objects.filter(due).order_by(due_field), limit=batch_size
            )
            if not ids:
                return done
            _move_settlement_balances(ids, from_bucket, to_bucket, kind, now)
            Settlement.objects.filter(pk__in=ids).update(**{stamp_field: now})
            done += len(ids)
        if len(ids) < batch_size:
            return done


_MOVE_SQL = """
INSERT INTO wfx_ledgerentry
    (distributor_id, currency, bucket, kind, amount, movement, settlement_id, actor, reason,
     event, created_at)
SELECT due.distributor_id, due.currency, leg.bucket, %(kind)s::text, leg.sign * due.total,
       md5(%(namespace)s::text || ':' || %(kind)s::text || ':' || due.settlement_id)::uuid,
       due.settlement_id, 'system', '', '', %(now)s
FROM (
    SELECT settlement_id, distributor_id, currency, SUM(amount) AS total
    FROM wfx_ledgerentry
    WHERE settlement_id = ANY(%(ids)s) AND bucket = %(from_bucket)s::text
    GROUP BY settlement_id, distributor_id, currency
    HAVING SUM(amount) <> 0
) AS due
CROSS JOIN (VALUES (%(from_bucket)s::text, -1), (%(to_bucket)s::text, 1)) AS leg (bucket, sign)
"""


def _move_settlement_balances(
    ids: list[int], from_bucket: str, to_bucket: str, kind: str, now: datetime
) -> None:
    """Move each settlement's whole balance in `from_bucket` to `to_bucket`: one INSERT … SELECT
    on PostgreSQL; an aggregate query and one bulk insert elsewhere (the SQLite demo)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _MOVE_SQL,
                {
                    "ids": ids,
                    "kind": kind,
                    "from_bucket": from_bucket,
                    "to_bucket": to_bucket,
                    "now": now,
                    "namespace": str(_MOVEMENT_NAMESPACE),
                },
            )
        return
    totals = (
        LedgerEntry.objects.filter(settlement_id__in=ids, bucket=from_bucket)
        .values("settlement_id", "distributor_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
    )
    entries = []
    for row in totals:
        movement = uuid.uuid5(_MOVEMENT_NAMESPACE, f"{kind}:{row['settlement_id']}")
        for bucket, amount in ((from_bucket, -row["total"]), (to_bucket, row["total"])):
            entries.append(
                LedgerEntry(
                    distributor_id=row["distributor_id"],
                    currency=row["currency"],
                    bucket=bucket,
                    kind=kind,
                    amount=amount,
                    movement=movement,
                    settlement_id=row["settlement_id"],
                    actor=SYSTEM_ACTOR,
                )
            )
    LedgerEntry.objects.bulk_create(entries)
