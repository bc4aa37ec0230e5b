"""Balance reads do not read the ledger's table: every column the balance and earnings query
touches is in the covering index, so PostgreSQL answers from the index alone (an index-only
scan); with a snapshot, only the index entries after it (tests/services/test_ledger_snapshots.py).
And the sums stay the ledger's."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.models import LedgerEntry
from saleor_wfx_plugin.selectors.balances import balances, ledger_group_sums_sql, ledger_totals
from tests.services.conftest import SERUM
from tests.services.helpers import (
    explain_balance_read,
    index_columns,
    other_distributors_history,
    staff_adjusts_balance,
)

pytestmark = pytest.mark.django_db


def test_balances_and_earnings_come_from_the_covering_index_alone(shop, tree):
    _, _, c, d = tree
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    # Everybody else's history: reading the ledger by id would cross all of it.
    other_distributors_history(200, 100)
    sql, params = ledger_group_sums_sql([d.pk, c.pk])
    plan = explain_balance_read(sql, params)

    # No snapshot yet: each distributor's own rows, found by distributor in the history index,
    # which holds every column the read needs (so PostgreSQL can skip the table entirely).
    ledger_scans = [line for line in plan.splitlines() if " on wfx_ledgerentry" in line]
    assert ledger_scans, plan
    assert all("Scan using wfx_ledger_history" in line for line in ledger_scans), plan
    assert "Seq Scan on wfx_ledgerentry" not in plan, plan
    assert {"distributor_id", "id", "currency", "bucket", "kind", "amount"} <= index_columns(
        "wfx_ledger_history"
    )


def test_the_read_sums_exactly_what_the_ledger_holds(shop, tree):
    d = tree[3]
    for _ in range(3):
        order = shop.place_order([SERUM], referral_code="DDD444")
        shop.pay(order.order_id)
    staff_adjusts_balance(distributor_id=d.pk, currency="CNY", amount=Decimal("-12.34"), reason="x")
    staff_adjusts_balance(distributor_id=d.pk, currency="HKD", amount=Decimal("5.00"), reason="y")

    (cny, hkd) = ledger_totals([d.pk])[d.pk]

    # Three sales of 299.00 at 10 %: 89.70 earned, pending until delivery.
    assert (cny.currency, cny.accrued, cny.reversed, cny.has_commission) == (
        "CNY",
        Decimal("89.70"),
        Decimal("0.00"),
        True,
    )
    assert (cny.balance.pending, cny.balance.available) == (Decimal("89.70"), Decimal("-12.34"))
    # HKD only saw an adjustment: a balance, but no earnings.
    assert (hkd.currency, hkd.balance.available, hkd.has_commission) == (
        "HKD",
        Decimal("5.00"),
        False,
    )
    by_bucket: dict[tuple[str, str], Decimal] = {}
    for row in LedgerEntry.objects.filter(distributor=d):
        key = (row.currency, row.bucket)
        by_bucket[key] = by_bucket.get(key, Decimal(0)) + row.amount
    assert by_bucket == {
        ("CNY", "pending"): cny.balance.pending,
        ("CNY", "available"): cny.balance.available,
        ("HKD", "available"): hkd.balance.available,
    }
    assert balances(d) == [cny.balance, hkd.balance]
