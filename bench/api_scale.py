"""How fast are the API's pages at a real shop's scale, and how many SQL statements does each
cost?

Builds, in plain SQL (INSERT … SELECT generate_series), 100,000 distributors in a realistic tree
(73 % without children, one with 1,729 direct members, depth up to 8), 300,000 orders,
1.2 million commission lines and about 4.6 million ledger rows, then requests each page through
the GraphQL view (Django's test client, the same route Saleor serves) and prints p50, p95 and
the SQL statements of one request per page; the last line is the worst p95. Not a test: run it
by hand.

    bash scripts/pg_throwaway.sh .venv/bin/python bench/api_scale.py              # full: 24 min
    bash scripts/pg_throwaway.sh .venv/bin/python bench/api_scale.py --scale 0.1  # quick

With a PostgreSQL of your own (DATABASE_URL), `--keep-db` leaves the fixture in place after the
run and reuses it on the next run of the same scale instead of building it again.

It empties every wfx table (TRUNCATE) when it builds, so it refuses a database that holds
distribution data it did not make unless --force; never point it at a shop's database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# Runs from a checkout: bench/ is sys.path[0], the package is one level up.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

GRAPHQL_URL = "/plugins/global/wfx.distribution/graphql/"
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

DISTRIBUTORS = """{ distributors(first: 50) { totalCount edges { node {
  id code name email status grade { name } upline { code } directDownlineCount referralLink
  earnings { accrued { amount currency } reversed { amount } net { amount } } } } } }"""

COMMISSION_FIELDS = """edges { node { orderId orderNumber channel level distributor { code }
  productName quantity rate base { amount currency } accrued { amount } reversed { amount }
  amount { amount } status placedAt earnedAt } }"""

ME_EVERYTHING = """{ me {
  distributor { code grade { name } referralLink directDownlineCount
    earnings { net { amount currency } } }
  application { status }
  referralLink
  earnings { accrued { amount currency } net { amount } }
  balances { currency pending { amount } onHold { amount } available { amount } }
  sales { currency ownSales { amount } teamSales { amount } orders }
  clicks { clicks referredOrders conversionRate }
  team { directCount indirectCount members(first: 20) { edges { node { maskedName level } } } }
  commissions(first: 20) { edges { node { orderNumber level amount { amount } status } } }
  payouts(first: 20) { edges { node { status amount { amount } } } }
  ledger(first: 20) { edges { node { bucket kind amount { amount } orderNumber } } }
} }"""

MY_COMMISSIONS = "{ me { commissions(first: 20) { " + COMMISSION_FIELDS + " } } }"
STAFF_COMMISSIONS = "{ commissions(first: 20) { " + COMMISSION_FIELDS + " } }"
MY_TEAM = """{ me { team { directCount indirectCount
  members(first: 20) { edges { node { level maskedName maskedPhone grade active joinedAt } } }
} } }"""
BALANCES = """{ me { balances { currency pending { amount } onHold { amount }
  available { amount } withdrawable { amount } reserved { amount } paid { amount } } } }"""
PAYOUTS = """{ payouts(first: 50) { totalCount edges { node {
  id status amount { amount currency } fee { amount } net { amount } method payeeName account
  idNumber requestedBy distributor { code name } batch { id }
  events { kind actor reason createdAt } } } } }"""


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="Fraction of the full fixture (0.1: quick)."
    )
    parser.add_argument("--runs", type=int, default=50, help="Timed requests per page.")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="Leave the fixture in the database afterwards, and reuse one of the same scale.",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Build even though the database holds distribution data. Its wfx tables are "
        "EMPTIED: only for a copy you can throw away.",
    )
    parser.add_argument(
        "--explain", action="store_true", help="Print EXPLAIN ANALYZE of each page's statements."
    )
    arguments = parser.parse_args()
    if not 0.001 <= arguments.scale <= 10:
        parser.error("--scale must be between 0.001 and 10")
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    return arguments


def set_up_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at a PostgreSQL database; e.g. bash scripts/pg_throwaway.sh "
            ".venv/bin/python bench/api_scale.py"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "saleor_wfx_plugin.sandbox.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.WFX_PROGRAM_ACTIVE = True
    settings.WFX_PROGRAM_SETTINGS = {
        "commission_levels": "3",
        "storefront_url": "https://shop.example.com",
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
    orders confirmed, the oldest 75 % released; one line in 20 half reversed before delivery."""
    n = sizes(scale)
    params = {**n, "marker": f"{MARKER}:{scale}"}
    execute(f"TRUNCATE {', '.join(FIXTURE_TABLES)}, wfx_programmeswitch RESTART IDENTITY CASCADE")
    execute(
        """
        INSERT INTO wfx_distributor (id, code, name, status, user_id, email, phone, grade_id,
                                     upline_id, grade_locked, status_reason, identity_set_by,
                                     erased_by, created_at, updated_at)
        SELECT i, 'B' || lpad(i::text, 7, '0'), '分销员 ' || i, 'active', i::text,
               'd' || i || '@example.com', '138' || lpad(i::text, 8, '0'), NULL,
               CASE
                 WHEN i = 1 THEN NULL
                 WHEN i <= 1 + %(largest_team)s THEN 1
                 WHEN i > %(distributors)s - 2 THEN i - 1
                 ELSE greatest(floor(i * 0.27)::int, 2)
               END,
               false, '', '', '',
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
                                             created_at, seller_id, upline_id, grand_upline_id)
        SELECT a, md5('bench-order:' || a)::uuid, (100000 + a)::text, 'default', 'CNY', NULL,
               s.code, 'code', NULL,
               now() - (%(orders)s - a) * interval '1 minute',
               now() - (%(orders)s - a) * interval '1 minute' + interval '5 minutes',
               false, 0, 299, false, now() - (%(orders)s - a) * interval '1 minute',
               s.id, s.upline_id, u.upline_id
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
        WHERE e.kind = 'accrual' OR c.id %% 20 = 0
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


def main() -> None:
    arguments = parse_arguments()
    set_up_django()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from saleor_wfx_plugin.auth import Viewer
    from saleor_wfx_plugin.sandbox.auth import issue_token

    call_command("migrate", verbosity=0)
    scale = arguments.scale
    reused = arguments.keep_db and fixture_present(scale)
    build_seconds = 0.0
    if not reused:
        refuse_a_database_with_data(arguments.force)
        started = time.perf_counter()
        build_fixture(scale)
        build_seconds = time.perf_counter() - started
    rows = counts()
    shape = tree_shape()

    def customer(pk: int) -> str:
        return issue_token(
            Viewer(user_id=str(pk), email=f"d{pk}@example.com", email_confirmed=True)
        )

    def staff(*permissions: str) -> str:
        return issue_token(
            Viewer(
                user_id="900",
                email="staff@example.com",
                email_confirmed=True,
                is_staff=True,
                permissions=frozenset(permissions),
            )
        )

    top, leader = top_seller_id(scale), 1
    heavy = heavy_sellers()
    order_numbers = [
        str(100000 + number)
        for number in range(
            1, rows["wfx_referralattribution"], rows["wfx_referralattribution"] // 7
        )
    ]
    pages: list[tuple[str, str | list[str], str]] = [
        ("staff distributors(first: 50)", DISTRIBUTORS, staff("MANAGE_USERS")),
        (f"me, everything: top seller ({top})", ME_EVERYTHING, customer(top)),
        (f"me, everything: largest team ({leader})", ME_EVERYTHING, customer(leader)),
        ("me.commissions(first: 20): top seller", MY_COMMISSIONS, customer(top)),
        ("staff commissions(first: 20)", STAFF_COMMISSIONS, staff("MANAGE_ORDERS")),
        (
            "staff commissions by orderNumber",
            [
                '{ commissions(first: 20, filter: {orderNumber: "'
                + number
                + '"}) { '
                + COMMISSION_FIELDS
                + " } }"
                for number in order_numbers
            ],
            staff("MANAGE_ORDERS"),
        ),
        ("me.team: largest team", MY_TEAM, customer(leader)),
        ("me.team: top seller", MY_TEAM, customer(top)),
        *[(f"balances: heavy seller ({pk})", BALANCES, customer(pk)) for pk in heavy],
        ("staff payouts(first: 50)", PAYOUTS, staff("HANDLE_PAYMENTS", "MANAGE_USERS")),
    ]
    # As a server with persistent connections (Saleor's CONN_MAX_AGE): one connection for the
    # whole run, not a new one per request, and the statement log kept across the request.
    request_started.disconnect(reset_queries)
    request_finished.disconnect(close_old_connections)
    client = Client()

    def request(query: str, token: str) -> None:
        response = client.post(
            GRAPHQL_URL,
            data=json.dumps({"query": query}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            sys.exit(f"the page failed: {response.status_code} {body.get('errors')}")

    results = []
    for label, queries, token in pages:
        variants = queries if isinstance(queries, list) else [queries]
        for query in variants[:3]:  # warm the connection, caches and plans
            request(query, token)
        with CaptureQueriesContext(connection) as captured:
            request(variants[0], token)
        # Read now: the log is the connection's, and later requests reset it.
        statements = len(captured.captured_queries)
        database_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        if arguments.explain:
            explain(captured.captured_queries, label)
        timings = []
        for run in range(arguments.runs):
            started = time.perf_counter()
            request(variants[run % len(variants)], token)
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        results.append((label, statistics.median(timings), p95, statements, database_ms))

    version = scalar("SHOW server_version")
    built = "reused (--keep-db)" if reused else f"built in {build_seconds:.0f} s"
    print(
        f"\nPostgreSQL {version}; scale {scale}: "
        + ", ".join(f"{count:,} {table.removeprefix('wfx_')}" for table, count in rows.items())
        + f"; {shape}; fixture {built}; {arguments.runs} runs per page\n"
    )
    width = max(len(label) for label, *_ in results)
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4} {'SQL ms':>7}")
    for label, p50, p95, statements, database_ms in results:
        print(f"{label:<{width}} {p50:>8.1f} {p95:>8.1f} {statements:>4} {database_ms:>7.1f}")
    if not arguments.keep_db:
        execute(
            f"TRUNCATE {', '.join(FIXTURE_TABLES)}, wfx_programmeswitch RESTART IDENTITY CASCADE"
        )
    worst = max(results, key=lambda result: result[2])
    most = max(result[3] for result in results)
    print(f"\nworst p95: {worst[2]:.1f} ms ({worst[0]}); most SQL per page: {most}")
    connection.close()


def explain(queries: list[dict[str, str]], label: str) -> None:
    from django.db import connection

    print(f"\n-- {label}")
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"{sql[:300]}\n{plan}\n")


if __name__ == "__main__":
    main()
