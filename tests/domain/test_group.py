"""团队拼团奖励 with the document's numbers: a group of 5 gives the seller +5 %."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from saleor_wfx_plugin.domain.commission import PlannedCommission, RefundState, commission_targets
from saleor_wfx_plugin.domain.group import GroupTerms, is_complete, with_group_bonus

SERUM_LINE = "serum-line"
MASK_LINE = "mask-line"
PLAN = [
    PlannedCommission(SERUM_LINE, 1, 4, Decimal("10"), Decimal("299.00"), 1),
    PlannedCommission(SERUM_LINE, 2, 3, Decimal("5"), Decimal("299.00"), 1),
    PlannedCommission(SERUM_LINE, 3, 2, Decimal("2"), Decimal("299.00"), 1),
    PlannedCommission(MASK_LINE, 1, 4, Decimal("10"), Decimal("29.70"), 3),
]


def targets(plan):
    return commission_targets(
        plan, refunds=RefundState(order_total=Decimal("328.70")), cancelled=False, currency="CNY"
    )


def test_five_customers_complete_a_group_of_five():
    assert not is_complete(4, 5)
    assert is_complete(5, 5)


def test_the_seller_earns_15_percent_on_the_groups_product_only():
    raised = with_group_bonus(
        PLAN, group_line_ids={SERUM_LINE}, bonus_rate=Decimal("5"), max_total_rate=Decimal("40")
    )
    amounts = targets(raised)
    # 299.00 x (10 + 5) % = 44.85 for the seller; the uplines and the mask line unchanged.
    assert amounts[(SERUM_LINE, 1)] == Decimal("44.85")
    assert amounts[(SERUM_LINE, 2)] == Decimal("14.95")
    assert amounts[(SERUM_LINE, 3)] == Decimal("5.98")
    assert amounts[(MASK_LINE, 1)] == Decimal("2.97")


def test_the_bonus_never_pushes_a_line_past_the_combined_cap():
    # 10 + 5 + 2 = 17 % already; a 20 % cap leaves 3 of the 5: 299.00 x 13 % = 38.87.
    raised = with_group_bonus(
        PLAN, group_line_ids={SERUM_LINE}, bonus_rate=Decimal("5"), max_total_rate=Decimal("20")
    )
    assert targets(raised)[(SERUM_LINE, 1)] == Decimal("38.87")
    # A line already at the cap gets nothing more.
    full = with_group_bonus(
        PLAN, group_line_ids={SERUM_LINE}, bonus_rate=Decimal("5"), max_total_rate=Decimal("17")
    )
    assert targets(full)[(SERUM_LINE, 1)] == Decimal("29.90")


def test_an_order_counts_only_inside_the_window_and_with_the_product():
    start = datetime(2026, 5, 1, 10, tzinfo=UTC)
    terms = GroupTerms("serum", 5, Decimal("5"), start, start + timedelta(days=3))
    assert terms.admits(start + timedelta(days=2, hours=23), ["mask", "serum"])
    assert not terms.admits(start + timedelta(days=3), ["serum"])
    assert not terms.admits(start - timedelta(seconds=1), ["serum"])
    assert not terms.admits(start, ["mask"])
