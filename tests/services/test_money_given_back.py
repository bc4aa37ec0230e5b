"""Money given back reverses commission however it goes back: a chargeback, a refund of shipping,
a refund on an order a gift card paid for, and a refund made in the payment provider's console
that staff record. Amounts to the fen, from the ledger."""

from decimal import Decimal

import pytest
from django.db import transaction

from saleor_wfx_plugin.domain.commission import GiftCardPayment
from saleor_wfx_plugin.errors import OrderError
from saleor_wfx_plugin.models import CommissionLine, ExternalRefund, LedgerEntry
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.services.refunds import reverse_order_commission
from saleor_wfx_plugin.tasks import process_order_event

from .conftest import SERUM
from .helpers import entry_count, net_by_level

pytestmark = pytest.mark.django_db

VASE = SimulatedLine("Vase", Decimal("100.00"), quantity=2, product_id="vase")
GIFT_CARD = SimulatedLine("Gift card 100", Decimal("100.00"), is_gift_card=True)
SET_200 = SimulatedLine("Tea set", Decimal("200.00"), product_id="tea-set")
# 10 % of 299, 5 %, 2 %.
SERUM_COMMISSION = {
    1: ("DDD444", Decimal("29.90")),
    2: ("CCC333", Decimal("14.95")),
    3: ("BBB222", Decimal("5.98")),
}


def amounts(order):
    return {level: amount for level, (_, amount) in net_by_level(order).items()}


# --- Chargebacks --------------------------------------------------------------------------------
def test_a_chargeback_reverses_commission_like_a_refund(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", shipping=Decimal("10"))
    shop.pay(order.order_id)
    # The customer disputes 149.50 of the 309 charged; Saleor fires only order_updated.
    shop.charge_back(order.order_id, Decimal("149.50"))
    # Half the goods' money: 14.95, 7.475 → 7.48, 2.99.
    assert amounts(order) == {1: Decimal("14.95"), 2: Decimal("7.48"), 3: Decimal("2.99")}
    assert set(
        LedgerEntry.objects.commission().filter(kind="reversal").values_list("event", flat=True)
    ) == {"order_updated"}
    # order_updated fires often: again and again it posts nothing.
    for _ in range(3):
        assert process_order_event(order.order_id, "order_updated") == 0


def test_a_chargeback_of_everything_reverses_everything(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", shipping=Decimal("10"))
    shop.pay(order.order_id)
    shop.charge_back(order.order_id, Decimal("309"))
    assert set(amounts(order).values()) == {Decimal("0")}


# --- Shipping ------------------------------------------------------------------------------------
def test_a_shipping_refund_leaves_the_commission_alone(shop, tree):
    order = shop.place_order([VASE], referral_code="DDD444", shipping=Decimal("20"))
    shop.pay(order.order_id)
    shop.refund(order.order_id, Decimal("20"), shipping=Decimal("20"))
    assert amounts(order) == {1: Decimal("20.00"), 2: Decimal("10.00"), 3: Decimal("4.00")}
    assert not LedgerEntry.objects.commission().filter(kind="reversal").exists()


def test_an_unmarked_refund_is_taken_from_the_goods(shop, tree):
    order = shop.place_order([VASE], referral_code="DDD444", shipping=Decimal("20"))
    shop.pay(order.order_id)
    shop.refund(order.order_id, Decimal("20"))
    # 20 of 200 of goods: 18.00 (against the 220 total it would be 18.18).
    assert amounts(order) == {1: Decimal("18.00"), 2: Decimal("9.00"), 3: Decimal("3.60")}


# --- Gift cards ----------------------------------------------------------------------------------
def test_a_gift_card_line_earns_nothing(shop, tree):
    order = shop.place_order([SERUM, GIFT_CARD], referral_code="DDD444")
    shop.pay(order.order_id)
    assert net_by_level(order) == SERUM_COMMISSION
    card_line = next(line for line in order.lines if line.is_gift_card)
    assert not CommissionLine.objects.filter(order_line_id=card_line.line_id).exists()


def test_refunding_the_gift_card_line_takes_nothing_from_the_goods(shop, tree):
    order = shop.place_order([SERUM, GIFT_CARD], referral_code="DDD444")
    shop.pay(order.order_id)
    card_line = next(line for line in order.lines if line.is_gift_card)
    shop.refund(order.order_id, Decimal("100"), line_quantities={card_line.line_id: 1})
    assert net_by_level(order) == SERUM_COMMISSION


PROMOTIONAL_150 = GiftCardPayment(amount=Decimal("150"), bought=False)


def test_goods_a_promotional_gift_card_paid_for_earn_nothing_and_refunds_go_by_money(shop, tree):
    # 200 of goods, 150 by a card staff issued, 50 charged: the base is the 50 received.
    order = shop.place_order([SET_200], referral_code="DDD444", gift_cards=[PROMOTIONAL_150])
    shop.pay(order.order_id)
    assert CommissionLine.objects.get(level=1).base == Decimal("50.00")
    assert amounts(order) == {1: Decimal("5.00"), 2: Decimal("2.50"), 3: Decimal("1.00")}
    # 25 back is half the money: half the commission (halving 20.00 would leave 10.00).
    shop.refund(order.order_id, Decimal("25"))
    assert amounts(order) == {1: Decimal("2.50"), 2: Decimal("1.25"), 3: Decimal("0.50")}
    shop.refund(order.order_id, Decimal("25"))
    assert set(amounts(order).values()) == {Decimal("0")}


def test_goods_a_bought_gift_card_paid_for_earn_in_full(shop, tree):
    bought = GiftCardPayment(amount=Decimal("150"), bought=True)
    order = shop.place_order([SET_200], referral_code="DDD444", gift_cards=[bought])
    shop.pay(order.order_id)
    assert amounts(order) == {1: Decimal("20.00"), 2: Decimal("10.00"), 3: Decimal("4.00")}


def test_the_promotional_card_rule_is_frozen_when_the_order_first_earns(shop, tree, program):
    before = shop.place_order([SET_200], referral_code="DDD444", gift_cards=[PROMOTIONAL_150])
    shop.pay(before.order_id)
    program(promotional_gift_cards_earn="true")
    process_order_event(before.order_id, "sweep")
    assert amounts(before)[1] == Decimal("5.00")
    # A refund of that order is still measured against the 50 it brought in.
    shop.refund(before.order_id, Decimal("25"))
    assert amounts(before)[1] == Decimal("2.50")

    after = shop.place_order(
        [SET_200], referral_code="DDD444", gift_cards=[PROMOTIONAL_150], email="x@example.com"
    )
    shop.pay(after.order_id)
    assert amounts(after)[1] == Decimal("20.00")


# --- Refunds made outside Saleor ----------------------------------------------------------------
def reverse(order, program, **overrides):
    arguments = {
        "order_id": order.order_id,
        "amount": None,
        "currency": "CNY",
        "everything": False,
        "reason": "Refunded in the Alipay merchant console",
        "actor": "user:900",
        "idempotency_key": "console-1",
        "settings": program(),
        **overrides,
    }
    from saleor_wfx_plugin.sandbox.simulator import SimulatedShop

    return reverse_order_commission(SimulatedShop(), **arguments)


def test_staff_reverse_commission_for_a_refund_made_in_the_providers_console(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444", shipping=Decimal("10"))
    shop.pay(order.order_id)
    record = reverse(order, program, amount=Decimal("74.75"))
    # A quarter of the 299 of goods: 22.425 → 22.43, 11.2125 → 11.21, 4.485 → 4.49.
    assert amounts(order) == {1: Decimal("22.43"), 2: Decimal("11.21"), 3: Decimal("4.49")}
    assert (record.amount, record.currency, record.actor) == (
        Decimal("74.75"),
        "CNY",
        "user:900",
    )
    assert record.reason == "Refunded in the Alipay merchant console"
    assert set(
        LedgerEntry.objects.commission().filter(kind="reversal").values_list("event", flat=True)
    ) == {"external_refund"}


def test_later_events_keep_a_reversal_staff_recorded(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    reverse(order, program, amount=Decimal("149.50"))
    for event in ("order_updated", "order_fully_paid", "sweep"):
        assert process_order_event(order.order_id, event) == 0
    assert amounts(order)[1] == Decimal("14.95")
    # A later refund in Saleor adds to it: 149.50 + 74.75 of 299 → a quarter left.
    shop.refund(order.order_id, Decimal("74.75"))
    assert amounts(order) == {1: Decimal("7.48"), 2: Decimal("3.74"), 3: Decimal("1.50")}


def test_staff_may_reverse_everything(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    record = reverse(order, program, everything=True, currency=None)
    assert (record.amount, record.everything) == (None, True)
    assert set(amounts(order).values()) == {Decimal("0")}
    with pytest.raises(OrderError) as refused:
        reverse(order, program, amount=Decimal("1"), idempotency_key="console-2")
    assert refused.value.code == "nothing_to_reverse"


def test_a_retried_reversal_records_and_reverses_once(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    first = reverse(order, program, amount=Decimal("100"))
    again = reverse(order, program, amount=Decimal("100.00"))
    assert again.pk == first.pk
    assert ExternalRefund.objects.count() == 1
    assert amounts(order)[1] == Decimal("19.90")  # 199 of 299 kept
    with pytest.raises(OrderError) as refused:
        reverse(order, program, amount=Decimal("50"))
    assert (refused.value.code, refused.value.field) == ("idempotency_conflict", "idempotencyKey")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"amount": Decimal("299.01")}, "exceeds_remaining", "amount"),
        ({"amount": Decimal("-5")}, "invalid_amount", "amount"),
        ({"amount": Decimal("0")}, "invalid_amount", "amount"),
        ({"amount": Decimal("10.005")}, "invalid_amount", "amount"),
        ({"amount": Decimal("10"), "currency": "USD"}, "currency_mismatch", "currency"),
        ({"amount": Decimal("10"), "currency": None}, "required", "currency"),
        ({"amount": Decimal("10"), "reason": "  "}, "reason_required", "reason"),
        ({"amount": Decimal("10"), "idempotency_key": ""}, "required", "idempotencyKey"),
        ({"amount": Decimal("10"), "everything": True}, "invalid", "amount"),
        ({}, "required", "amount"),
    ],
)
def test_bad_reversals_are_refused_and_change_nothing(shop, tree, program, overrides, code, field):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    entries = entry_count(order)
    with pytest.raises(OrderError) as refused:
        reverse(order, program, **overrides)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not ExternalRefund.objects.exists()
    assert entry_count(order) == entries
    assert net_by_level(order) == SERUM_COMMISSION


def test_no_more_than_is_left_of_the_order_can_be_reversed(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444", shipping=Decimal("10"))
    shop.pay(order.order_id)
    shop.refund(order.order_id, Decimal("200"))
    with pytest.raises(OrderError) as refused:
        reverse(order, program, amount=Decimal("109.01"))
    assert refused.value.code == "exceeds_remaining"
    assert "109.00 CNY" in str(refused.value)
    reverse(order, program, amount=Decimal("109.00"))
    assert set(amounts(order).values()) == {Decimal("0")}


def test_an_order_without_commission_cannot_be_reversed(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="NOPE99")
    shop.pay(order.order_id)
    with pytest.raises(OrderError) as refused:
        reverse(order, program, amount=Decimal("10"))
    assert refused.value.code == "not_found"


def test_a_reversal_recorded_before_the_order_earns_applies_when_it_does(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444")
    reverse(order, program, amount=Decimal("149.50"))
    assert entry_count(order) == 0
    shop.pay(order.order_id)
    assert amounts(order)[1] == Decimal("14.95")


def test_recorded_reversals_cannot_be_rewritten(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    reverse(order, program, amount=Decimal("10"))
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ExternalRefund.objects.update(amount=Decimal("1"))
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ExternalRefund.objects.all().delete()
    with pytest.raises(RuntimeError):
        ExternalRefund.objects.get().save()
