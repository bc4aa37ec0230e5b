"""How fast does settlement make matured money available, compared with the cheapest thing the
database could possibly do to the same rows?

Builds N confirmed settlements whose T+N hold has ended, each with money on hold, times
`settle_due()` releasing all of them, checks the money (N releases, 2N new ledger rows, what was
on hold is now available to the cent), rebuilds the same rows and times a plain
`UPDATE wfx_settlement SET released_at = now() …` of them. Not a test: run it by hand.

    bash scripts/pg_throwaway.sh .venv/bin/python bench/settle_bench.py            # 1,000,000
    bash scripts/pg_throwaway.sh .venv/bin/python bench/settle_bench.py --rows 20000

It empties every wfx table (TRUNCATE) before and after, so it refuses a database that holds
distribution data unless --force; never point it at a shop's database.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

# Runs from a checkout: bench/ is sys.path[0], the package is one level up.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

FIXTURE_TABLES = ("wfx_ledgerentry", "wfx_settlement", "wfx_referralattribution", "wfx_distributor")
# Rows that mean someone's programme lives in this database (grades and rules are configuration
# the migrations install, not data).
DATA_TABLES = (
    "wfx_distributor",
    "wfx_referralattribution",
    "wfx_settlement",
    "wfx_ledgerentry",
    "wfx_payout",
)
PLAIN_UPDATE = (
    "UPDATE wfx_settlement SET released_at = now() "
    "WHERE released_at IS NULL AND available_due_at <= now()"
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Settlements to release.")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="settle_due's batch (default: its own)."
    )
    parser.add_argument(
        "--distributors",
        type=int,
        default=10_000,
        help="Distributors the settlements are spread over (at least 3).",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Run even though the database holds distribution data. Its wfx tables are EMPTIED: "
        "only for a copy you can throw away.",
    )
    parser.add_argument(
        "--trace-batches",
        action="store_true",
        help="Print how long settle_due's batches take, first to last (does a run slow down?).",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="Afterwards, EXPLAIN ANALYZE settle_due's batch select and INSERT … SELECT on a "
        "fresh fixture (rolled back).",
    )
    arguments = parser.parse_args()
    if arguments.rows < 1:
        parser.error("--rows must be at least 1")
    if arguments.distributors < 3:
        parser.error("--distributors must be at least 3 (an order pays up to three people)")
    if arguments.batch_size is not None and arguments.batch_size < 1:
        parser.error("--batch-size must be positive")
    return arguments


def set_up_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at a PostgreSQL database (the benchmark measures "
            "PostgreSQL's set-based path); e.g. bash scripts/pg_throwaway.sh .venv/bin/python "
            "bench/settle_bench.py"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "saleor_wfx_plugin.sandbox.settings"
    import django

    django.setup()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def execute(sql: str, params: object = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params: object = None) -> object:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def refuse_a_database_with_data(force: bool) -> None:
    holding = [table for table in DATA_TABLES if scalar(f"SELECT EXISTS (SELECT 1 FROM {table})")]
    if holding and not force:
        sys.exit(
            f"This database holds distribution data ({', '.join(holding)}). The benchmark would "
            "empty those tables; run it on a throwaway database, or pass --force on a copy you "
            "can lose."
        )


def empty_fixture_tables() -> None:
    # TRUNCATE, not DELETE: the ledger refuses DELETE (append-only trigger), by design.
    execute(f"TRUNCATE {', '.join(FIXTURE_TABLES)} RESTART IDENTITY CASCADE")


def build_fixture(rows: int, distributors: int) -> None:
    """N settlements confirmed 10 days ago whose hold ended yesterday, three per order (seller,
    upline, grand upline), each with 0.01–1,000.00 CNY on hold. Plain SQL: a million rows
    through the ORM would time the fixture, not the settlement."""
    empty_fixture_tables()
    params = {"rows": rows, "distributors": distributors}
    execute(
        """
        INSERT INTO wfx_distributor (id, code, name, status, user_id, email, phone, grade_id,
                                     upline_id, grade_locked, status_reason, created_at,
                                     updated_at)
        SELECT i, 'BENCH' || lpad(i::text, 8, '0'), '', 'active', NULL, '', '', NULL, NULL,
               false, '', now() - interval '1 year', now() - interval '1 year'
        FROM generate_series(1, %(distributors)s) AS i
        """,
        params,
    )
    # Order a pays settlements 3a-2, 3a-1 and 3a, whose distributors are consecutive (mod D).
    execute(
        """
        INSERT INTO wfx_referralattribution (id, order_id, order_number, channel_slug, currency,
                                             customer_key, submitted_code, source, code_rejection,
                                             placed_at, commissionable_at, cancelled,
                                             refunded_amount, order_total, over_refunded,
                                             created_at, reconciled_at, seller_id, upline_id,
                                             grand_upline_id)
        SELECT a, md5('bench-order:' || a)::uuid, a::text, 'default', 'CNY', NULL, '', 'code',
               NULL, now() - interval '20 days', now() - interval '20 days', false, 0, 100, false,
               now() - interval '20 days', now() - interval '10 days',
               (3 * a - 3) %% %(distributors)s + 1,
               CASE WHEN 3 * a - 1 <= %(rows)s THEN (3 * a - 2) %% %(distributors)s + 1 END,
               CASE WHEN 3 * a <= %(rows)s THEN (3 * a - 1) %% %(distributors)s + 1 END
        FROM generate_series(1, (%(rows)s + 2) / 3) AS a
        """,
        params,
    )
    execute(
        """
        INSERT INTO wfx_settlement (id, attribution_id, distributor_id, currency, fulfilled_at,
                                    confirm_due_at, confirmed_at, available_due_at, released_at,
                                    created_at)
        SELECT i, (i - 1) / 3 + 1, (i - 1) %% %(distributors)s + 1, 'CNY',
               now() - interval '10 days', now() - interval '10 days', now() - interval '10 days',
               now() - interval '1 day', NULL, now() - interval '20 days'
        FROM generate_series(1, %(rows)s) AS i
        """,
        params,
    )
    # The confirmation leg that put the money on hold; the ledger's CHECK wants its settlement.
    execute(
        """
        INSERT INTO wfx_ledgerentry (distributor_id, currency, bucket, kind, amount, movement,
                                     settlement_id, payout_id, actor, reason, event,
                                     idempotency_key, created_at)
        SELECT (i - 1) %% %(distributors)s + 1, 'CNY', 'hold', 'confirmation',
               ((i::bigint * 7919) %% 100000 + 1)::numeric / 100, md5('bench-confirm:' || i)::uuid,
               i, NULL, 'system', '', '', NULL, now() - interval '10 days'
        FROM generate_series(1, %(rows)s) AS i
        """,
        params,
    )
    for table in FIXTURE_TABLES:
        # Explicit ids above: later inserts must continue after them.
        execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    for table in FIXTURE_TABLES:
        execute(f"VACUUM ANALYZE {table}")


def timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def bucket_total(bucket: str) -> Decimal:
    return scalar(
        "SELECT coalesce(sum(amount), 0) FROM wfx_ledgerentry WHERE bucket = %s", [bucket]
    )


def verify_release(rows: int, result: object, entries_before: int, held: Decimal) -> list[str]:
    problems = []
    if (result.confirmed, result.released) != (0, rows):
        problems.append(f"settle_due reported {result}, expected {rows} released")
    new_entries = scalar("SELECT count(*) FROM wfx_ledgerentry") - entries_before
    if new_entries != 2 * rows:
        problems.append(f"{new_entries} new ledger rows, expected {2 * rows}")
    releases = scalar(
        "SELECT count(DISTINCT settlement_id) FROM wfx_ledgerentry WHERE kind = 'release'"
    )
    if releases != rows:
        problems.append(f"{releases} settlements have a release, expected {rows}")
    waiting = scalar("SELECT count(*) FROM wfx_settlement WHERE released_at IS NULL")
    if waiting:
        problems.append(f"{waiting} settlements still unreleased")
    available, on_hold = bucket_total("available"), bucket_total("hold")
    if available != held or on_hold != 0:
        problems.append(f"available {available} and on hold {on_hold}; held before: {held}")
    return problems


def trace_batches(ledger: object) -> list[float]:
    """Seconds between the starts of consecutive batches (select, move, stamp, commit)."""
    starts: list[float] = []
    original = ledger._move_settlement_balances

    def recording(*args: object, **kwargs: object) -> object:
        starts.append(time.perf_counter())
        return original(*args, **kwargs)

    ledger._move_settlement_balances = recording
    return starts


def describe_batches(starts: list[float], finished: float) -> str:
    if not starts:
        return "no batch ran"
    ends = [*starts[1:], finished]
    durations = [end - start for start, end in zip(starts, ends, strict=True)]
    tenth = max(1, len(durations) // 10)
    first, last = durations[:tenth], durations[-tenth:]
    return (
        f"{len(durations)} batches; first tenth {sum(first) / len(first) * 1000:.1f} ms/batch, "
        f"last tenth {sum(last) / len(last) * 1000:.1f} ms/batch"
    )


def _plan(cursor: object) -> str:
    # The batch's ids are spelled out in the plan: keep the first and the last.
    return "\n".join(
        re.sub(r"'\{(\d+),(\d+),[\d,]*,(\d+)\}'", r"'{\1,\2,…,\3}'", row[0])
        for row in cursor.fetchall()
    )


def explain(batch_size: int) -> None:
    from django.db import connection, transaction
    from django.db.models import Q
    from django.utils import timezone

    from saleor_wfx_plugin.models import Settlement
    from saleor_wfx_plugin.services import ledger

    now = timezone.now()
    due = Q(released_at__isnull=True, confirmed_at__isnull=False, available_due_at__lte=now)
    with transaction.atomic(), connection.cursor() as cursor:
        batch = (
            Settlement.objects.filter(due)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        sql, params = batch.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n-- batch select\n" + _plan(cursor))
        ids = list(batch)
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + ledger._MOVE_SQL,
            {
                "ids": ids,
                "kind": "release",
                "from_bucket": "hold",
                "to_bucket": "available",
                "now": now,
                "namespace": str(ledger._MOVEMENT_NAMESPACE),
            },
        )
        print("\n-- INSERT … SELECT of one batch\n" + _plan(cursor))
        transaction.set_rollback(True)


def main() -> None:
    arguments = parse_arguments()
    set_up_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from saleor_wfx_plugin.services import ledger

    batch_size = arguments.batch_size or ledger.DEFAULT_BATCH_SIZE
    call_command("migrate", verbosity=0)
    refuse_a_database_with_data(arguments.force)
    rows = arguments.rows
    distributors = min(arguments.distributors, max(rows, 3))

    _, build_seconds = timed(lambda: build_fixture(rows, distributors))
    held = bucket_total("hold")
    entries_before = scalar("SELECT count(*) FROM wfx_ledgerentry")
    rss_before = peak_rss_mib()
    starts = trace_batches(ledger) if arguments.trace_batches else []
    now = timezone.now()
    result, settle_seconds = timed(lambda: ledger.settle_due(now=now, batch_size=batch_size))
    finished = time.perf_counter()
    rss_after = peak_rss_mib()
    problems = verify_release(rows, result, entries_before, held)

    build_fixture(rows, distributors)
    updated, update_seconds = timed(lambda: execute(PLAIN_UPDATE))
    if updated != rows:
        problems.append(f"the plain UPDATE touched {updated} rows, expected {rows}")

    if arguments.explain:
        build_fixture(rows, distributors)
        explain(batch_size)
    empty_fixture_tables()

    version = scalar("SHOW server_version")
    print(
        f"\nPostgreSQL {version}; {rows:,} settlements over {distributors:,} distributors, "
        f"{held:,.2f} CNY on hold; settle_due batch {batch_size:,}; fixture built in "
        f"{build_seconds:.1f} s\n"
    )
    width = max(len(f"{rows:,}"), 4)
    print(f"{'':<22}{'rows':>{width}} {'seconds':>9} {'rows/s':>11}")
    for label, seconds in (("settle_due", settle_seconds), ("plain UPDATE", update_seconds)):
        print(f"{label:<22}{rows:>{width},} {seconds:>9.2f} {rows / seconds:>11,.0f}")
    print(f"\nratio settle_due / plain UPDATE: {settle_seconds / update_seconds:.1f}")
    print(f"peak RSS of this process: {rss_after:.0f} MiB ({rss_before:.0f} MiB before settle_due)")
    if arguments.trace_batches:
        print(describe_batches(starts, finished))
    if problems:
        print("\nWRONG:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("checked: every settlement released once, 2 ledger rows each, no money lost")
    connection.close()


if __name__ == "__main__":
    main()
