"""The sweep repairs orders whose hook Saleor lost."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from saleor_wfx_plugin.services.sweep import reconcile_recent_orders
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
