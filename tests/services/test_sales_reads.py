"""How a distributor's month of sales is read: through the month's orders of that distributor,
not every order they were ever on, however long the history (plans chosen on ANALYZEd rows)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_wfx_plugin.models import ReferralAttribution
from saleor_wfx_plugin.selectors.sales import SalesBasis, distributor_sales_summary

MONTH = date(2026, 11, 1)


def _orders(count: int, *, seller: int, upline: int, grand_upline: int, paid_at: str) -> None:
    """`count` paid orders on one chain, 299.00 CNY each, paid at `paid_at` (shop time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO wfx_referralattribution (order_id, order_number, channel_slug, currency,
                submitted_code, source, placed_at, commissionable_at, cancelled, refunded_amount,
                order_total, over_refunded, created_at, seller_id, upline_id, grand_upline_id,
                voucher_code)
            SELECT md5(%s || a)::uuid, a::text, 'default', 'CNY', '', 'code', %s::timestamptz,
                   %s::timestamptz, false, 0, 299, false, %s::timestamptz, %s, %s, %s, ''
            FROM generate_series(1, %s) AS a
            """,
            [paid_at, paid_at, paid_at, paid_at, seller, upline, grand_upline, count],
        )
        # Each order's plan: one line of 299.00 goods, paid on three levels.
        cursor.execute(
            """
            INSERT INTO wfx_commissionline (attribution_id, order_line_id, level, distributor_id,
                rate, base, quantity, product_id, category_id, product_name)
            SELECT a.id, 'line-' || a.id, level, payee, 10, 299, 1, 'p', 'c', 'Tea'
            FROM wfx_referralattribution a
            CROSS JOIN LATERAL (VALUES (1, a.seller_id), (2, a.upline_id), (3, a.grand_upline_id))
                AS plan (level, payee)
            WHERE a.commissionable_at = %s::timestamptz
            """,
            [paid_at],
        )


def test_a_leaders_month_is_read_from_that_months_orders_only(tree):
    """The leader of a large team is grand upline of thousands of orders of all time and of a
    few this month: the month's figure reads those few through (payee, month) indexes. Without
    them PostgreSQL fetched all 13,864 and filtered the month (20 ms, bench/api_scale.py)."""
    _, b, c, d = tree
    _orders(3000, seller=d.pk, upline=c.pk, grand_upline=b.pk, paid_at="2025-06-15 12:00+08")
    _orders(5, seller=d.pk, upline=c.pk, grand_upline=b.pk, paid_at="2026-11-15 12:00+08")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ReferralAttribution._meta.db_table}")

    with CaptureQueriesContext(connection) as captured:
        (figures,) = distributor_sales_summary(b, MONTH, basis=SalesBasis.PAID)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert (figures.own_sales, figures.team_sales) == (0, 5 * 299)
    for index in ("wfx_attr_seller_month", "wfx_attr_upline_month", "wfx_attr_grand_upline_month"):
        assert f"Bitmap Index Scan on {index}" in plan, plan
    assert plan.count("commissionable_at >=") >= 3, plan
