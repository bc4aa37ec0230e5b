"""Ledger snapshots (issue 9, Scale): a balance is its distributor's snapshot plus the ledger rows
after the snapshot's id, and that is exactly the plain sum of the ledger, whatever the history
and however snapshots and new rows interleave. The horizon a snapshot is taken up to is never
above a row still being written."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import close_old_connections, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from saleor_wfx_plugin.models import LedgerEntry, LedgerSnapshot
from saleor_wfx_plugin.selectors.balances import (
    balance,
    balances,
    ledger_group_sums_sql,
    ledger_totals,
)
from saleor_wfx_plugin.services.ledger_snapshots import ledger_horizon, take_snapshots
from tests.services.conftest import SERUM
from tests.services.helpers import (
    bulk_ledger_rows,
    explain_ledger_read,
    ledger_indexes_read,
    other_distributors_history,
    staff_adjusts_balance,
)

pytestmark = pytest.mark.django_db

BUCKETS = [bucket.value for bucket in LedgerEntry.Bucket]
CURRENCIES = ["CNY", "HKD"]


def post(distributor_id: int, currency: str, bucket: str, amount: Decimal) -> None:
    """A staff adjustment leg straight into a bucket: the snapshot only sees sums per group."""
    LedgerEntry.objects.create(
        distributor_id=distributor_id,
        currency=currency,
        bucket=bucket,
        kind="adjustment",
        amount=amount,
        movement=uuid.uuid4(),
        actor="user:900",
        reason="property",
    )


def plain_sums(distributor_ids) -> dict[tuple[int, str, str], Decimal]:
    rows = (
        LedgerEntry.objects.filter(distributor_id__in=distributor_ids)
        .values_list("distributor_id", "currency", "bucket")
        .annotate(total=Sum("amount"))
    )
    return {(pk, currency, bucket): total for pk, currency, bucket, total in rows}


def read_sums(distributor_ids) -> dict[tuple[int, str, str], Decimal]:
    found: dict[tuple[int, str, str], Decimal] = {}
    field = {
        "pending": "pending",
        "hold": "on_hold",
        "available": "available",
        "reserved": "reserved",
        "paid": "paid",
        "tax": "tax",
        "fee": "fees",
    }
    for pk, totals in ledger_totals(distributor_ids).items():
        for item in totals:
            for bucket, name in field.items():
                found[(pk, item.currency, bucket)] = getattr(item.balance, name)
    return found


def nonzero(sums):
    return {key: value for key, value in sums.items() if value != 0}


amounts = st.decimals(min_value=Decimal("-999.99"), max_value=Decimal("999.99"), places=2).filter(
    lambda amount: amount != 0
)
posting = st.tuples(
    st.integers(0, 3), st.sampled_from(CURRENCIES), st.sampled_from(BUCKETS), amounts
)
step = st.one_of(
    st.lists(posting, min_size=1, max_size=6).map(lambda rows: ("post", rows)),
    st.tuples(st.just("snapshot"), st.integers(1, 3)),
    st.tuples(st.just("snapshot_some"), st.sets(st.integers(0, 3), min_size=1)),
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_snapshot_plus_tail_is_the_plain_ledger_sum_for_any_history(tree, steps):
    ids = [distributor.pk for distributor in tree]
    savepoint = transaction.savepoint()
    try:
        for action, detail in steps:
            if action == "post":
                for index, currency, bucket, amount in detail:
                    post(ids[index], currency, bucket, amount)
            elif action == "snapshot":
                take_snapshots(batch_size=detail)
            else:
                take_snapshots(distributor_ids=[ids[index] for index in detail])
            assert nonzero(read_sums(ids)) == nonzero(plain_sums(ids))
        # Snapshotted again and then given new rows: still the ledger's sums.
        take_snapshots(batch_size=2)
        post(ids[3], "CNY", "available", Decimal("1.23"))
        assert nonzero(read_sums(ids)) == nonzero(plain_sums(ids))
        assert balances(ids[3]) == [
            totals.balance for totals in ledger_totals([ids[3]]).get(ids[3], [])
        ]
    finally:
        transaction.savepoint_rollback(savepoint)


def test_a_worked_balance_snapshot_then_tail(shop, tree):
    """D sells three serums (29.90 each at 10 %), a snapshot is taken, then staff take 12.34
    and D sells a fourth: the read adds the one new sale and the adjustment to the snapshot."""
    d = tree[3]
    for _ in range(3):
        order = shop.place_order([SERUM], referral_code="DDD444")
        shop.pay(order.order_id)
    run = take_snapshots()
    assert run.through_id == LedgerEntry.objects.order_by("-id").first().pk
    snapshot = LedgerSnapshot.objects.get(distributor=d, bucket="pending", kind="accrual")
    assert (snapshot.total, snapshot.through_id) == (Decimal("89.700"), run.through_id)

    staff_adjusts_balance(distributor_id=d.pk, currency="CNY", amount=Decimal("-12.34"), reason="x")
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)

    [cny] = ledger_totals([d.pk])[d.pk]
    assert (cny.accrued, cny.balance.pending, cny.balance.available) == (
        Decimal("119.60"),
        Decimal("119.60"),
        Decimal("-12.34"),
    )
    assert balance(d, "CNY") == cny.balance
    # A second run takes in only the two rows posted since the first.
    second = take_snapshots()
    assert second.rows_added == LedgerEntry.objects.filter(pk__gt=run.through_id).count()
    assert ledger_totals([d.pk])[d.pk] == [cny]


def test_a_run_never_moves_a_snapshot_back(tree):
    d = tree[3]
    post(d.pk, "CNY", "available", Decimal("5.00"))
    take_snapshots()
    newer = LedgerSnapshot.objects.get(distributor=d).through_id
    post(d.pk, "CNY", "available", Decimal("7.00"))
    # A slower run that read an older horizon, arriving after a newer one.
    from saleor_wfx_plugin.services import ledger_snapshots

    assert ledger_snapshots._snapshot_batch([d.pk], newer - 1) == (0, 0)
    assert LedgerSnapshot.objects.get(distributor=d).through_id == newer
    assert balance(d, "CNY").available == Decimal("12.00")


def test_the_balance_read_is_a_range_of_the_history_index_after_the_snapshot(tree):
    _, _, c, d = tree
    # A long history before the snapshot, much new activity of another distributor after it,
    # and two new rows of the one read: only those two should be read.
    bulk_ledger_rows(d.pk, 5_000)
    take_snapshots()
    other_distributors_history(200, 100)
    for _ in range(2):
        post(d.pk, "CNY", "available", Decimal("1.00"))
    sql, params = ledger_group_sums_sql([d.pk, c.pk])
    plan = explain_ledger_read(sql, params)

    # A range of the history index: this distributor's rows after the snapshot's id. Neither
    # all of their history (by distributor alone) nor everyone's new rows (by id alone).
    assert ledger_indexes_read(plan) == {"wfx_ledger_history"}, plan
    history_scan = plan[plan.index("wfx_ledger_history") :]
    assert "Index Cond: ((distributor_id = " in history_scan, plan
    assert "AND (id > " in history_scan.splitlines()[1], plan
    assert balance(d, "CNY").available == Decimal("52.00")


def test_the_command_reports_what_it_took_in(tree):
    from io import StringIO

    from django.core.management import call_command

    post(tree[3].pk, "CNY", "available", Decimal("5.00"))
    post(tree[2].pk, "CNY", "pending", Decimal("2.00"))
    out = StringIO()
    call_command("wfx_snapshot_ledger", "--batch-size", "1", stdout=out)
    top = LedgerEntry.objects.order_by("-id").first().pk
    assert out.getvalue().strip() == (
        f"Snapshots through ledger id {top}: 4 distributors moved, 2 ledger rows taken in."
    )


def test_the_beat_entry_runs_hourly_unless_configured(settings):
    from datetime import timedelta

    from saleor_wfx_plugin.apps import SNAPSHOT_BEAT_ENTRY, register_snapshot_schedule

    settings.CELERY_BEAT_SCHEDULE = {}
    settings.WFX_LEDGER_SNAPSHOT_INTERVAL_MINUTES = 20
    register_snapshot_schedule()
    entry = settings.CELERY_BEAT_SCHEDULE[SNAPSHOT_BEAT_ENTRY]
    assert entry["task"] == "saleor_wfx_plugin.tasks.snapshot_ledger_task"
    assert entry["schedule"] == timedelta(minutes=20)


@pytest.mark.django_db(transaction=True)
def test_the_horizon_waits_for_a_ledger_row_still_being_written(tree):
    """A writer has drawn ledger id N but not committed: reading max(id) now would give N - 1,
    and a snapshot through N - 1 is fine, but one through a later committed id would skip N
    forever. The horizon is not read until the writer is done (or the run gives up)."""
    d = tree[3]
    post(d.pk, "CNY", "available", Decimal("1.00"))
    inserted = threading.Event()
    finish = threading.Event()

    def writer():
        try:
            with transaction.atomic():
                post(d.pk, "CNY", "available", Decimal("2.00"))
                inserted.set()
                finish.wait(10)
        finally:
            close_old_connections()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inserted.wait(10)
        assert ledger_horizon(timeout_ms=300) is None
        assert take_snapshots().through_id is None
        assert not LedgerSnapshot.objects.exists()
    finally:
        finish.set()
        thread.join()
    horizon = ledger_horizon(timeout_ms=300)
    assert horizon == LedgerEntry.objects.order_by("-id").first().pk
    take_snapshots()
    assert balance(d, "CNY").available == Decimal("3.00")
