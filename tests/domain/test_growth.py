"""Growth rules with the article's numbers, to the fen: ladder ≥ 10,000 → 15 %, ≥ 30,000 → 20 %;
team sales ≥ 100,000 → +1 %; same-grade and per-order bonuses; the combined cap and the three
levels bound every one of them."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.growth import (
    GrowthRules,
    InvalidGrowthRules,
    LadderBracket,
    MonthFacts,
    Rule,
    SettledLine,
    amount_now,
    bracket_rate,
    month_awards,
)

D = Decimal
LADDER = (LadderBracket(D("10000"), D("15")), LadderBracket(D("30000"), D("20")))
A, B, C, X = 1, 2, 3, 4  # A recruited B, B recruited C; X recruited A (a fourth generation)


def line(order, base, *, chain=(C, B, A), rates=None, kept="1", line_id="l1", currency="CNY"):
    return SettledLine(
        order_key=order,
        line_id=line_id,
        currency=currency,
        base=D(base),
        kept=D(kept),
        chain=chain,
        rates=rates if rates is not None else {1: D("10"), 2: D("5"), 3: D("2")},
    )


def facts(own=None, team=None, grades=None, levels=3, cap="100"):
    return MonthFacts(
        own_sales={k: D(v) for k, v in (own or {}).items()},
        team_sales={k: D(v) for k, v in (team or {}).items()},
        grades=grades or {},
        commission_levels=levels,
        max_total_rate=D(cap),
    )


@pytest.mark.parametrize(
    ("sales", "rate"),
    [("9999.99", None), ("10000", "15"), ("29999.99", "15"), ("30000", "20"), ("95000", "20")],
)
def test_the_articles_ladder_brackets(sales, rate):
    assert bracket_rate(D(sales), LADDER) == (D(rate) if rate else None)


def test_ladder_tops_each_order_up_to_the_bracket_rate_on_its_base():
    """C sold 12,345.67 at 10 %: the 15 % bracket adds 5 % of each order's base."""
    rules = GrowthRules("CNY", ladder=LADDER)
    lines = [line(1, "10000.00"), line(2, "2345.67")]
    result = month_awards(rules, lines, facts(own={C: "12345.67"}))
    assert [(a.rule, a.distributor_id, a.order_key, a.rate, a.amount) for a in result.awards] == [
        (Rule.LADDER, C, 1, D("5"), D("500.00")),
        (Rule.LADDER, C, 2, D("5"), D("117.28")),  # 117.2835 rounds half-up to the fen
    ]


def test_ladder_at_30000_pays_the_difference_to_20_percent_and_nothing_below_10000():
    rules = GrowthRules("CNY", ladder=LADDER)
    rich = month_awards(rules, [line(1, "30000.00")], facts(own={C: "30000"}))
    assert [(a.rate, a.amount) for a in rich.awards] == [(D("10"), D("3000.00"))]
    poor = month_awards(rules, [line(1, "9999.99")], facts(own={C: "9999.99"}))
    assert poor.awards == []


def test_an_order_already_earning_more_than_the_bracket_gets_no_top_up():
    rules = GrowthRules("CNY", ladder=LADDER)
    result = month_awards(rules, [line(1, "20000", rates={1: D("25")})], facts(own={C: "20000"}))
    assert result.awards == []


def test_a_partly_refunded_order_tops_up_only_the_kept_share():
    rules = GrowthRules("CNY", ladder=LADDER)
    result = month_awards(rules, [line(1, "12000.00", kept="0.75")], facts(own={C: "12000"}))
    (award,) = result.awards
    assert (award.full_amount, award.amount) == (D("600.00"), D("450.00"))
    assert amount_now(award.full_amount, D("0"), "CNY") == D("0.00")


def test_team_bonus_pays_one_percent_of_team_sales_to_the_distributor_who_reached_100000():
    """A's team (A, B, C) sold 100,000.00: A earns 1 % of every line, B and C (below it) nothing."""
    rules = GrowthRules("CNY", team_threshold=D("100000"), team_extra_rate=D("1"))
    lines = [line(1, "60000.00"), line(2, "40000.00", chain=(B, A, None))]
    result = month_awards(rules, lines, facts(team={A: "100000", B: "100000", C: "60000"}))
    by = result.total_by_distributor()
    assert by[(A, Rule.TEAM)] == D("1000.00")
    # B's team sales count too (B and C sold 100,000), so B earns on both lines as well.
    assert by[(B, Rule.TEAM)] == D("1000.00")
    assert (C, Rule.TEAM) not in by


def test_team_bonus_below_the_threshold_pays_nothing():
    rules = GrowthRules("CNY", team_threshold=D("100000"), team_extra_rate=D("1"))
    result = month_awards(rules, [line(1, "99999.99")], facts(team={A: "99999.99"}))
    assert result.awards == []


def test_with_two_levels_the_grand_upline_earns_no_team_or_per_order_bonus():
    rules = GrowthRules(
        "CNY", team_threshold=D("100"), team_extra_rate=D("1"), per_order_amount=D("2.00")
    )
    result = month_awards(rules, [line(1, "1000")], facts(team={A: "1000"}, levels=2))
    assert {a.distributor_id for a in result.awards} == {B}  # B's per-order bonus only
    assert {a.level for a in result.awards} == {2}


def test_same_grade_bonus_pays_the_direct_upline_a_share_of_the_downlines_own_commission():
    """C and B are both gold: B earns 10 % of C's 10 % commission on 5,000 = 50.00; A, gold too,
    two levels above C, earns no same-grade bonus (level 2 only)."""
    rules = GrowthRules("CNY", same_grade_share=D("10"))
    result = month_awards(rules, [line(1, "5000.00")], facts(grades={A: 7, B: 7, C: 7}))
    assert [(a.distributor_id, a.level, a.amount) for a in result.awards] == [(B, 2, D("50.00"))]
    other_grade = month_awards(rules, [line(1, "5000.00")], facts(grades={B: 8, C: 7}))
    assert other_grade.awards == []
    no_grade = month_awards(rules, [line(1, "5000.00")], facts(grades={}))
    assert no_grade.awards == []


def test_per_order_bonus_pays_levels_two_and_three_per_order_up_to_the_monthly_cap():
    """3.00 per team order, at most 7.00 a month: B and A each get 3 + 3 + 1."""
    rules = GrowthRules("CNY", per_order_amount=D("3.00"), per_order_monthly_cap=D("7.00"))
    lines = [line(order, "100.00") for order in (1, 2, 3, 4)]
    result = month_awards(rules, lines, facts())
    by = result.total_by_distributor()
    assert by == {(B, Rule.PER_ORDER): D("7.00"), (A, Rule.PER_ORDER): D("7.00")}
    assert [a.amount for a in result.awards if a.distributor_id == B] == [
        D("3.00"),
        D("3.00"),
        D("1.00"),
    ]


def test_per_order_bonus_spreads_over_the_orders_lines_to_the_fen():
    rules = GrowthRules("CNY", per_order_amount=D("1.00"))
    lines = [line(1, "10.00", line_id="a"), line(1, "20.00", line_id="b")]
    result = month_awards(rules, lines, facts())
    assert [(a.distributor_id, a.line_id, a.amount) for a in result.awards] == [
        (B, "a", D("0.33")),
        (B, "b", D("0.67")),
        (A, "a", D("0.33")),
        (A, "b", D("0.67")),
    ]


def test_no_rule_pushes_a_line_past_the_combined_cap_and_the_line_is_reported():
    """Cap 25 %: commission already pays 17 %, so the ladder's +10 % gets 8 and the team
    bonus nothing."""
    rules = GrowthRules("CNY", ladder=LADDER, team_threshold=D("100000"), team_extra_rate=D("1"))
    result = month_awards(
        rules, [line(1, "30000.00")], facts(own={C: "30000"}, team={A: "100000"}, cap="25")
    )
    assert [(a.rule, a.rate, a.amount) for a in result.awards] == [
        (Rule.LADDER, D("8"), D("2400.00"))
    ]
    assert [(c.rule, c.wanted_rate, c.paid_rate) for c in result.capped] == [
        (Rule.LADDER, D("10"), D("8")),
        (Rule.TEAM, D("1"), D("0")),
    ]


def test_a_fourth_level_and_a_recruiter_without_sales_never_earn():
    """X recruited A: X is the fourth generation above C and gets nothing from C's order, and
    having recruited three people earns nothing without sales."""
    rules = GrowthRules(
        "CNY",
        ladder=LADDER,
        team_threshold=D("1"),
        team_extra_rate=D("1"),
        same_grade_share=D("50"),
        per_order_amount=D("5.00"),
    )
    result = month_awards(
        rules,
        [line(1, "50000")],
        facts(own={C: "50000", X: "0"}, team={A: "50000", X: "50000"}, grades={A: 1, X: 1}),
    )
    assert X not in {a.distributor_id for a in result.awards}
    assert {a.level for a in result.awards} <= {1, 2, 3}


def test_other_currencies_are_left_to_their_own_rules():
    rules = GrowthRules("CNY", ladder=LADDER)
    result = month_awards(rules, [line(1, "50000", currency="USD")], facts(own={C: "50000"}))
    assert result.awards == []


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (GrowthRules("CNY", ladder=(LadderBracket(D("10000"), D("15")),) * 2), "ladder"),
        (
            GrowthRules(
                "CNY",
                ladder=(LadderBracket(D("10000"), D("20")), LadderBracket(D("30000"), D("15"))),
            ),
            "ladder",
        ),
        (GrowthRules("CNY", team_threshold=D("100000")), "team_extra_rate"),
        (GrowthRules("CNY", per_order_amount=D("0.001")), "per_order_amount"),
        (GrowthRules("CNY", per_order_monthly_cap=D("5")), "per_order_monthly_cap"),
        (GrowthRules("CNY", same_grade_share=D("120")), "same_grade_share"),
    ],
)
def test_unusable_rules_are_refused_naming_the_field(rules, field):
    with pytest.raises(InvalidGrowthRules) as error:
        rules.validate()
    assert error.value.field == field
