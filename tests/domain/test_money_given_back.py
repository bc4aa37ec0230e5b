"""Refunds measured in money against the money received for the goods: shipping refunds, gift
cards sold and gift cards paying, worked to the fen."""

from decimal import Decimal

from saleor_wfx_plugin.domain.chain import ReferralChain
from saleor_wfx_plugin.domain.commission import (
    GiftCardPayment,
    OrderLineSnapshot,
    RefundState,
    commission_targets,
    goods_total,
    plan_commissions,
)
from saleor_wfx_plugin.domain.rates import SellerRateBook
from saleor_wfx_plugin.domain.settings import ProgramSettings

D, C, B = 4, 3, 2
SETTINGS = ProgramSettings(
    default_seller_rate=Decimal("10"), level2_rate=Decimal("5"), level3_rate=Decimal("2")
)


def line(line_id, net, *, qty=1, gross=None, gift_card=False):
    return OrderLineSnapshot(
        line_id=line_id,
        quantity=qty,
        net_amount=Decimal(net),
        gross_amount=Decimal(gross if gross is not None else net),
        is_gift_card=gift_card,
    )


def targets(lines, refunds, *, settings=SETTINGS):
    plan = plan_commissions(
        lines=lines,
        chain=ReferralChain.from_ancestry([D, C, B]),
        seller_rates=SellerRateBook(default_rate=settings.default_seller_rate),
        settings=settings,
        eligible_distributor_ids={D, C, B},
        funded_share=refunds.funded_share(),
        currency="CNY",
    )
    return commission_targets(plan, refunds=refunds, cancelled=False, currency="CNY")


def seller(result):
    return {line_id: amount for (line_id, level), amount in result.items() if level == 1}


TWO_UNITS = [line("a", "100"), line("b", "100")]


def paid(lines, *, shipping="0", **state):
    """The state of an order paid in full in money, before any refund."""
    goods = goods_total(lines)
    return RefundState(order_total=goods + Decimal(shipping), goods_total=goods, **state)


def test_a_refund_of_the_shipping_leaves_the_commission_alone():
    # 2 × 100 + 20 shipping; Saleor marks the 20 as shipping (a granted refund with shipping
    # costs included). Measured against the order total it would take 20/220: 9.09 a line.
    refunds = RefundState(
        refunded_amount=Decimal("20"),
        order_total=Decimal("220"),
        goods_total=Decimal("200"),
        refunded_outside_goods=Decimal("20"),
    )
    assert seller(targets(TWO_UNITS, refunds)) == {"a": Decimal("10.00"), "b": Decimal("10.00")}


def test_a_refund_that_names_nothing_is_spread_over_the_goods_not_the_order_total():
    refunds = RefundState(
        refunded_amount=Decimal("20"), order_total=Decimal("220"), goods_total=Decimal("200")
    )
    # 20 of 200 of goods: a tenth of each line, 9.00 (not 9.09).
    assert seller(targets(TWO_UNITS, refunds)) == {"a": Decimal("9.00"), "b": Decimal("9.00")}


def test_shipping_refunded_beside_goods_takes_only_the_goods_part():
    refunds = RefundState(
        refunded_amount=Decimal("70"),
        order_total=Decimal("220"),
        goods_total=Decimal("200"),
        refunded_outside_goods=Decimal("20"),
    )
    # 50 of 200 for goods: a quarter off, 7.50 a line; upline 5 % of 150 = 7.50 in all.
    result = targets(TWO_UNITS, refunds)
    assert seller(result) == {"a": Decimal("7.50"), "b": Decimal("7.50")}
    assert result[("a", 2)] + result[("b", 2)] == Decimal("7.50")


def test_refunds_are_measured_against_goods_with_tax_even_when_tax_is_not_in_the_base():
    # Net 200, gross 226 (13 % VAT), 20 shipping: 113 back is half the goods' money.
    lines = [line("serum", "200", gross="226")]
    refunds = RefundState(
        refunded_amount=Decimal("113"), order_total=Decimal("246"), goods_total=Decimal("226")
    )
    assert seller(targets(lines, refunds)) == {"serum": Decimal("10.00")}


def test_a_gift_card_sold_on_a_line_earns_nothing_and_is_not_goods():
    lines = [line("serum", "299"), line("card", "100", gift_card=True)]
    refunds = paid(lines)
    assert refunds.goods_total == Decimal("299")
    result = targets(lines, refunds)
    assert {line_id for line_id, _ in result} == {"serum"}
    assert seller(result) == {"serum": Decimal("29.90")}


def test_goods_paid_with_a_promotional_gift_card_earn_only_on_the_money_received():
    # The case: 200 of goods, 150 paid by a card staff issued, 50 charged.
    card = GiftCardPayment(amount=Decimal("150"), bought=False)
    refunds = RefundState(order_total=Decimal("50"), goods_total=Decimal("200"), gift_cards=(card,))
    assert refunds.goods_received == Decimal("50")
    result = targets([line("set", "200")], refunds)
    assert result == {
        ("set", 1): Decimal("5.00"),
        ("set", 2): Decimal("2.50"),
        ("set", 3): Decimal("1.00"),
    }


def test_a_refund_on_a_gift_card_order_reverses_in_proportion_to_money():
    card = GiftCardPayment(amount=Decimal("150"), bought=False)
    lines = [line("set", "200")]
    plan_state = RefundState(
        order_total=Decimal("50"), goods_total=Decimal("200"), gift_cards=(card,)
    )
    refunded = RefundState(
        refunded_amount=Decimal("25"),
        order_total=Decimal("50"),
        goods_total=Decimal("200"),
        gift_cards=(card,),
    )
    plan = plan_commissions(
        lines=lines,
        chain=ReferralChain.from_ancestry([D]),
        seller_rates=SellerRateBook(default_rate=Decimal("10")),
        settings=SETTINGS,
        eligible_distributor_ids={D},
        funded_share=plan_state.funded_share(),
        currency="CNY",
    )
    assert [item.base for item in plan] == [Decimal("50.00")]
    # 25 of the 50 received: base 25, 2.50 (halving 20.00 would have left 10.00).
    assert commission_targets(plan, refunds=refunded, cancelled=False, currency="CNY") == {
        ("set", 1): Decimal("2.50")
    }


def test_a_gift_card_a_customer_bought_is_money():
    card = GiftCardPayment(amount=Decimal("150"), bought=True)
    refunds = RefundState(
        refunded_amount=Decimal("25"),
        order_total=Decimal("50"),
        goods_total=Decimal("200"),
        gift_cards=(card,),
    )
    # Base 200; 25 of the 200 received back: 175 × 10 % = 17.50.
    assert seller(targets([line("set", "200")], refunds)) == {"set": Decimal("17.50")}


def test_promotional_cards_earn_when_the_programme_says_so():
    card = GiftCardPayment(amount=Decimal("150"), bought=False)
    refunds = RefundState(
        order_total=Decimal("50"),
        goods_total=Decimal("200"),
        gift_cards=(card,),
        promotional_gift_cards_earn=True,
    )
    assert seller(targets([line("set", "200")], refunds)) == {"set": Decimal("20.00")}


def test_credit_put_back_on_a_promotional_card_is_not_money_given_back():
    # Paid 150 by a promotional card and 50 in money; 150 of goods returned and the 150 put
    # back on the card. The customer keeps 50 of goods paid in money: 5.00 stays.
    card = GiftCardPayment(amount=Decimal("150"), bought=False, refunded=Decimal("150"))
    refunds = RefundState(
        refunded_amount=Decimal("150"),
        order_total=Decimal("200"),
        goods_total=Decimal("200"),
        gift_cards=(card,),
    )
    assert seller(targets([line("a", "100"), line("b", "100")], refunds)) == {
        "a": Decimal("2.50"),
        "b": Decimal("2.50"),
    }


def test_named_units_of_a_gift_card_order_are_reversed_by_the_money_they_were_worth():
    # Two 100 lines, 150 by a promotional card: each line's base is 25. A refund of 25 that
    # names line a gives back all the money a brought in.
    card = GiftCardPayment(amount=Decimal("150"), bought=False)
    refunds = RefundState(
        refunded_amount=Decimal("25"),
        order_total=Decimal("50"),
        goods_total=Decimal("200"),
        refunded_quantities={"a": 1},
        refunded_line_values={"a": Decimal("100")},
        gift_cards=(card,),
    )
    assert seller(targets(TWO_UNITS, refunds)) == {"a": Decimal("0.00"), "b": Decimal("2.50")}


def test_a_promotional_card_pays_for_goods_before_shipping():
    # 200 of goods + 20 shipping; a 210 promotional card leaves 10 charged, which paid shipping.
    card = GiftCardPayment(amount=Decimal("210"), bought=False)
    refunds = RefundState(order_total=Decimal("10"), goods_total=Decimal("200"), gift_cards=(card,))
    assert refunds.goods_received == Decimal("0")
    assert seller(targets(TWO_UNITS, refunds)) == {"a": Decimal("0.00"), "b": Decimal("0.00")}


def test_scaled_bases_add_up_to_the_money_received():
    # Three lines of 10.00 and a 10.00 promotional card: 20.00 received, bases 6.67 6.67 6.66.
    lines = [line("x", "10"), line("y", "10"), line("z", "10")]
    card = GiftCardPayment(amount=Decimal("10"), bought=False)
    refunds = RefundState(order_total=Decimal("20"), goods_total=Decimal("30"), gift_cards=(card,))
    plan = plan_commissions(
        lines=lines,
        chain=ReferralChain.from_ancestry([D]),
        seller_rates=SellerRateBook(default_rate=Decimal("10")),
        settings=SETTINGS,
        eligible_distributor_ids={D},
        funded_share=refunds.funded_share(),
        currency="CNY",
    )
    assert [item.base for item in plan] == [Decimal("6.67"), Decimal("6.67"), Decimal("6.66")]
    assert sum(seller(targets(lines, refunds)).values()) == Decimal("2.00")


def test_whats_left_to_give_back_is_the_total_less_every_refund():
    refunds = RefundState(refunded_amount=Decimal("70.50"), order_total=Decimal("220"))
    assert refunds.refundable_left == Decimal("149.50")
    assert (
        RefundState(refunded_amount=Decimal("300"), order_total=Decimal("220")).refundable_left == 0
    )
