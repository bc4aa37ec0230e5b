"""Matured money moves on its own: Celery beat's task, or the command for shops without beat,
confirms commission and makes it available when the T+N hold ends; twice is the same as once."""

import importlib
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from saleor_wfx_plugin.apps import SETTLE_BEAT_ENTRY, register_settle_schedule
from saleor_wfx_plugin.models import Grade, LedgerEntry, Settlement
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services import ledger as ledger_service
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.tasks import settle_matured_task

from .conftest import SERUM

# Fulfilled on a Friday: T+3 business days (Monday, Tuesday, Wednesday) ends when Wednesday begins.
FRIDAY_MORNING = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
TUESDAY_EVENING = datetime(2030, 3, 5, 23, 59, tzinfo=UTC)
WEDNESDAY = datetime(2030, 3, 6, 0, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2030, 3, 11, 9, 0, tzinfo=UTC)
# 29.90 for the seller, 14.95 for the upline, 5.98 for the grand upline.
ONE_SERUM_OF_COMMISSION = Decimal("50.83")


@pytest.fixture(autouse=True)
def confirmed_on_delivery(program):
    """These tests follow money confirmed the moment Saleor reports the order fulfilled
    (`confirm_days_after_fulfilment` 0, the default before it became 7); the waiting days have
    tests of their own."""
    program(confirm_days_after_fulfilment="0")


@pytest.fixture
def clock(monkeypatch):
    """The shop's clock, moved by the test: `clock.now = ...`."""

    class Clock:
        now = FRIDAY_MORNING

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def fulfilled_order(shop, at=FRIDAY_MORNING):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=at)
    return order


def available_total():
    return LedgerEntry.objects.filter(bucket="available").aggregate(s=Sum("amount"))["s"] or 0


@pytest.mark.django_db
def test_the_task_makes_money_available_when_the_hold_ends(shop, tree, clock):
    fulfilled_order(shop)
    d = tree[3]
    assert balance(d, "CNY").on_hold == Decimal("29.90")

    clock.now = TUESDAY_EVENING
    assert settle_matured_task() == {"confirmed": 0, "released": 0}
    assert balance(d, "CNY").on_hold == Decimal("29.90")

    clock.now = WEDNESDAY
    assert settle_matured_task() == {"confirmed": 0, "released": 3}
    assert (balance(d, "CNY").on_hold, balance(d, "CNY").available) == (0, Decimal("29.90"))
    assert Settlement.objects.get(distributor=d).released_at == WEDNESDAY


@pytest.mark.django_db
def test_the_task_confirms_orders_after_the_automatic_receipt_days(shop, tree, clock, program):
    program(confirm_days_after_fulfilment="7")
    fulfilled_order(shop)
    assert balance(tree[3], "CNY").pending == Decimal("29.90")

    clock.now = FRIDAY_MORNING + timedelta(days=7)

    assert settle_matured_task() == {"confirmed": 3, "released": 0}
    assert balance(tree[3], "CNY").on_hold == Decimal("29.90")


@pytest.mark.django_db
def test_a_second_run_moves_nothing(shop, tree, clock):
    fulfilled_order(shop)
    clock.now = WEDNESDAY
    settle_matured_task()
    entries = LedgerEntry.objects.count()

    assert settle_matured_task() == {"confirmed": 0, "released": 0}
    call_command("wfx_settle", stdout=StringIO())
    assert LedgerEntry.objects.count() == entries
    assert available_total() == ONE_SERUM_OF_COMMISSION


@pytest.mark.django_db
def test_nothing_moves_while_the_programme_is_off_and_it_catches_up_after(
    shop, tree, clock, settings
):
    fulfilled_order(shop)
    clock.now = WEDNESDAY
    settings.WFX_PROGRAM_ACTIVE = False

    assert settle_matured_task() == {"confirmed": 0, "released": 0}
    out = StringIO()
    call_command("wfx_settle", stdout=out)
    assert out.getvalue() == "The distribution plugin is not active: no money moved.\n"
    assert balance(tree[3], "CNY").on_hold == Decimal("29.90")

    settings.WFX_PROGRAM_ACTIVE = True
    assert settle_matured_task() == {"confirmed": 0, "released": 3}


@pytest.mark.django_db
def test_the_command_settles_and_prints_the_counts(shop, tree, clock):
    fulfilled_order(shop)
    clock.now = WEDNESDAY
    out = StringIO()

    call_command("wfx_settle", stdout=out)

    assert out.getvalue() == "Confirmed: 0 settlements; released to available: 3.\n"
    assert balance(tree[3], "CNY").available == Decimal("29.90")


@pytest.mark.django_db
def test_the_command_back_fills_with_the_date_money_should_have_moved(shop, tree, clock, settings):
    """The shop ran without beat for a while; on Monday staff settle as of the moment the hold
    ended, midnight starting Wednesday in Shanghai, and the ledger says so."""
    settings.WFX_TIME_ZONE = "Asia/Shanghai"
    fulfilled_order(shop, at=datetime(2030, 3, 1, 2, 0, tzinfo=UTC))  # Friday 10:00 in Shanghai
    clock.now = NEXT_MONDAY
    out = StringIO()

    call_command("wfx_settle", "--now", "2030-03-06T00:00", "--batch-size", "2", stdout=out)

    assert out.getvalue() == "Confirmed: 0 settlements; released to available: 3.\n"
    assert set(Settlement.objects.values_list("released_at", flat=True)) == {
        datetime(2030, 3, 5, 16, 0, tzinfo=UTC)
    }


@pytest.mark.django_db
def test_the_command_releases_nothing_before_the_hold_ends(shop, tree, clock):
    fulfilled_order(shop)
    clock.now = NEXT_MONDAY
    out = StringIO()

    call_command("wfx_settle", "--now", "2030-03-05T23:59+00:00", stdout=out)

    assert out.getvalue() == "Confirmed: 0 settlements; released to available: 0.\n"
    assert balance(tree[3], "CNY").on_hold == Decimal("29.90")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--now", "next Tuesday"], "ISO 8601"),
        (["--now", "2030-03-06T00:00+00:00"], "in the future"),
        (["--batch-size", "0"], "must be positive"),
    ],
)
def test_the_command_refuses_bad_input_and_moves_nothing(shop, tree, clock, arguments, message):
    fulfilled_order(shop)
    clock.now = TUESDAY_EVENING
    entries = LedgerEntry.objects.count()

    with pytest.raises(CommandError, match=message):
        call_command("wfx_settle", *arguments)

    assert LedgerEntry.objects.count() == entries


def test_the_task_is_scheduled_every_quarter_of_an_hour_at_start_up(settings):
    entry = settings.CELERY_BEAT_SCHEDULE[SETTLE_BEAT_ENTRY]

    assert entry["task"] == settle_matured_task.name
    assert settle_matured_task.name == "saleor_wfx_plugin.tasks.settle_matured_task"
    assert entry["schedule"] == timedelta(minutes=15)
    assert entry["options"] == {"expires": 15 * 60}


def test_the_interval_follows_the_setting_and_a_merchants_own_entry_is_kept(settings):
    settings.CELERY_BEAT_SCHEDULE = {}
    settings.WFX_SETTLE_INTERVAL_MINUTES = 5
    register_settle_schedule()
    assert settings.CELERY_BEAT_SCHEDULE[SETTLE_BEAT_ENTRY]["schedule"] == timedelta(minutes=5)

    settings.CELERY_BEAT_SCHEDULE = {SETTLE_BEAT_ENTRY: {"task": "merchant.own"}}
    register_settle_schedule()
    assert settings.CELERY_BEAT_SCHEDULE[SETTLE_BEAT_ENTRY] == {"task": "merchant.own"}


# --- Two workers at once (PostgreSQL row locks) -----------------------------------------------


@pytest.fixture
def restore_default_grades():
    """Transaction tests empty every table, the grade list the migration installs included;
    later tests expect it back."""
    yield
    migration = importlib.import_module("saleor_wfx_plugin.migrations.0004_default_grades")
    if not Grade.objects.exists():
        migration.create_default_grades(apps, None)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_release_each_settlement_exactly_once(
    shop, tree, clock, monkeypatch, restore_default_grades
):
    for _ in range(12):
        fulfilled_order(shop)
    settlements = Settlement.objects.count()
    assert settlements == 36
    held = LedgerEntry.objects.filter(bucket="hold").aggregate(s=Sum("amount"))["s"]
    original_move = ledger_service._move_settlement_balances

    def slowed_move(*args, **kwargs):
        # Both workers are inside a batch at the same time, so each must skip the other's rows.
        time.sleep(0.1)
        return original_move(*args, **kwargs)

    monkeypatch.setattr(ledger_service, "_move_settlement_balances", slowed_move)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(settle_due(now=WEDNESDAY, batch_size=5))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(result.released for result in results) == settlements
    # Both did part of the work: the test would prove nothing if one ran after the other.
    assert all(result.released > 0 for result in results)
    releases_per_settlement = (
        LedgerEntry.objects.filter(kind="release")
        .values("settlement")
        .annotate(legs=Count("id"))
        .values_list("legs", flat=True)
    )
    assert list(releases_per_settlement) == [2] * settlements
    assert available_total() == held == 12 * ONE_SERUM_OF_COMMISSION
    assert (
        LedgerEntry.objects.aggregate(s=Sum("amount"))["s"]
        == LedgerEntry.objects.commission().aggregate(s=Sum("amount"))["s"]
    )
