"""The sweep repairs orders whose hook Saleor lost."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_wfx_plugin.models import SweepRetry
from saleor_wfx_plugin.services.sweep import (
    COMMIT_LAG,
    current_mark,
    reconcile_recent_orders,
    sweep_from_mark,
)
from saleor_wfx_plugin.shop import OrderCursor, shop_time_zone
from saleor_wfx_plugin.tasks import reconcile_recent_orders_task

from .conftest import SERUM
from .helpers import entry_count, net_by_level

pytestmark = pytest.mark.django_db


def test_a_lost_payment_hook_is_repaired_by_the_sweep(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id, notify=False)
    assert entry_count(order) == 0

    report = reconcile_recent_orders_task()

    assert report == {"orders_seen": 1, "orders_repaired": 1, "entries_posted": 3, "failures": 0}
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_a_lost_order_created_hook_is_repaired_too(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.pay(order.order_id, notify=False)
    reconcile_recent_orders(shop(), since=timezone.now() - timedelta(hours=1))
    assert net_by_level(order)[3] == ("BBB222", Decimal("5.98"))


def test_the_sweep_changes_nothing_on_orders_already_right(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    report = reconcile_recent_orders(shop(), since=timezone.now() - timedelta(hours=1))
    assert (report.orders_seen, report.entries_posted) == (1, 0)


def test_the_sweep_leaves_orders_outside_its_window_alone(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id, notify=False)
    report = reconcile_recent_orders(shop(), since=timezone.now() + timedelta(seconds=1))
    assert report.orders_seen == 0
    assert entry_count(order) == 0


def test_one_broken_order_does_not_stop_the_sweep(shop, tree, monkeypatch):
    broken = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    good = shop.place_order([SERUM], referral_code="CCC333", notify=False, email="g@x.cn")
    shop.pay(broken.order_id, notify=False)
    shop.pay(good.order_id, notify=False)
    original = shop.load_order

    def load_order(self, order_id, program):
        if order_id == broken.order_id:
            raise RuntimeError("database hiccup")
        return original(self, order_id, program)

    monkeypatch.setattr(type(shop()), "load_order", load_order)
    report = reconcile_recent_orders(shop(), since=timezone.now() - timedelta(hours=1))
    assert (report.failures, report.orders_with_new_entries) == (1, 1)
    assert net_by_level(good)[1] == ("CCC333", Decimal("29.90"))


def test_management_command_reports_and_repairs(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id, notify=False)
    out = StringIO()
    call_command("wfx_reconcile", "--hours", "1", stdout=out)
    assert "repaired: 1 (3 entries posted)" in out.getvalue()
    assert entry_count(order) == 3


def test_management_command_does_nothing_while_the_plugin_is_off(shop, tree, settings):
    settings.WFX_PROGRAM_ACTIVE = False
    out = StringIO()
    call_command("wfx_reconcile", stdout=out)
    assert "not active" in out.getvalue()


# --- The persisted mark ------------------------------------------------------------------------
def _changed(shop, order, at):
    shop.changed_at[order.order_id] = at


def test_the_first_run_without_a_mark_starts_48_hours_back(shop, tree):
    now = timezone.now()
    recent = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    old = shop.place_order([SERUM], referral_code="CCC333", notify=False, email="o@x.cn")
    shop.pay(recent.order_id, notify=False)
    shop.pay(old.order_id, notify=False)
    _changed(shop, recent, now - timedelta(hours=47))
    _changed(shop, old, now - timedelta(hours=49))

    report = sweep_from_mark(shop(), now=now)

    assert (report.orders_seen, report.entries_posted) == (1, 3)
    assert entry_count(old) == 0
    assert current_mark() == OrderCursor(now - timedelta(hours=47), recent.order_id)


def test_the_mark_keeps_back_from_the_present_for_changes_still_committing(shop, tree):
    now = timezone.now()
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.pay(order.order_id, notify=False)
    _changed(shop, order, now - timedelta(minutes=1))
    sweep_from_mark(shop(), now=now)
    assert current_mark() == OrderCursor(now - COMMIT_LAG)


def test_orders_sharing_one_timestamp_are_each_reconciled_once_across_batches_and_runs(shop, tree):
    now = timezone.now()
    at = now - timedelta(hours=1)
    orders = []
    for number in range(5):
        order = shop.place_order(
            [SERUM], referral_code="DDD444", notify=False, email=f"tie{number}@x.cn"
        )
        shop.pay(order.order_id, notify=False)
        _changed(shop, order, at)  # a bulk job touched them all in one statement
        orders.append(order)

    first = sweep_from_mark(shop(), now=now, batch_size=2, max_batches=2)
    assert (first.orders_seen, first.caught_up) == (4, False)
    by_id = sorted(order.order_id for order in orders)
    assert current_mark() == OrderCursor(at, by_id[3])  # inside the tie, after the 4th id

    second = sweep_from_mark(shop(), now=now, batch_size=2, max_batches=2)
    assert (second.orders_seen, second.orders_with_new_entries, second.caught_up) == (1, 1, True)
    assert all(net_by_level(order)[1] == ("DDD444", Decimal("29.90")) for order in orders)


def test_the_mark_stays_where_it_was_while_the_programme_is_off(shop, tree, settings):
    now = timezone.now()
    sweep_from_mark(shop(), now=now - timedelta(days=10))
    mark = current_mark()
    settings.WFX_PROGRAM_ACTIVE = False
    assert sweep_from_mark(shop(), now=now).skipped_inactive
    assert current_mark() == mark


def test_a_failing_order_is_retried_until_it_reconciles_without_holding_up_the_others(
    shop, tree, monkeypatch
):
    now = timezone.now()
    broken = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    good = shop.place_order([SERUM], referral_code="CCC333", notify=False, email="g@x.cn")
    shop.pay(broken.order_id, notify=False)
    shop.pay(good.order_id, notify=False)
    _changed(shop, broken, now - timedelta(hours=2))
    _changed(shop, good, now - timedelta(hours=1))
    original = shop.load_order

    def load_order(self, order_id, program):
        if order_id == broken.order_id:
            raise RuntimeError("database hiccup")
        return original(self, order_id, program)

    monkeypatch.setattr(type(shop()), "load_order", load_order)
    first = sweep_from_mark(shop(), now=now)
    assert (first.failures, first.orders_with_new_entries) == (1, 1)
    assert current_mark() > OrderCursor(now - timedelta(hours=1))  # moved past the failure
    retry = SweepRetry.objects.get(order_id=broken.order_id)
    assert (retry.attempts, retry.next_attempt_at) == (1, now + timedelta(minutes=15))

    # Still broken at the next run, 20 minutes on: tried again, then after a longer pause.
    second = sweep_from_mark(shop(), now=now + timedelta(minutes=20))
    assert (second.retried, second.failures) == (1, 1)
    retry.refresh_from_db()
    assert (retry.attempts, retry.next_attempt_at) == (
        2,
        now + timedelta(minutes=20) + timedelta(minutes=30),
    )
    assert sweep_from_mark(shop(), now=now + timedelta(minutes=40)).retried == 0  # pausing

    monkeypatch.undo()
    third = sweep_from_mark(shop(), now=now + timedelta(minutes=60))
    assert (third.retried, third.failures, third.entries_posted) == (1, 0, 3)
    assert not SweepRetry.objects.exists()
    assert net_by_level(broken)[1] == ("DDD444", Decimal("29.90"))


def test_a_sweep_over_unchanged_orders_writes_nothing_but_its_mark(shop, tree):
    now = timezone.now()
    for number in range(3):
        order = shop.place_order([SERUM], referral_code="DDD444", email=f"u{number}@x.cn")
        shop.pay(order.order_id)
        _changed(shop, order, now - timedelta(hours=1))
    sweep_from_mark(shop(), now=now)

    shop.changed_at.update({order_id: now for order_id in shop.changed_at})  # seen again
    with CaptureQueriesContext(connection) as queries:
        report = sweep_from_mark(shop(), now=now + timedelta(minutes=30))

    assert report.orders_seen == 3
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "wfx_sweepmark" in writes[0]


def test_management_command_sweeps_from_the_mark_or_a_forced_window(shop, tree):
    now = timezone.now()
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.pay(order.order_id, notify=False)
    _changed(shop, order, now - timedelta(days=5))

    out = StringIO()
    call_command("wfx_reconcile", stdout=out)  # from the mark: 48 hours on the first run
    assert "Orders seen: 0" in out.getvalue()
    mark = current_mark()

    since = (now - timedelta(days=6)).astimezone(shop_time_zone()).replace(tzinfo=None)
    call_command("wfx_reconcile", "--since", since.isoformat(), stdout=out)
    assert "repaired: 1 (3 entries posted)" in out.getvalue()
    assert current_mark() == mark  # a forced window leaves the mark alone


def test_management_command_refuses_an_unreadable_since(shop, tree):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("wfx_reconcile", "--since", "last tuesday")
