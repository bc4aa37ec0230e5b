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
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

# Runs from a checkout: bench/ is sys.path[0], the package is one level up.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from api_scale_fixture import (
    FIXTURE_TABLES,
    build_fixture,
    counts,
    execute,
    fixture_present,
    heavy_sellers,
    refuse_a_database_with_data,
    scalar,
    top_seller_id,
    tree_shape,
)
from api_scale_pages import (
    BALANCES,
    COMMISSION_FIELDS,
    DISTRIBUTORS,
    ME_EVERYTHING,
    MY_COMMISSIONS,
    MY_TEAM,
    PAYOUTS,
    STAFF_COMMISSIONS,
)

GRAPHQL_URL = "/plugins/global/wfx.distribution/graphql/"


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
    parser.add_argument(
        "--page", default="", help="Only the pages whose label contains this text (e.g. 'payouts')."
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the timed requests of each page; print the functions costing most CPU.",
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
    from saleor_wfx_plugin.services.ledger_snapshots import take_snapshots

    call_command("migrate", verbosity=0)
    scale = arguments.scale
    reused = arguments.keep_db and fixture_present(scale)
    build_seconds = 0.0
    if not reused:
        refuse_a_database_with_data(arguments.force)
        started = time.perf_counter()
        build_fixture(scale)
        build_seconds = time.perf_counter() - started
    # What beat's wfx-snapshot-ledger keeps up to date: balances read as snapshot + tail.
    started = time.perf_counter()
    snapshot = take_snapshots(batch_size=2000)
    snapshot_seconds = time.perf_counter() - started
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

    pages = [page for page in pages if arguments.page in page[0]]
    if not pages:
        sys.exit(f"no page's label contains {arguments.page!r}")
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
        cpu = []
        # CPU time, not wall: waiting for PostgreSQL is in the SQL column already.
        profiler = cProfile.Profile(time.process_time) if arguments.profile else None
        for run in range(arguments.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            request(variants[run % len(variants)], token)
            if profiler is not None:
                profiler.disable()
            timings.append((time.perf_counter() - started) * 1000)
            # This process's CPU (Python, graphene, the driver), not the wait for a core or for
            # PostgreSQL: steadier than wall-clock time on a busy machine.
            cpu.append((time.process_time() - started_cpu) * 1000)
        if profiler is not None:
            print(
                f"\n-- {label}: cProfile of {arguments.runs} requests, "
                "CPU time (inflated by the profiler)"
            )
            stats = pstats.Stats(profiler).sort_stats("tottime")
            stats.print_stats(25)
            # The plugin's own functions by time spent under them: where a page's time goes.
            stats.sort_stats("cumulative").print_stats("saleor_wfx_plugin", 40)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        results.append(
            (
                label,
                statistics.median(timings),
                p95,
                statements,
                database_ms,
                statistics.median(cpu),
            )
        )

    version = scalar("SHOW server_version")
    built = "reused (--keep-db)" if reused else f"built in {build_seconds:.0f} s"
    print(
        f"\nPostgreSQL {version}; scale {scale}: "
        + ", ".join(f"{count:,} {table.removeprefix('wfx_')}" for table, count in rows.items())
        + f"; {shape}; fixture {built}; ledger snapshots through id {snapshot.through_id} "
        f"({snapshot.rows_added:,} rows taken in, {snapshot_seconds:.0f} s); "
        f"load average {' '.join(f'{load:.1f}' for load in os.getloadavg())}; "
        f"{arguments.runs} runs per page\n"
    )
    width = max(len(label) for label, *_ in results)
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4} {'SQL ms':>7} {'CPU ms':>7}")
    for label, p50, p95, statements, database_ms, cpu_ms in results:
        print(
            f"{label:<{width}} {p50:>8.1f} {p95:>8.1f} {statements:>4} {database_ms:>7.1f} "
            f"{cpu_ms:>7.1f}"
        )
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
