"""When earned commission is confirmed: seven days after delivery by default (China's seven-day
return runs from receipt), and, for shops that never record fulfilments in Saleor, a number of
days after payment."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from saleor_wfx_plugin.models import Settlement
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.ledger import settle_due

from .conftest import SERUM

pytestmark = pytest.mark.django_db

# Friday 1 March 2030 (the shop's time zone is UTC in these tests): in the future, so the real
# clock never reaches a due date by itself.
PAID = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
SELLER_COMMISSION = Decimal("29.90")  # 10 % of the 299.00 serum


@pytest.fixture
def clock(monkeypatch):
    """The shop's clock, moved by the test: the order first earns at `clock.now`."""

    class Clock:
        now = PAID

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def paid_order(shop):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    return order


def seller_settlement(tree):
    return Settlement.objects.get(distributor=tree[3])


def test_by_default_commission_is_confirmed_seven_days_after_delivery(shop, tree, clock):
    order = paid_order(shop)
    shop.fulfil(order.order_id, at=PAID)

    # Confirmed on delivery until now; the customer may still return the serum for seven days.
    assert settle_due(now=PAID).confirmed == 0
    assert balance(tree[3], "CNY").pending == SELLER_COMMISSION
    settlement = seller_settlement(tree)
    assert settlement.confirm_due_at == datetime(2030, 3, 8, 10, 0, tzinfo=UTC)
    # T+3 business days from Friday 8 March: Monday, Tuesday, Wednesday.
    assert settlement.available_due_at == datetime(2030, 3, 13, 0, 0, tzinfo=UTC)

    assert settle_due(now=datetime(2030, 3, 8, 9, 59, tzinfo=UTC)).confirmed == 0
    assert settle_due(now=datetime(2030, 3, 8, 10, 0, tzinfo=UTC)).confirmed == 3
    assert balance(tree[3], "CNY").on_hold == SELLER_COMMISSION


def test_without_the_payment_rule_an_order_never_fulfilled_stays_pending(shop, tree, clock):
    paid_order(shop)
    assert seller_settlement(tree).confirm_due_at is None
    assert settle_due(now=PAID + timedelta(days=365)).confirmed == 0
    assert balance(tree[3], "CNY").pending == SELLER_COMMISSION


def test_an_order_never_fulfilled_is_confirmed_the_set_days_after_payment(
    shop, tree, clock, program
):
    program(confirm_days_after_payment="15")
    order = paid_order(shop)

    settlement = seller_settlement(tree)
    # Saturday 16 March 10:00; then T+3 business days: Monday, Tuesday, Wednesday 20 March.
    assert settlement.confirm_due_at == datetime(2030, 3, 16, 10, 0, tzinfo=UTC)
    assert settlement.available_due_at == datetime(2030, 3, 20, 0, 0, tzinfo=UTC)
    assert settle_due(now=datetime(2030, 3, 16, 9, 59, tzinfo=UTC)).confirmed == 0
    assert settle_due(now=datetime(2030, 3, 16, 10, 0, tzinfo=UTC)).confirmed == 3
    assert balance(tree[3], "CNY").on_hold == SELLER_COMMISSION

    # The parcel is recorded as shipped afterwards: nothing changes, the order counts as received.
    clock.now = datetime(2030, 3, 18, 9, 0, tzinfo=UTC)
    shop.fulfil(order.order_id, at=clock.now)
    settlement.refresh_from_db()
    assert settlement.confirmed_at == datetime(2030, 3, 16, 10, 0, tzinfo=UTC)
    assert settlement.available_due_at == datetime(2030, 3, 20, 0, 0, tzinfo=UTC)
    assert settle_due(now=datetime(2030, 3, 20, 0, 0, tzinfo=UTC)).released == 3
    assert balance(tree[3], "CNY").available == SELLER_COMMISSION


def test_a_fulfilment_before_the_payment_deadline_keeps_the_return_days_after_it(
    shop, tree, clock, program
):
    program(confirm_days_after_payment="15")
    order = paid_order(shop)
    # Shipped ten days after payment, before the 15-day deadline: the customer still has seven
    # days after delivery to return it, so confirmation waits until 18 March, not 16 March.
    clock.now = datetime(2030, 3, 11, 10, 0, tzinfo=UTC)
    shop.fulfil(order.order_id, at=clock.now)

    assert seller_settlement(tree).confirm_due_at == datetime(2030, 3, 18, 10, 0, tzinfo=UTC)
    assert settle_due(now=datetime(2030, 3, 16, 10, 0, tzinfo=UTC)).confirmed == 0
    assert settle_due(now=datetime(2030, 3, 18, 10, 0, tzinfo=UTC)).confirmed == 3


def test_a_fulfilment_reported_after_the_deadline_does_not_push_confirmation_back(
    shop, tree, clock, program
):
    program(confirm_days_after_payment="15")
    order = paid_order(shop)
    # The settling task has not run since the deadline (16 March) when the shipment arrives.
    clock.now = datetime(2030, 3, 17, 8, 0, tzinfo=UTC)
    shop.fulfil(order.order_id, at=clock.now)

    settlement = seller_settlement(tree)
    assert settlement.confirm_due_at == datetime(2030, 3, 16, 10, 0, tzinfo=UTC)
    # Already due, so the reconciliation of the fulfilment confirmed it on the spot.
    assert settlement.confirmed_at == clock.now
    assert balance(tree[3], "CNY").on_hold == SELLER_COMMISSION


def test_switching_the_payment_rule_on_reaches_older_orders_when_they_are_reconciled(
    shop, tree, clock, program
):
    paid_order(shop)
    clock.now = PAID + timedelta(days=20)
    program(confirm_days_after_payment="15")
    assert seller_settlement(tree).confirm_due_at is None  # nothing has looked at it since

    # README: after switching it on, re-reconcile as far back as the oldest pending order.
    call_command("wfx_reconcile", "--hours", str(21 * 24), stdout=StringIO())
    settlement = seller_settlement(tree)
    assert settlement.confirm_due_at == PAID + timedelta(days=15)
    # Both dates have passed (confirmed 16 March, hold over 20 March): it catches up at once.
    assert settlement.confirmed_at == settlement.released_at == clock.now
    assert balance(tree[3], "CNY").available == SELLER_COMMISSION
