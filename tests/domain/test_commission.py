from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.chain import IllegalLevel, ReferralChain
from saleor_wfx_plugin.domain.commission import (
    OrderLineSnapshot,
    PlannedCommission,
    RefundState,
    commission_targets,
    plan_commissions,
)
from saleor_wfx_plugin.domain.rates import SellerRateBook
from saleor_wfx_plugin.domain.settings import ProgramSettings

D, C, B = 4, 3, 2
SETTINGS = ProgramSettings(
    default_seller_rate=Decimal("10"), level2_rate=Decimal("5"), level3_rate=Decimal("2")
)


def line(line_id, net, *, qty=1, gross=None, product=None, category=None):
    return OrderLineSnapshot(
        line_id=line_id,
        quantity=qty,
        net_amount=Decimal(net),
        gross_amount=Decimal(gross if gross is not None else net),
        product_id=product,
        category_id=category,
    )


def plan(lines, *, settings=SETTINGS, book=None, eligible=(D, C, B)):
    return plan_commissions(
        lines=lines,
        chain=ReferralChain.from_ancestry([D, C, B]),
        seller_rates=book or SellerRateBook(default_rate=settings.default_seller_rate),
        settings=settings,
        eligible_distributor_ids=set(eligible),
    )


def totals_by_level(targets):
    result: dict[int, Decimal] = {}
    for (_, level), amount in targets.items():
        result[level] = result.get(level, Decimal(0)) + amount
    return result


def test_worked_example_mask_and_serum_three_levels():
    # 3 masks at 9.90 and a 299 serum with a 20 % product rate for the seller.
    lines = [line("mask", "29.70", qty=3, product="mask"), line("serum", "299", product="serum")]
    book = SellerRateBook(default_rate=Decimal("10"), product_rates={"serum": Decimal("20")})
    targets = commission_targets(
        plan(lines, book=book), refunds=RefundState(), cancelled=False, currency="CNY"
    )
    assert targets == {
        ("mask", 1): Decimal("2.97"),
        ("serum", 1): Decimal("59.80"),
        # 5 % of 328.70 = 16.435 → 16.44 for the order, split by largest remainder.
        ("mask", 2): Decimal("1.49"),
        ("serum", 2): Decimal("14.95"),
        # 2 % of 328.70 = 6.574 → 6.57.
        ("mask", 3): Decimal("0.59"),
        ("serum", 3): Decimal("5.98"),
    }
    assert totals_by_level(targets) == {
        1: Decimal("62.77"),
        2: Decimal("16.44"),
        3: Decimal("6.57"),
    }


def test_lines_never_drift_from_the_rounded_order_total():
    # Seven lines of 0.15 at 5 %: each line is 0.0075; rounding each alone would give
    # 7 × 0.01 = 0.07, but 5 % of 1.05 is 0.0525 → 0.05.
    lines = [line(f"l{index}", "0.15") for index in range(7)]
    targets = commission_targets(
        plan(lines), refunds=RefundState(), cancelled=False, currency="CNY"
    )
    assert totals_by_level(targets)[2] == Decimal("0.05")
    assert totals_by_level(targets)[1] == Decimal("0.11")  # 10 % of 1.05 = 0.105 → 0.11


def test_shipping_is_not_in_the_base_and_tax_only_when_configured():
    lines = [line("serum", "100", gross="113")]
    without_tax = commission_targets(
        plan(lines), refunds=RefundState(), cancelled=False, currency="CNY"
    )
    with_tax_settings = ProgramSettings(
        default_seller_rate=Decimal("10"),
        level2_rate=Decimal("5"),
        level3_rate=Decimal("2"),
        tax_in_base=True,
    )
    with_tax = commission_targets(
        plan(lines, settings=with_tax_settings),
        refunds=RefundState(),
        cancelled=False,
        currency="CNY",
    )
    assert without_tax[("serum", 1)] == Decimal("10.00")
    assert with_tax[("serum", 1)] == Decimal("11.30")


def test_rates_at_zero_and_hundred_percent():
    # A merchant who pays the whole line must raise the combined cap to 100 % as well.
    settings = ProgramSettings(
        default_seller_rate=Decimal("100"),
        level2_rate=Decimal("0"),
        level3_rate=Decimal("0"),
        max_total_rate=Decimal("100"),
    )
    targets = commission_targets(
        plan([line("a", "59.99")], settings=settings),
        refunds=RefundState(),
        cancelled=False,
        currency="CNY",
    )
    assert targets == {("a", 1): Decimal("59.99"), ("a", 2): Decimal("0"), ("a", 3): Decimal("0")}


def test_zero_and_negative_lines_earn_nothing_and_take_nothing():
    lines = [line("free-gift", "0"), line("adjustment", "-20"), line("serum", "100")]
    targets = commission_targets(
        plan(lines), refunds=RefundState(), cancelled=False, currency="CNY"
    )
    assert targets[("free-gift", 1)] == Decimal("0")
    assert targets[("adjustment", 1)] == Decimal("0")
    assert targets[("serum", 1)] == Decimal("10.00")


def test_level_setting_of_two_pays_seller_and_upline_only():
    settings = ProgramSettings(commission_levels=2)
    levels = {item.level for item in plan([line("a", "100")], settings=settings)}
    assert levels == {1, 2}


def test_an_ineligible_upline_is_skipped_and_nobody_moves_up():
    planned = plan([line("a", "100")], eligible=(D, B))
    assert [(item.level, item.distributor_id) for item in planned] == [(1, D), (3, B)]


def test_a_planned_commission_cannot_be_at_level_four():
    with pytest.raises(IllegalLevel):
        PlannedCommission("a", 4, 1, Decimal("1"), Decimal("100"), 1)


def test_pro_rata_refund_by_amount_reverses_the_same_share():
    lines = [line("a", "100"), line("b", "300")]
    # The order charged 410 (10 shipping); 205 back is half of it.
    refunds = RefundState(refunded_amount=Decimal("205"), order_total=Decimal("410"))
    targets = commission_targets(plan(lines), refunds=refunds, cancelled=False, currency="CNY")
    assert targets[("a", 1)] == Decimal("5.00")
    assert targets[("b", 1)] == Decimal("15.00")
    assert totals_by_level(targets)[2] == Decimal("10.00")


def test_refund_of_named_lines_reverses_only_those_lines():
    lines = [line("mask", "29.70", qty=3), line("serum", "299")]
    refunds = RefundState(
        refunded_amount=Decimal("9.90"),
        order_total=Decimal("328.70"),
        refunded_quantities={"mask": 1},
        refunded_line_values={"mask": Decimal("9.90")},
    )
    targets = commission_targets(plan(lines), refunds=refunds, cancelled=False, currency="CNY")
    assert targets[("mask", 1)] == Decimal("1.98")  # two masks left: 19.80 × 10 %
    assert targets[("serum", 1)] == Decimal("29.90")


def test_a_named_line_refund_plus_a_money_refund_both_count():
    lines = [line("a", "100"), line("b", "100")]
    # Line a comes back (100) and another 50 is refunded without naming a line: half of b.
    refunds = RefundState(
        refunded_amount=Decimal("150"),
        order_total=Decimal("200"),
        refunded_quantities={"a": 1},
        refunded_line_values={"a": Decimal("100")},
    )
    targets = commission_targets(plan(lines), refunds=refunds, cancelled=False, currency="CNY")
    assert (targets[("a", 1)], targets[("b", 1)]) == (Decimal("0.00"), Decimal("5.00"))


def test_a_goodwill_refund_against_a_line_reverses_only_what_it_paid_back():
    lines = [line("a", "100"), line("b", "100")]
    refunds = RefundState(
        refunded_amount=Decimal("10"),
        order_total=Decimal("200"),
        refunded_quantities={"a": 1},
        refunded_line_values={"a": Decimal("100")},
    )
    targets = commission_targets(plan(lines), refunds=refunds, cancelled=False, currency="CNY")
    assert (targets[("a", 1)], targets[("b", 1)]) == (Decimal("9.00"), Decimal("10.00"))


def test_full_refund_and_cancellation_reverse_everything():
    lines = [line("a", "100")]
    full = RefundState(
        refunded_amount=Decimal("100"), order_total=Decimal("100"), fully_refunded=True
    )
    for targets in (
        commission_targets(plan(lines), refunds=full, cancelled=False, currency="CNY"),
        commission_targets(plan(lines), refunds=RefundState(), cancelled=True, currency="CNY"),
    ):
        assert set(targets.values()) == {Decimal("0")}


def test_a_refund_larger_than_the_order_reverses_all_and_no_more():
    refunds = RefundState(refunded_amount=Decimal("500"), order_total=Decimal("100"))
    assert refunds.over_refunded
    targets = commission_targets(
        plan([line("a", "100")]), refunds=refunds, cancelled=False, currency="CNY"
    )
    assert set(targets.values()) == {Decimal("0")}


@pytest.mark.parametrize(
    ("currency", "net", "seller", "upline"),
    [
        ("JPY", "1999", "200", "100"),
        ("KWD", "12.345", "1.235", "0.617"),
        ("USD", "0.99", "0.10", "0.05"),
    ],
)
def test_amounts_use_each_currencys_minor_unit(currency, net, seller, upline):
    targets = commission_targets(
        plan([line("a", net)]), refunds=RefundState(), cancelled=False, currency=currency
    )
    assert targets[("a", 1)] == Decimal(seller)
    assert targets[("a", 2)] == Decimal(upline)


def test_a_line_over_the_combined_cap_is_capped_highest_level_first():
    # Serum 299.00 with a 30 % product rate for the seller; the merchant typed 15 for level 2 and
    # 5 for level 3: 50 % of the line, above the 40 % cap. Level 3 gives its 5, level 2 another 5.
    settings = ProgramSettings(
        default_seller_rate=Decimal("10"), level2_rate=Decimal("15"), level3_rate=Decimal("5")
    )
    book = SellerRateBook(default_rate=Decimal("10"), product_rates={"serum": Decimal("30")})
    lines = [line("serum", "299.00", product="serum"), line("mask", "29.70", product="mask")]
    planned = plan(lines, settings=settings, book=book)

    rates = {(item.line_id, item.level): (item.rate, item.uncapped_rate) for item in planned}
    assert rates == {
        ("serum", 1): (Decimal("30"), None),
        ("serum", 2): (Decimal("10"), Decimal("15")),
        ("serum", 3): (Decimal("0"), Decimal("5")),
        # The mask pays 10 + 15 + 5 = 30 %: under the cap, untouched.
        ("mask", 1): (Decimal("10"), None),
        ("mask", 2): (Decimal("15"), None),
        ("mask", 3): (Decimal("5"), None),
    }
    targets = commission_targets(planned, refunds=RefundState(), cancelled=False, currency="CNY")
    # 30 % of 299.00 = 89.70; level 2: 10 % of 299.00 + 15 % of 29.70 = 29.90 + 4.455 = 34.355
    # → 34.36 for the order; level 3: 5 % of 29.70 = 1.485 → 1.49. The serum pays 119.60, 40 %.
    assert totals_by_level(targets) == {
        1: Decimal("92.67"),
        2: Decimal("34.36"),
        3: Decimal("1.49"),
    }
    assert targets[("serum", 1)] + targets[("serum", 2)] + targets[("serum", 3)] == Decimal(
        "119.60"
    )


def test_only_the_levels_paid_count_towards_the_cap():
    # A seller at 45 % with no one above them is capped at 40; with an upline at 5 % and the
    # grand upline suspended, 45 + 5 = 50 is capped by taking the upline's 5 and 5 of the
    # seller's, leaving 40 / 0.
    settings = ProgramSettings(default_seller_rate=Decimal("45"))
    alone = plan_commissions(
        lines=[line("a", "100")],
        chain=ReferralChain.from_ancestry([D]),
        seller_rates=SellerRateBook(default_rate=Decimal("45")),
        settings=settings,
        eligible_distributor_ids={D},
    )
    assert [(item.level, item.rate, item.uncapped_rate) for item in alone] == [
        (1, Decimal("40"), Decimal("45"))
    ]
    without_grand_upline = plan([line("a", "100")], settings=settings, eligible=(D, C))
    assert [(item.level, item.rate, item.uncapped_rate) for item in without_grand_upline] == [
        (1, Decimal("40"), Decimal("45")),
        (2, Decimal("0"), Decimal("5")),
    ]


def test_rates_at_the_cap_are_paid_in_full():
    settings = ProgramSettings(
        default_seller_rate=Decimal("33"), level2_rate=Decimal("5"), level3_rate=Decimal("2")
    )
    planned = plan([line("a", "100")], settings=settings)
    assert [(item.rate, item.uncapped_rate) for item in planned] == [
        (Decimal("33"), None),
        (Decimal("5"), None),
        (Decimal("2"), None),
    ]
