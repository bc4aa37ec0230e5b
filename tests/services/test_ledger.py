"""The balance ledger: commission moves pending → on hold (fulfilled) → available (T+N business
days later), refunds reverse it wherever it is, and a refund after payout leaves a clawback."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from saleor_wfx_plugin.errors import LedgerError, UnbalancedMovement
from saleor_wfx_plugin.models import LedgerEntry, Settlement
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.ledger import (
    Leg,
    post_movement,
    settle_due,
)

from .conftest import SERUM
from .helpers import staff_adjusts_balance

pytestmark = pytest.mark.django_db

# In the future, so the real clock never reaches the due dates during the test.
FRIDAY_MORNING = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
# T+3 business days from Friday: Monday, Tuesday, Wednesday; available when Wednesday begins.
WEDNESDAY = datetime(2030, 3, 6, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def confirmed_on_delivery(program):
    """These tests follow money confirmed the moment Saleor reports the order fulfilled
    (`confirm_days_after_fulfilment` 0, the default before it became 7); the waiting days have
    tests of their own."""
    program(confirm_days_after_fulfilment="0")


def paid_order(shop, code="DDD444"):
    order = shop.place_order([SERUM], referral_code=code)
    shop.pay(order.order_id)
    return order


def test_paid_commission_is_pending_until_the_order_is_fulfilled(shop, tree):
    paid_order(shop)
    d = tree[3]
    assert balance(d, "CNY").pending == Decimal("29.90")
    assert balance(d, "CNY").on_hold == balance(d, "CNY").available == 0


def test_fulfilment_confirms_and_the_hold_ends_after_three_business_days(shop, tree):
    order = paid_order(shop)
    shop.fulfil(order.order_id, at=FRIDAY_MORNING)
    assert settle_due(now=FRIDAY_MORNING).confirmed == 3
    d = tree[3]
    assert balance(d, "CNY").on_hold == Decimal("29.90")
    settlement = Settlement.objects.get(distributor=d)
    assert settlement.available_due_at == WEDNESDAY

    assert settle_due(now=datetime(2030, 3, 5, 23, 59, tzinfo=UTC)).released == 0
    assert settle_due(now=WEDNESDAY).released == 3  # seller, upline, grand upline
    assert balance(d, "CNY").available == Decimal("29.90")
    assert balance(d, "CNY").on_hold == 0
    # Run again (beat and a cron at once, say): nothing moves twice.
    entries = LedgerEntry.objects.count()
    assert settle_due(now=WEDNESDAY) == settle_due(now=WEDNESDAY)
    assert LedgerEntry.objects.count() == entries


def test_automatic_receipt_confirmation_waits_the_configured_days(shop, tree, program):
    program(confirm_days_after_fulfilment="7")
    order = paid_order(shop)
    shop.fulfil(order.order_id, at=FRIDAY_MORNING)
    d = tree[3]
    assert balance(d, "CNY").pending == Decimal("29.90")
    settle_due(now=datetime(2030, 3, 8, 10, 0, tzinfo=UTC))
    assert balance(d, "CNY").on_hold == Decimal("29.90")


def test_a_refund_reverses_commission_in_the_bucket_it_is_in(shop, tree):
    order = paid_order(shop)
    shop.fulfil(order.order_id, at=FRIDAY_MORNING)
    settle_due(now=FRIDAY_MORNING)
    assert balance(tree[3], "CNY").on_hold == Decimal("29.90")
    shop.refund(order.order_id, Decimal("299.00"))
    d = tree[3]
    assert balance(d, "CNY").on_hold == 0
    assert balance(d, "CNY").pending == 0


def test_a_refund_after_release_leaves_a_negative_carry_that_later_commission_offsets(shop, tree):
    d = tree[3]
    order = paid_order(shop)
    shop.fulfil(order.order_id, at=FRIDAY_MORNING)
    settle_due(now=WEDNESDAY)
    # Paid out in full (a payout's legs), then the customer returns the goods.
    post_movement(
        distributor_id=d.pk,
        currency="CNY",
        kind=LedgerEntry.Kind.ADJUSTMENT,
        legs=[Leg("available", Decimal("-29.90")), Leg("paid", Decimal("29.90"))],
        actor="user:1",
        reason="paid by hand",
    )
    shop.refund(order.order_id, Decimal("299.00"))
    assert balance(d, "CNY").available == Decimal("-29.90")
    assert balance(d, "CNY").negative_carry == Decimal("29.90")

    second = paid_order(shop)
    shop.fulfil(second.order_id, at=FRIDAY_MORNING)
    settle_due(now=WEDNESDAY)
    assert balance(d, "CNY").available == 0


def test_money_in_the_ledger_is_exactly_the_commission_earned(shop, tree):
    for _ in range(3):
        order = paid_order(shop)
        shop.fulfil(order.order_id, at=FRIDAY_MORNING)
    shop.refund(order.order_id, Decimal("100.00"))
    settle_due(now=WEDNESDAY)
    for distributor in tree:
        ledger = LedgerEntry.objects.filter(distributor=distributor).aggregate(s=Sum("amount"))
        earned = (
            LedgerEntry.objects.commission()
            .filter(distributor=distributor)
            .aggregate(s=Sum("amount"))
        )
        assert ledger["s"] == earned["s"]


def test_an_unbalanced_movement_is_refused():
    with pytest.raises(UnbalancedMovement):
        post_movement(
            distributor_id=1,
            currency="CNY",
            kind=LedgerEntry.Kind.RESERVATION,
            legs=[Leg("available", Decimal("-1")), Leg("reserved", Decimal("2"))],
        )


def test_adjustments_need_a_reason_and_are_traced_to_the_staff_member(tree):
    d = tree[3]
    with pytest.raises(LedgerError) as error:
        staff_adjusts_balance(
            distributor_id=d.pk, currency="CNY", amount=Decimal(5), actor="user:9", reason=" "
        )
    assert error.value.code == "reason_required"
    staff_adjusts_balance(
        distributor_id=d.pk, currency="CNY", amount=Decimal(5), actor="user:9", reason="bonus"
    )
    assert balance(d, "CNY").available == Decimal(5)
    assert LedgerEntry.objects.get(distributor=d).actor == "user:9"


def test_the_database_refuses_to_rewrite_the_ledger(shop, tree):
    paid_order(shop)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE wfx_ledgerentry SET amount = amount * 2")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.all().delete()


def test_an_entry_without_a_cause_is_refused(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            distributor=tree[3],
            currency="CNY",
            bucket="available",
            kind="adjustment",
            amount=Decimal(1),
            movement="00000000-0000-0000-0000-000000000001",
        )


def test_fulfilment_today_confirms_at_once_without_waiting_for_the_task(shop, tree):
    order = paid_order(shop)
    shop.fulfil(order.order_id)
    assert balance(tree[3], "CNY").on_hold == Decimal("29.90")
