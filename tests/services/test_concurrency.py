"""Saleor may run two hooks of one order in two workers at the same moment."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from saleor_wfx_plugin.models import LedgerEntry, ReferralAttribution
from saleor_wfx_plugin.services import attribution as attribution_service
from saleor_wfx_plugin.services import commissions as commission_service
from saleor_wfx_plugin.services.commissions import reconcile_order_commissions

from .conftest import SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def slow_critical_sections(monkeypatch):
    """Widen the windows in which two workers could interleave: every worker has read the state
    before any of them writes, unless a lock keeps them apart."""

    def slowed(function):
        def wrapper(*args, **kwargs):
            time.sleep(0.2)
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        attribution_service, "_create_attribution", slowed(attribution_service._create_attribution)
    )
    monkeypatch.setattr(
        commission_service, "post_commission", slowed(commission_service.post_commission)
    )


def run_together(count, action):
    barrier = threading.Barrier(count)
    errors = []

    def worker():
        try:
            barrier.wait()
            action()
        except Exception as error:  # surfaced below, with the test's assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_simultaneous_first_events_attribute_once_and_pay_once(shop, tree, program):
    settings = program()
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    order = shop.pay(order.order_id, notify=False)

    errors = run_together(
        4, lambda: reconcile_order_commissions(order, settings, event="order_fully_paid")
    )

    assert errors == []
    assert ReferralAttribution.objects.filter(order_id=order.order_id).count() == 1
    assert LedgerEntry.objects.commission().count() == 3
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }


def test_simultaneous_refund_and_replayed_payment_settle_on_the_refunded_amount(
    shop, tree, program
):
    settings = program()
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    order = shop.pay(order.order_id)
    refunded = shop.refund(order.order_id, Decimal("299"), notify=False)

    errors = run_together(
        3, lambda: reconcile_order_commissions(refunded, settings, event="order_refunded")
    )

    assert errors == []
    assert {amount for _, amount in net_by_level(order).values()} == {Decimal("0")}
    assert LedgerEntry.objects.commission().filter(kind="reversal").count() == 3


def test_a_worker_holding_an_older_snapshot_cannot_undo_a_newer_refund(
    shop, tree, program, monkeypatch
):
    """Worker A reads the order while it is paid and is slow to post; meanwhile the order is
    refunded and worker B reconciles that. A must not post the paid amounts afterwards."""
    from saleor_wfx_plugin.services.commissions import reconcile_order

    settings = program()
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.pay(order.order_id, notify=False)
    a_has_read = threading.Event()
    original_load = type(shop()).load_order

    def slow_first_read(self, order_id, program):
        snapshot = original_load(self, order_id, program)
        if not a_has_read.is_set():
            a_has_read.set()
            time.sleep(0.5)
        return snapshot

    monkeypatch.setattr(type(shop()), "load_order", slow_first_read)

    def worker_a():
        reconcile_order(shop(), order.order_id, settings, event="order_fully_paid")
        connection.close()

    thread = threading.Thread(target=worker_a)
    thread.start()
    a_has_read.wait()
    shop.refund(order.order_id, Decimal("299"), notify=False)
    reconcile_order(shop(), order.order_id, settings, event="order_fully_refunded")
    thread.join()

    assert {amount for _, amount in net_by_level(order).values()} == {Decimal("0")}
