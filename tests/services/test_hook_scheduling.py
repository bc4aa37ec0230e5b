"""Saleor's order hooks become reconciliation tasks: one per order and state, handed over when
the hook's transaction commits, on the queue the shop names, carrying the configuration the hook
saw. (The statement counts inside a real Saleor: tests/saleor/test_checkout_cost_in_saleor.py.)"""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from saleor_wfx_plugin.apps import (
    SETTLE_BEAT_ENTRY,
    register_close_schedule,
    register_documents_schedule,
    register_grades_schedule,
    register_settle_schedule,
    register_snapshot_schedule,
    register_sweep_schedule,
)
from saleor_wfx_plugin.saleor_host.scheduling import HookBatch
from saleor_wfx_plugin.tasks import process_order_event

from .conftest import SERUM
from .helpers import net_by_level

CONFIGURATION = {"default_seller_rate": "10", "level2_rate": "5", "level3_rate": "2"}


@dataclass
class SaleorOrder:
    """The fields of Saleor's Order a hook's batch compares."""

    pk: str
    updated_at: datetime = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    status: str = "unfulfilled"
    charge_status: str = "full"
    authorize_status: str = "full"
    total_charged_amount: Decimal = Decimal("308.90")
    total_gross_amount: Decimal = Decimal("308.90")
    metadata: dict = field(default_factory=lambda: {"referral_code": "DDD444"})


@pytest.fixture
def handed_over(monkeypatch):
    """What reaches Celery: (args, options) of each apply_async."""
    calls = []
    monkeypatch.setattr(
        process_order_event, "apply_async", lambda args, **options: calls.append((args, options))
    )
    return calls


CHECKOUT_COMPLETE_HOOKS = (
    "order_created",
    "order_paid",
    "order_fully_paid",
    "order_updated",
    "order_confirmed",
)


def test_the_five_hooks_of_a_completed_checkout_hand_over_one_task(
    db, handed_over, django_capture_on_commit_callbacks
):
    batch = HookBatch()
    order = SaleorOrder(pk="7d0c")
    with django_capture_on_commit_callbacks(execute=True):
        for event in CHECKOUT_COMPLETE_HOOKS:
            batch.schedule(order, event, CONFIGURATION)
        assert handed_over == []  # nothing before the commit
    assert handed_over == [(("7d0c", "order_created", CONFIGURATION), {"retry": False})]


def test_two_orders_in_one_request_get_a_task_each(
    db, handed_over, django_capture_on_commit_callbacks
):
    batch = HookBatch()
    with django_capture_on_commit_callbacks(execute=True):
        for order_id in ("first", "second", "first"):
            batch.schedule(SaleorOrder(pk=order_id), "order_updated", CONFIGURATION)
    assert [args[0] for args, _ in handed_over] == ["first", "second"]


def test_a_hook_reporting_a_change_schedules_again(
    db, handed_over, django_capture_on_commit_callbacks
):
    batch = HookBatch()
    paid = SaleorOrder(pk="7d0c")
    refunded = replace(
        paid,
        updated_at=datetime(2026, 11, 30, 10, 5, tzinfo=UTC),
        total_charged_amount=Decimal("158.90"),
    )
    fulfilled = replace(refunded, status="fulfilled")
    with django_capture_on_commit_callbacks(execute=True):
        batch.schedule(paid, "order_fully_paid", CONFIGURATION)
        batch.schedule(paid, "order_updated", CONFIGURATION)
        batch.schedule(refunded, "order_refunded", CONFIGURATION)
        batch.schedule(fulfilled, "order_fulfilled", CONFIGURATION)
    assert [args[1] for args, _ in handed_over] == [
        "order_fully_paid",
        "order_refunded",
        "order_fulfilled",
    ]


def test_a_rolled_back_transaction_does_not_swallow_the_next_hook(
    db, handed_over, django_capture_on_commit_callbacks
):
    batch = HookBatch()
    order = SaleorOrder(pk="7d0c")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                batch.schedule(order, "order_paid", CONFIGURATION)
                raise RuntimeError("Saleor's mutation failed after the hook")
        except RuntimeError:
            pass
        batch.schedule(order, "order_paid", CONFIGURATION)
    assert len(handed_over) == 1


def test_an_object_that_is_not_a_saleor_order_is_still_scheduled(
    db, handed_over, django_capture_on_commit_callbacks
):
    class BareOrder:
        pk = "bare"

    batch = HookBatch()
    with django_capture_on_commit_callbacks(execute=True):
        batch.schedule(BareOrder(), "order_updated", CONFIGURATION)
        batch.schedule(BareOrder(), "order_updated", CONFIGURATION)
    assert len(handed_over) == 2


def test_tasks_go_to_the_queue_the_shop_names(
    db, handed_over, settings, django_capture_on_commit_callbacks
):
    settings.WFX_CELERY_QUEUE = "distribution"
    with django_capture_on_commit_callbacks(execute=True):
        HookBatch().schedule(SaleorOrder(pk="7d0c"), "order_paid", CONFIGURATION)
    assert handed_over[0][1] == {"retry": False, "queue": "distribution"}


def test_beat_entries_go_to_the_queue_the_shop_names(settings):
    settings.WFX_CELERY_QUEUE = "distribution"
    settings.CELERY_BEAT_SCHEDULE = {}
    for register in (
        register_sweep_schedule,
        register_grades_schedule,
        register_settle_schedule,
        register_documents_schedule,
        register_close_schedule,
        register_snapshot_schedule,
    ):
        register()
    entries = settings.CELERY_BEAT_SCHEDULE
    # Every entry the plugin registers, so a new one cannot forget the shop's queue.
    assert len(entries) == 6
    for name in entries:
        assert entries[name]["options"]["queue"] == "distribution", name
    # Without the setting no queue is named: Celery's own routing decides.
    settings.WFX_CELERY_QUEUE = None
    settings.CELERY_BEAT_SCHEDULE = {}
    register_settle_schedule()
    assert "queue" not in settings.CELERY_BEAT_SCHEDULE[SETTLE_BEAT_ENTRY]["options"]


@pytest.mark.django_db
def test_the_task_earns_with_the_configuration_the_hook_saw(shop, tree, settings):
    # The shop's stored settings say 10 / 5 / 2 %; the hook saw 20 / 5 / 2 %.
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.pay(order.order_id, notify=False)
    settings.WFX_PROGRAM_ACTIVE = False  # reading the switch here would stop the task

    posted = process_order_event(
        order.order_id, "order_fully_paid", {**CONFIGURATION, "default_seller_rate": "20"}
    )

    assert posted == 3
    # 20 % of 299.00, 5 %, 2 %.
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("59.80")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }
