"""The fixture of `api_scale.py`: a shop of 100,000 distributors in a realistic tree, 300,000
orders, 1.2 million commission lines and 4.6 million ledger rows, built in plain SQL
(INSERT … SELECT generate_series) in a few minutes, and the facts about it the report prints."""

from __future__ import annotations

import sys

FIXTURE_TABLES = (
    "wfx_payoutevent",
    "wfx_ledgerentry",
    "wfx_payout",
    "wfx_settlement",
    "wfx_commissionline",
    "wfx_referralattribution",
    "wfx_distributor",
)
MARKER = "wfx-bench-api-scale"
FULL = {
    "distributors": 100_000,
    "orders": 300_000,
    "largest_team": 1_729,
    "payouts": 20_000,
}


def execute(sql: str, params: object = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        # Always with parameters, so `%%` means `%` in every statement.
        cursor.execute(sql, params if params is not None else {})
        return cursor.rowcount


def scalar(sql: str, params: object = None) -> object:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return row[0] if row else None


def sizes(scale: float) -> dict[str, int]:
    return {name: max(round(value * scale), 10) for name, value in FULL.items()}


def fixture_present(scale: float) -> bool:
    """A fixture this script built at this scale, recorded in the programme switch's actor."""
    return (
        scalar("SELECT count(*) FROM wfx_programmeswitch WHERE actor = %s", [f"{MARKER}:{scale}"])
        == 1
    )


def refuse_a_database_with_data(force: bool) -> None:
    ours = scalar("SELECT count(*) FROM wfx_programmeswitch WHERE actor LIKE %s", [MARKER + "%"])
    holding = scalar("SELECT EXISTS (SELECT 1 FROM wfx_distributor)")
    if holding and not ours and not force:
        sys.exit(
            "This database holds distribution data. The benchmark would empty its wfx tables; "
            "run it on a throwaway database, or pass --force on a copy you can lose."
        )


def build_fixture(scale: float) -> None:
    """The tree: distributor 1 leads the largest team (ids 2 … 1 + largest_team are its direct
    members); every later distributor i is recruited by distributor ⌊0.27 i⌋, so ids up to about
    0.27 N recruit (≈ 73 % recruit nobody) and the tree is 5 levels deep; the last three form a
    chain to reach 8. Orders are sold by distributors at depth 2 or more (3 levels paid), one in
    33 by the top seller; one order in three has two lines. Settlements: the oldest 90 % of
    orders confirmed, the oldest 75 % released; one line in 3 half reversed before delivery
    (which brings the ledger to the 4.6 million rows of issue 9)."""
    n = sizes(scale)
    params = {**n, "marker": f"{MARKER}:{scale}"}
    execute(f"TRUNCATE {', '.join(FIXTURE_TABLES)}, wfx_programmeswitch RESTART IDENTITY CASCADE")
    execute(
        """
        INSERT INTO wfx_distributor (id, code, name, status, user_id, email, phone, grade_id,
                                     upline_id, grade_locked, status_reason, identity_set_by,
                                     erased_by, balance_frozen, created_at, updated_at)
        SELECT i, 'B' || lpad(i::text, 7, '0'), '分销员 ' || i, 'active', i::text,
               'd' || i || '@example.com', '138' || lpad(i::text, 8, '0'), NULL,
               CASE
                 WHEN i = 1 THEN NULL
                 WHEN i <= 1 + %(largest_team)s THEN 1
                 WHEN i > %(distributors)s - 2 THEN i - 1
                 ELSE greatest(floor(i * 0.27)::int, 2)
               END,
               false, '', '', '', false,
               now() - (%(distributors)s - i) * interval '3 minutes',
               now() - (%(distributors)s - i) * interval '3 minutes'
        FROM generate_series(1, %(distributors)s) AS i
        """,
        params,
    )
    top_seller = top_seller_id(scale)
    params["top"] = top_seller
    params["first_seller"] = 2 + n["largest_team"]
    execute(
        """
        INSERT INTO wfx_referralattribution (id, order_id, order_number, channel_slug, currency,
                                             customer_key, submitted_code, source, code_rejection,
                                             placed_at, commissionable_at, cancelled,
                                             refunded_amount, order_total, over_refunded,
                                             created_at, seller_id, upline_id, grand_upline_id,
                                             voucher_code)
        SELECT a, md5('bench-order:' || a)::uuid, (100000 + a)::text, 'default', 'CNY', NULL,
               s.code, 'code', NULL,
               now() - (%(orders)s - a) * interval '1 minute',
               now() - (%(orders)s - a) * interval '1 minute' + interval '5 minutes',
               false, 0, 299, false, now() - (%(orders)s - a) * interval '1 minute',
               s.id, s.upline_id, u.upline_id, ''
        FROM generate_series(1, %(orders)s) AS a
        JOIN wfx_distributor s ON s.id = CASE
            WHEN a %% 33 = 0 THEN %(top)s
            ELSE %(first_seller)s + (a::bigint * 7919) %% (%(distributors)s - %(first_seller)s - 2)
        END
        JOIN wfx_distributor u ON u.id = s.upline_id
        """,
        params,
    )
    execute(
        """
        INSERT INTO wfx_commissionline (attribution_id, order_line_id, level, distributor_id,
                                        rate, uncapped_rate, base, quantity, product_id,
                                        category_id, product_name)
        SELECT a.id, 'line-' || a.id || '-' || l, lv.level,
               CASE lv.level WHEN 1 THEN a.seller_id WHEN 2 THEN a.upline_id
                             ELSE a.grand_upline_id END,
               CASE lv.level WHEN 1 THEN 10 WHEN 2 THEN 5 ELSE 2 END, NULL,
               100 + a.id %% 500, 1, 'product-' || (a.id %% 40), 'category-' || (a.id %% 7),
               'Product ' || (a.id %% 40)
        FROM wfx_referralattribution a
        CROSS JOIN generate_series(1, 2) AS l
        CROSS JOIN (VALUES (1), (2), (3)) AS lv (level)
        WHERE (l = 1 OR a.id %% 3 = 0)
          AND (lv.level < 3 OR a.grand_upline_id IS NOT NULL)
        """,
    )
    execute(
        """
        INSERT INTO wfx_settlement (attribution_id, distributor_id, currency, fulfilled_at,
                                    confirm_due_at, confirmed_at, available_due_at, released_at,
                                    created_at)
        SELECT DISTINCT ON (c.attribution_id, c.distributor_id)
               c.attribution_id, c.distributor_id, 'CNY',
               a.placed_at + interval '2 days', a.placed_at + interval '9 days',
               CASE WHEN a.id <= %(orders)s * 0.9 THEN a.placed_at + interval '9 days' END,
               a.placed_at + interval '16 days',
               CASE WHEN a.id <= %(orders)s * 0.75 THEN a.placed_at + interval '16 days' END,
               a.placed_at
        FROM wfx_commissionline c JOIN wfx_referralattribution a ON a.id = c.attribution_id
        ORDER BY c.attribution_id, c.distributor_id
        """,
        params,
    )
    # Accruals (pending), a few reversals before delivery, then the settlements' movements of
    # what is left: pending → hold when confirmed, hold → available when released.
    execute(
        """
        INSERT INTO wfx_ledgerentry (distributor_id, currency, bucket, kind, amount, movement,
                                     commission_line_id, level, sequence, event, settlement_id,
                                     actor, reason, created_at)
        SELECT c.distributor_id, 'CNY', 'pending', e.kind,
               CASE e.kind WHEN 'accrual' THEN round(c.base * c.rate / 100, 2)
                           ELSE -round(c.base * c.rate / 200, 2) END,
               md5('bench-' || e.kind || ':' || c.id)::uuid, c.id, c.level, e.sequence,
               'order_fully_paid', s.id, 'system', '', a.placed_at
        FROM wfx_commissionline c
        JOIN wfx_referralattribution a ON a.id = c.attribution_id
        JOIN wfx_settlement s ON s.attribution_id = c.attribution_id
                             AND s.distributor_id = c.distributor_id
        CROSS JOIN (VALUES ('accrual', 1), ('reversal', 2)) AS e (kind, sequence)
        WHERE e.kind = 'accrual' OR c.id %% 3 = 0
        """,
    )
    for kind, from_bucket, to_bucket, column in (
        ("confirmation", "pending", "hold", "confirmed_at"),
        ("release", "hold", "available", "released_at"),
    ):
        execute(
            f"""
            INSERT INTO wfx_ledgerentry (distributor_id, currency, bucket, kind, amount,
                                         movement, settlement_id, actor, reason, event,
                                         created_at)
            SELECT s.distributor_id, 'CNY', leg.bucket, '{kind}', leg.sign * t.total,
                   md5('bench-{kind}:' || s.id)::uuid, s.id, 'system', '', '', s.{column}
            FROM wfx_settlement s
            JOIN (SELECT settlement_id, sum(amount) AS total FROM wfx_ledgerentry
                  WHERE kind IN ('accrual', 'reversal') GROUP BY settlement_id) t
              ON t.settlement_id = s.id
            CROSS JOIN (VALUES ('{from_bucket}', -1), ('{to_bucket}', 1)) AS leg (bucket, sign)
            WHERE s.{column} IS NOT NULL
            """
        )
    # Payouts of 50.00 by distributors who earn as uplines; three in four paid.
    execute(
        """
        INSERT INTO wfx_payout (id, distributor_id, currency, amount, early_amount, fee,
                                tax_correction, status, method, payee_name,
                                payee_account_ciphertext, payee_account_masked, payee_bank,
                                idempotency_key, requested_by, first_approved_by, approved_by,
                                rejected_by, rejection_reason, paid_by, paid_at,
                                transfer_reference, failed_by, failure_reason, created_at,
                                updated_at, taxable, tax, net, approved_at, tax_policy,
                                tax_period)
        SELECT p, 500 + (p * 131) %% (%(distributors)s / 4), 'CNY', 50, 0, 0, 0,
               CASE WHEN paid THEN 'paid' ELSE 'requested' END, 'bank', '王小明',
               'bench', '**** ' || lpad((p %% 10000)::text, 4, '0'), 'ICBC', 'bench-' || p,
               'user:' || (500 + (p * 131) %% (%(distributors)s / 4)),
               '', CASE WHEN paid THEN 'user:900' ELSE '' END, '', '',
               CASE WHEN paid THEN 'user:900' ELSE '' END, CASE WHEN paid THEN at END,
               CASE WHEN paid THEN 'TR-' || p ELSE '' END, '', '',
               at - interval '1 day', at,
               CASE WHEN paid THEN 50 END, CASE WHEN paid THEN 0 END, CASE WHEN paid THEN 50 END,
               CASE WHEN paid THEN at END, '', ''
        FROM (SELECT p, p %% 4 <> 0 AS paid, now() - (%(payouts)s - p) * interval '5 minutes' AS at
              FROM generate_series(1, %(payouts)s) AS p) AS g
        """,
        params,
    )
    execute(
        """
        INSERT INTO wfx_payoutevent (payout_id, kind, actor, reason, data, created_at)
        SELECT p.id, e.kind, p.requested_by, '', '{}'::jsonb, p.created_at
        FROM wfx_payout p CROSS JOIN (VALUES ('requested'), ('approved'), ('paid')) AS e (kind)
        WHERE e.kind = 'requested' OR p.status = 'paid'
        """
    )
    execute(
        """
        INSERT INTO wfx_ledgerentry (distributor_id, currency, bucket, kind, amount, movement,
                                     payout_id, actor, reason, event, created_at)
        SELECT p.distributor_id, 'CNY', leg.bucket, leg.kind, leg.sign * p.amount,
               md5('bench-' || leg.kind || ':' || p.id)::uuid, p.id, p.requested_by, '', '',
               p.created_at
        FROM wfx_payout p
        CROSS JOIN (VALUES ('reservation', 'available', -1), ('reservation', 'reserved', 1),
                           ('payout', 'reserved', -1), ('payout', 'paid', 1))
                   AS leg (kind, bucket, sign)
        WHERE leg.kind = 'reservation' OR p.status = 'paid'
        """
    )
    for table in FIXTURE_TABLES:
        execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    for table in FIXTURE_TABLES:
        execute(f"VACUUM ANALYZE {table}")
    # Last: the switch that opens the programme marks the fixture complete for --keep-db.
    execute(
        "INSERT INTO wfx_programmeswitch (active, at, source, actor, recorded_at) "
        "VALUES (true, now() - interval '5 years', 'plugin_update', %(marker)s, now())",
        params,
    )


def top_seller_id(scale: float) -> int:
    """A distributor at depth 4, far from the leader's own row."""
    return int(sizes(scale)["distributors"] * 0.3)


def counts() -> dict[str, int]:
    return {
        table: scalar(f"SELECT count(*) FROM {table}")
        for table in (
            "wfx_distributor",
            "wfx_referralattribution",
            "wfx_commissionline",
            "wfx_ledgerentry",
            "wfx_payout",
        )
    }


def tree_shape() -> str:
    leaves = scalar(
        "SELECT round(100.0 * count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM wfx_distributor c "
        "WHERE c.upline_id = d.id)) / count(*), 1) FROM wfx_distributor d"
    )
    widest = scalar(
        "SELECT max(n) FROM (SELECT count(*) AS n FROM wfx_distributor GROUP BY upline_id) t"
    )
    depth = scalar(
        """WITH RECURSIVE chain (id, depth) AS (
             SELECT id, 0 FROM wfx_distributor WHERE upline_id IS NULL
             UNION ALL SELECT d.id, c.depth + 1 FROM wfx_distributor d JOIN chain c
                       ON d.upline_id = c.id)
           SELECT max(depth) FROM chain"""
    )
    return f"{leaves} % without children, largest team {widest} direct members, depth {depth}"


def heavy_sellers(how_many: int = 2) -> list[int]:
    """The distributors with the most ledger rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT distributor_id, count(*) FROM wfx_ledgerentry GROUP BY distributor_id "
            "ORDER BY count(*) DESC LIMIT %s",
            [how_many],
        )
        return [row[0] for row in cursor.fetchall()]
