"""How many round trips to the database does reconciling one order take, and how much slower
is it than inserting the rows it writes in one set-based statement per table?

Places N referred orders in the simulated shop (two lines each, a seller with an upline and a
grand upline above, a guest customer each), pays them and reconciles each once, as the order
task does, counting the statements (`CaptureQueriesContext`) and timing them. Then the same
orders again with nothing changed (a repeated hook), and after a partial refund. Finally it
copies the rows the first reconciliation wrote (attribution, plan lines, settlements, ledger
entries, customer binding) into N new orders with one `INSERT … SELECT` per table, and prints
how many times slower reconciliation is than that. Not a test: run it by hand.

    bash scripts/pg_throwaway.sh .venv/bin/python bench/reconcile_round_trips.py
    bash scripts/pg_throwaway.sh .venv/bin/python bench/reconcile_round_trips.py --orders 1000

It empties every wfx table (TRUNCATE) before and after, so it refuses a database that holds
distribution data unless --force; never point it at a shop's database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

# Runs from a checkout: bench/ is sys.path[0], the package is one level up.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

# The tables one order's first reconciliation writes to, parents first.
COPIED_TABLES = (
    "wfx_referralattribution",
    "wfx_commissionline",
    "wfx_settlement",
    "wfx_ledgerentry",
    "wfx_customerbinding",
)
DATA_TABLES = ("wfx_distributor", "wfx_referralattribution", "wfx_ledgerentry", "wfx_payout")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300, help="Orders to reconcile.")
    parser.add_argument(
        "--force",
        action="store_true",
        help="Run even though the database holds distribution data. Its wfx tables are EMPTIED: "
        "only for a copy you can throw away.",
    )
    arguments = parser.parse_args()
    if arguments.orders < 1:
        parser.error("--orders must be at least 1")
    return arguments


def set_up_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at a PostgreSQL database; e.g. bash scripts/pg_throwaway.sh "
            ".venv/bin/python bench/reconcile_round_trips.py"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "saleor_wfx_plugin.sandbox.settings"
    import django

    django.setup()


def scalar(sql: str, params: object = None) -> object:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def all_wfx_tables() -> list[str]:
    from django.apps import apps

    return [model._meta.db_table for model in apps.get_app_config("wfx").get_models()]


def empty_wfx_tables() -> None:
    from django.db import connection

    # TRUNCATE, not DELETE: the ledger refuses DELETE (append-only trigger), by design.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(all_wfx_tables())} RESTART IDENTITY CASCADE")


def set_up_programme() -> None:
    """Switched on long ago, the article's rates, and four generations of distributors."""
    from django.conf import settings

    from saleor_wfx_plugin.models import ProgrammeSwitch
    from saleor_wfx_plugin.sandbox.simulator import SimulatedShop
    from saleor_wfx_plugin.services.distributors import create_distributor

    SimulatedShop.reset()
    settings.WFX_SHOP_BACKEND = "saleor_wfx_plugin.sandbox.simulator.SimulatedShop"
    settings.WFX_PROGRAM_ACTIVE = True
    settings.WFX_PROGRAM_SETTINGS = {
        "default_seller_rate": "10",
        "level2_rate": "5",
        "level3_rate": "2",
        "commission_levels": "3",
    }
    ProgrammeSwitch.objects.create(
        active=True,
        at=ProgrammeSwitch._meta.get_field("at").to_python("2000-01-01T00:00:00+00:00"),
        source=ProgrammeSwitch.Source.PLUGIN_UPDATE,
    )
    a = create_distributor(code="AAA111", email="a@example.com")
    b = create_distributor(code="BBB222", email="b@example.com", upline=a)
    c = create_distributor(code="CCC333", email="c@example.com", upline=b)
    create_distributor(code="DDD444", email="d@example.com", upline=c)


COUNTED_ORDERS = 20


def measure(order_ids: list[str], action) -> tuple[list[int], float]:  # type: ignore[no-untyped-def]
    """Statements per order, counted on the first orders, and seconds per order, timed on the
    others (counting logs every statement, which would slow what is timed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counted, timed = order_ids[:COUNTED_ORDERS], order_ids[COUNTED_ORDERS:] or order_ids
    counts = []
    for order_id in counted:
        connection.queries_log.clear()  # a bounded deque: a full one counts nothing
        with CaptureQueriesContext(connection) as captured:
            action(order_id)
        counts.append(len(captured.captured_queries))
    started = time.perf_counter()
    for order_id in timed:
        if order_id not in counted:
            action(order_id)
    return counts, (time.perf_counter() - started) / len(timed)


def copy_rows_set_based(order_ids: list[str]) -> float:
    """The rows the orders' first reconciliation wrote, copied to as many new orders: one
    INSERT … SELECT per table, ids shifted past the originals, unique values made new. Returns
    seconds per order."""
    from django.apps import apps
    from django.db import connection, transaction

    models = {model._meta.db_table: model for model in apps.get_app_config("wfx").get_models()}
    offsets = {
        table: scalar(f"SELECT coalesce(max(id), 0) FROM {table}") for table in COPIED_TABLES
    }
    replaced = {
        "order_id": "md5(order_id::text || ':copy')::uuid",
        "source_order_id": "md5(source_order_id::text || ':copy')::uuid",
        "customer_key": "customer_key || ':copy'",
        "movement": "md5(movement::text || ':copy')::uuid",
    }
    statements = []
    for table in COPIED_TABLES:
        columns, values = [], []
        for field in models[table]._meta.concrete_fields:
            column = field.column
            columns.append(column)
            target = field.related_model._meta.db_table if field.is_relation else table
            if column == "id":
                values.append(f"id + {offsets[table]}")
            elif field.is_relation and target in offsets:
                values.append(f"{column} + {offsets[target]}")
            else:
                values.append(replaced.get(column, column))
        statements.append(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {table} WHERE id <= {offsets[table]}"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    seconds = time.perf_counter() - started
    copied = scalar("SELECT count(*) FROM wfx_referralattribution") - len(order_ids)
    if copied != len(order_ids):
        sys.exit(f"the set-based copy made {copied} attributions, expected {len(order_ids)}")
    return seconds / len(order_ids)


def describe(name: str, counts: list[int], seconds_per_order: float) -> str:
    return (
        f"{name:<34} {statistics.mean(counts):>6.1f} {min(counts):>5} {max(counts):>5} "
        f"{seconds_per_order * 1000:>9.2f}"
    )


def main() -> None:
    arguments = parse_arguments()
    set_up_django()
    from django.core.management import call_command
    from django.db import connection

    from saleor_wfx_plugin.models import LedgerEntry
    from saleor_wfx_plugin.sandbox.simulator import SimulatedLine, SimulatedShop
    from saleor_wfx_plugin.services.commissions import reconcile_order
    from saleor_wfx_plugin.shop import get_shop

    call_command("migrate", verbosity=0)
    holding = [table for table in DATA_TABLES if scalar(f"SELECT EXISTS (SELECT 1 FROM {table})")]
    if holding and not arguments.force:
        sys.exit(
            f"This database holds distribution data ({', '.join(holding)}). The benchmark would "
            "empty those tables; run it on a throwaway database, or pass --force on a copy you "
            "can lose."
        )
    empty_wfx_tables()
    try:
        set_up_programme()
        shop = get_shop()
        program = shop.program_settings()
        serum = SimulatedLine("Serum", Decimal("299.00"), product_id="serum")
        mask = SimulatedLine("Mask", Decimal("9.90"), quantity=3, product_id="mask")
        order_ids = []
        for number in range(arguments.orders):
            order = SimulatedShop.place_order(
                [serum, mask],
                referral_code="DDD444",
                email=f"guest{number}@example.com",
                notify=False,
            )
            SimulatedShop.pay(order.order_id, notify=False)
            order_ids.append(order.order_id)

        def reconcile(order_id: str) -> None:
            reconcile_order(shop, order_id, program, event="order_fully_paid")

        first, first_seconds = measure(order_ids, reconcile)
        replay, replay_seconds = measure(order_ids, reconcile)
        for order_id in order_ids:
            SimulatedShop.refund(order_id, Decimal("100.00"), notify=False)
        refund, refund_seconds = measure(order_ids, reconcile)
        entries = LedgerEntry.objects.commission().count()
        if entries != 12 * len(order_ids):
            sys.exit(
                f"{entries} commission entries, expected 12 per order (6 accruals, 6 reversals)"
            )

        copy_seconds = copy_rows_set_based(order_ids)
        print(
            f"PostgreSQL {connection.pg_version // 10000}; {len(order_ids)} referred orders, 2 "
            "lines each, 3 levels (6 plan lines, 3 settlements, 6 ledger rows, 1 binding); "
            f"statements counted on {min(COUNTED_ORDERS, len(order_ids))} orders, time taken "
            "on the others\n"
        )
        print(f"{'reconcile_order':<34} {'stmts':>6} {'min':>5} {'max':>5} {'ms/order':>9}")
        print(describe("first (attribute, freeze, earn)", first, first_seconds))
        print(describe("again, nothing changed", replay, replay_seconds))
        print(describe("after a partial refund", refund, refund_seconds))
        print(
            f"\nset-based insert of the first reconciliation's rows ({len(COPIED_TABLES)} "
            f"INSERT … SELECT for all {len(order_ids)} orders): {copy_seconds * 1000:.2f} ms/order"
        )
        print(f"ratio first reconciliation / set-based insert: {first_seconds / copy_seconds:.1f}")
        print(f"round trips per order, first reconciliation: {statistics.mean(first):.1f}")
    finally:
        empty_wfx_tables()


if __name__ == "__main__":
    main()
