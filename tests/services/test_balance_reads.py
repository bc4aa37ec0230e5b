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
    explain_ledger_read,
    index_columns,
    ledger_indexes_read,
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
    plan = explain_ledger_read(sql, params)

    # No snapshot yet: each distributor's own rows, found by distributor in the history index
    # (never the table by itself nor its primary key). The index holds every column the read
    # needs, so on a vacuumed table PostgreSQL answers from it alone (an index-only scan).
    assert ledger_indexes_read(plan) == {"wfx_ledger_history"}, plan
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


def test_a_ledger_page_of_a_long_old_history_is_read_from_its_end(tree):
    """The newest 21 rows of a distributor whose history is old: read backwards off the history
    index, not by walking the whole ledger's primary key from its newest row until 21 of theirs
    turn up (21 ms for the leader of the largest team at 4.6 M rows, bench/api_scale.py)."""
    from saleor_wfx_plugin.selectors.payouts import ledger_entries

    d = tree[3]
    # Their rows among everyone else's for a while, then only others' for as long again.
    other_distributors_history(200, 100, interleaved_with=d.pk)
    other_distributors_history(200, 100)
    page = ledger_entries(d)[:21]
    sql, params = page.query.sql_with_params()
    plan = explain_ledger_read(sql, list(params))

    assert "Index Scan Backward using wfx_ledger_history on wfx_ledgerentry" in plan, plan
    assert ledger_indexes_read(plan) == {"wfx_ledger_history"}, plan
    assert len(list(page)) == 21
