"""A payout is requested or approved only while the distributor's net position in its currency
(available plus every settlement still in the T+N hold, negative ones included) covers it: an
early withdrawal must never get round a clawback."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    mark_paid,
    request_payout,
)
from tests.services.helpers import staff_adjusts_balance

pytestmark = pytest.mark.django_db

# 1,000 of goods at the seller's 10 %: 100.00 of commission per order.
GOODS = SimulatedLine("Tea set", Decimal("1000.00"), product_id="tea")
WALLET = PayeeDetails("alipay", "王小明", "13812345678", "", "11010519491231002X")
# Fulfilled on a Friday; T+3 business days ends when Wednesday begins.
FRIDAY = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
WEDNESDAY = datetime(2030, 3, 6, 0, 0, tzinfo=UTC)


@pytest.fixture
def early_on(program):
    return program(
        commission_levels="1",
        confirm_days_after_fulfilment="0",
        settlement_days="3",
        early_withdrawal="true",
        early_withdrawal_fee_rate="0.5",
        tax_policy="none",
        second_approval_above="",
    )


def delivered_order(shop):
    order = shop.place_order([GOODS], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=FRIDAY)
    settle_due(now=FRIDAY)
    return order


def ask(distributor, amount, key, program, *, early):
    return request_payout(
        distributor,
        currency="CNY",
        amount=amount,
        payee=WALLET,
        idempotency_key=key,
        actor=f"user:{distributor.user_id}",
        program=program,
        early=early,
    )


def refused(callable_, *args, **kwargs) -> str:
    with pytest.raises(PayoutError) as error:
        callable_(*args, **kwargs)
    return error.value.code


def test_an_early_withdrawal_cannot_spend_commission_a_refund_already_took_back(
    shop, tree, early_on
):
    """The issue's worked case: without the rule, 199.00 leaves against 100.00 earned."""
    d = tree[3]
    first = delivered_order(shop)
    paid = ask(d, "100", "first", early_on, early=True)
    mark_paid(
        approve_payout(paid, actor="user:900", program=early_on),
        actor="user:900",
        transfer_reference="T-1",
    )
    # The goods come back while their hold still runs: that order's hold is now -100.00.
    shop.refund(first.order_id, Decimal("1000.00"))
    delivered_order(shop)
    now = balance(d, "CNY")
    assert (now.available, now.on_hold, now.paid, now.fees) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("99.50"),
        Decimal("0.50"),
    )

    # Net position: 0.00 available + (-100.00 + 100.00) on hold = 0.00.
    assert refused(ask, d, "99", "second", early_on, early=True) == "insufficient_funds"
    assert refused(ask, d, "10", "third", early_on, early=True) == "insufficient_funds"
    assert balance(d, "CNY").reserved == 0
    # When both holds end, the second order's commission pays off the first one's refund.
    settle_due(now=WEDNESDAY)
    assert balance(d, "CNY").available == Decimal("0.00")


def test_early_withdrawal_takes_only_the_net_of_the_hold(shop, tree, early_on):
    d = tree[3]
    first = delivered_order(shop)
    mark_paid(
        approve_payout(
            ask(d, "60", "first", early_on, early=True), actor="user:900", program=early_on
        ),
        actor="user:900",
        transfer_reference="T-1",
    )
    shop.refund(first.order_id, Decimal("1000.00"))  # first hold: 40.00 - 100.00 = -60.00
    delivered_order(shop)  # second hold: +100.00
    assert balance(d, "CNY").on_hold == Decimal("40.00")

    assert refused(ask, d, "41", "too-much", early_on, early=True) == "insufficient_funds"
    payout = ask(d, "40", "net", early_on, early=True)
    assert (payout.early_amount, payout.fee) == (Decimal("40.00"), Decimal("0.20"))
    now = balance(d, "CNY")
    assert (now.on_hold, now.reserved) == (Decimal("0.00"), Decimal("40.00"))


def test_a_clawback_in_the_hold_stops_the_approval_of_a_waiting_payout(shop, tree, early_on):
    d = tree[3]
    first = delivered_order(shop)
    mark_paid(
        approve_payout(
            ask(d, "100", "early", early_on, early=True), actor="user:900", program=early_on
        ),
        actor="user:900",
        transfer_reference="T-1",
    )
    staff_adjusts_balance(
        distributor_id=d.pk,
        currency="CNY",
        amount=Decimal("50"),
        actor="user:900",
        reason="goodwill",
    )
    waiting = ask(d, "50", "waiting", early_on, early=False)
    shop.refund(first.order_id, Decimal("1000.00"))
    # Available is 0.00 (not negative), but the hold owes 100.00: the net position is -100.00.
    assert balance(d, "CNY").available == Decimal("0.00")
    assert refused(approve_payout, waiting, actor="user:900", program=early_on) == (
        "negative_balance"
    )


def test_a_request_from_available_money_waits_for_a_clawback_on_hold(shop, tree, early_on):
    d = tree[3]
    first = delivered_order(shop)
    mark_paid(
        approve_payout(
            ask(d, "100", "early", early_on, early=True), actor="user:900", program=early_on
        ),
        actor="user:900",
        transfer_reference="T-1",
    )
    shop.refund(first.order_id, Decimal("1000.00"))
    staff_adjusts_balance(
        distributor_id=d.pk,
        currency="CNY",
        amount=Decimal("80"),
        actor="user:900",
        reason="goodwill",
    )
    # 80.00 available, -100.00 on hold: paying the 80.00 would leave 100.00 paid against 80.00.
    assert refused(ask, d, "20", "from-available", early_on, early=False) == "negative_balance"


def test_without_a_clawback_the_rules_are_unchanged(shop, tree, early_on):
    d = tree[3]
    delivered_order(shop)
    staff_adjusts_balance(
        distributor_id=d.pk,
        currency="CNY",
        amount=Decimal("30"),
        actor="user:900",
        reason="goodwill",
    )
    assert refused(ask, d, "31", "too-much", early_on, early=False) == "insufficient_funds"
    payout = ask(d, "130", "all", early_on, early=True)
    assert (payout.early_amount, payout.fee) == (Decimal("100.00"), Decimal("0.50"))
