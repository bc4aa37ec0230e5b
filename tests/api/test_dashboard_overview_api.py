"""The dashboard's overview: a period's statistics (distributors, applications, referred sales,
commission accrued, reversed and paid, payouts waiting, day by day, top distributors, to-do
queues). Worked numbers: the article's rates (10 % / 5 % / 2 %), Serum at 299.00, the tree
A ← B ← C ← D."""

from datetime import timedelta

import pytest

from .conftest import permission_denied
from .helpers import (
    CASHIER,
    MANAGER,
    PLUGINS_ONLY,
    D,
    fund,
    pay_out,
    request_payout,
    today,
)

pytestmark = pytest.mark.django_db


STATISTICS = """query($from: Date!, $to: Date!) {
  statistics(currency: "cny", dateFrom: $from, dateTo: $to) {
    activeDistributors newApplications referredOrders
    referredSales { amount currency } commissionAccrued { amount } commissionReversed { amount }
    commissionPaid { amount } payoutsWaitingCount payoutsWaitingAmount { amount }
    daily { date referredSales { amount } commission { amount } }
    topDistributors(first: 5) { distributor { code } sales { amount } commission { amount } }
    todo { queue count }
  } }"""


def test_the_overview_adds_up_a_period(api, tree, month_of_sales):
    fund(tree[3], "1000")
    pay_out(api, request_payout(api, "300", "p-1"))
    request_payout(api, "200", "p-2")

    stats = api.ok(
        STATISTICS,
        {"from": str(today() - timedelta(days=1)), "to": str(today())},
        viewer=MANAGER,
    )["statistics"]

    # The cancelled order is no order and no sale; its commission was accrued and reversed.
    assert stats["activeDistributors"] == 4
    assert stats["referredOrders"] == 1
    assert stats["referredSales"] == {"amount": "299.00", "currency": "CNY"}
    # Two orders × (29.90 + 14.95 + 5.98) accrued; the cancelled one's 50.83 given back.
    assert stats["commissionAccrued"] == {"amount": "101.66"}
    assert stats["commissionReversed"] == {"amount": "-50.83"}
    # 300 paid (no tax under 800); the 200 request waits for approval.
    assert stats["commissionPaid"] == {"amount": "300.00"}
    assert (stats["payoutsWaitingCount"], stats["payoutsWaitingAmount"]) == (
        1,
        {"amount": "200.00"},
    )
    assert stats["daily"] == [
        {
            "date": str(today() - timedelta(days=1)),
            "referredSales": {"amount": "0.00"},
            "commission": {"amount": "0.00"},
        },
        {
            "date": str(today()),
            "referredSales": {"amount": "299.00"},
            "commission": {"amount": "101.66"},
        },
    ]
    # D sold 299.00 and earned 29.90 on it; C sold nothing that was kept, and earned
    # 29.90 + 14.95 accrued on the two orders (accruals, before the reversal).
    assert stats["topDistributors"] == [
        {
            "distributor": {"code": "DDD444"},
            "sales": {"amount": "299.00"},
            "commission": {"amount": "29.90"},
        },
        {
            "distributor": {"code": "CCC333"},
            "sales": {"amount": "0.00"},
            "commission": {"amount": "44.85"},
        },
    ]
    assert {item["queue"]: item["count"] for item in stats["todo"]} == {
        "APPLICATIONS": 0,
        "PAYOUTS_TO_APPROVE": 1,
        "PAYOUTS_TO_PAY": 0,
        "FRAUD_REVIEW": 0,
    }


def test_the_overview_of_a_period_before_the_sales_is_empty(api, tree, month_of_sales):
    last_week = today() - timedelta(days=7)
    stats = api.ok(STATISTICS, {"from": str(last_week), "to": str(last_week)}, viewer=CASHIER)[
        "statistics"
    ]
    assert stats["referredOrders"] == 0
    assert stats["commissionAccrued"] == {"amount": "0.00"}
    assert stats["topDistributors"] == []
    assert len(stats["daily"]) == 1


def test_the_overview_refuses_a_backwards_or_overlong_period_and_strangers(api, tree):
    body = api(
        STATISTICS, {"from": str(today()), "to": str(today() - timedelta(days=1))}, viewer=MANAGER
    )
    assert body["data"]["statistics"] is None
    assert body["errors"][0]["message"] == "dateTo is before dateFrom."
    assert body["errors"][0]["extensions"]["exception"]["code"] == "INVALID"
    body = api(STATISTICS, {"from": "2025-01-01", "to": "2026-06-01"}, viewer=MANAGER)
    assert "at most 366 days" in body["errors"][0]["message"]
    for stranger in (D, PLUGINS_ONLY):
        assert permission_denied(
            api(STATISTICS, {"from": str(today()), "to": str(today())}, viewer=stranger)
        )
