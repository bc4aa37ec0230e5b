"""The rule simulator with worked numbers: a draft against settled lines, compared with what
they paid."""

from datetime import date
from decimal import Decimal

from saleor_wfx_plugin.domain.growth import GrowthRules, LadderBracket, SettledLine
from saleor_wfx_plugin.domain.simulator import DraftProgramme, SimulatedLine, simulate

D = Decimal
A, B, C = 1, 2, 3
MARCH = date(2025, 3, 1)
RATES = {1: D("10"), 2: D("5"), 3: D("2")}


def draft(**changes):
    values = {
        "default_seller_rate": D("10"),
        "level2_rate": D("5"),
        "level3_rate": D("2"),
        "commission_levels": 3,
        "max_total_rate": D("40"),
    }
    return DraftProgramme(**{**values, **changes})


def sold(order, base, *, rates=RATES, kept="1", product=None):
    return SimulatedLine(
        SettledLine(order, "l1", "CNY", D(base), D(kept), (C, B, A), rates), MARCH, product
    )


# What 10 / 5 / 2 % paid on 20,000.00 of C's sales.
PAID = {(C, "CNY"): D("2000.00"), (B, "CNY"): D("1000.00"), (A, "CNY"): D("400.00")}


def test_the_current_rates_change_nothing():
    result = simulate([sold(1, "12000"), sold(2, "8000")], draft(), paid=PAID)
    assert {key: (o.was, o.would_be) for key, o in result.distributors.items()} == {
        (C, "CNY"): (D("2000.00"), D("2000.00")),
        (B, "CNY"): (D("1000.00"), D("1000.00")),
        (A, "CNY"): (D("400.00"), D("400.00")),
    }
    totals = result.currencies["CNY"]
    assert (totals.referred_sales, totals.was_share, totals.share_change) == (
        D("20000"),
        D("17.00"),
        D("0.00"),
    )


def test_a_ladder_draft_shows_its_cost_per_distributor_and_as_a_share_of_sales():
    """The article's ladder on C's 20,000: +5 % = 1,000.00 more for C; commission cost goes from
    17 % to 22 % of referred sales."""
    ladder = GrowthRules("CNY", ladder=(LadderBracket(D("10000"), D("15")),))
    result = simulate([sold(1, "12000"), sold(2, "8000")], draft(rules={"CNY": ladder}), paid=PAID)
    assert result.distributors[(C, "CNY")].change == D("1000.00")
    totals = result.currencies["CNY"]
    assert (totals.was, totals.would_be, totals.would_be_share, totals.share_change) == (
        D("3400.00"),
        D("4400.00"),
        D("22.00"),
        D("5.00"),
    )


def test_a_draft_over_the_cap_lists_the_lines_it_cuts():
    """Level 2 at 50 % (meant 5) under a 40 % cap: 10 + 50 + 2 = 62, level 3 gives its 2 and
    level 2 another 20, leaving 10 / 30 / 0; the line is reported, the cost bounded."""
    result = simulate([sold(1, "1000")], draft(level2_rate=D("50")), paid=PAID)
    assert result.distributors[(B, "CNY")].would_be == D("300.00")
    assert result.distributors[(A, "CNY")].would_be == D("0")
    assert result.capped_count == 2
    assert {
        (cut.distributor_id, cut.wanted_rate, cut.paid_rate) for cut in result.capped_lines
    } == {
        (B, D("50"), D("30")),
        (A, D("2"), D("0")),
    }


def test_a_product_rate_and_refunds_are_applied_as_the_plan_would():
    result = simulate(
        [sold(1, "1000", kept="0.5", product="serum")],
        draft(product_rates={"serum": D("20")}),
        paid={},
    )
    assert result.distributors[(C, "CNY")].would_be == D("100.00")


def test_a_level_the_plan_did_not_pay_stays_unpaid_and_two_levels_drop_the_third():
    two_levels = {1: D("10"), 2: D("5")}
    result = simulate([sold(1, "1000", rates=two_levels)], draft(), paid={})
    assert (A, "CNY") not in result.distributors
    result = simulate([sold(1, "1000")], draft(commission_levels=2), paid={})
    assert (A, "CNY") not in result.distributors


def test_an_order_of_several_lines_is_rounded_once_per_level_as_the_plan_posts_it():
    """Two lines of 0.05 at 10 %: 0.005 + 0.005 = 0.01 for the order, as the engine posts it
    (rounded per order and level, `commission_targets`), not 0.01 + 0.01 rounded per line."""
    lines = [
        SimulatedLine(SettledLine(1, line_id, "CNY", D("0.05"), D("1"), (C, B, A), RATES), MARCH)
        for line_id in ("l1", "l2")
    ]
    result = simulate(lines, draft(), paid={})
    assert result.distributors[(C, "CNY")].would_be == D("0.01")
