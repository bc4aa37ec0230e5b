"""How long does the rule simulator take over a month of 100,000 settled orders?

Builds N orders (one line each, three levels: seller, upline, grand upline) settled in March
2025, each level's commission accrued in the ledger, then times `run_simulation()` with a
draft that changes the rates and adds the article's ladder, a team bonus and a per-order bonus:
reading the orders, their plans and what they paid, and computing the draft. Prints orders,
lines, seconds, orders/s and the simulating process's CPU time; the target is under 10 s for
100,000 orders. Not a test: run it by hand.

    bash scripts/pg_throwaway.sh .venv/bin/python bench/simulator.py                # 100,000
    bash scripts/pg_throwaway.sh .venv/bin/python bench/simulator.py --orders 5000  # quick

It empties the wfx tables it fills (TRUNCATE) before and after, so it refuses a database that
holds distribution data unless --force; never point it at a shop's database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from settle_bench import (
    execute,
    peak_rss_mib,
    refuse_a_database_with_data,
    scalar,
    set_up_django,
)

MARCH = date(2025, 3, 1)
TABLES = (
    "wfx_ledgerentry",
    "wfx_settlement",
    "wfx_commissionline",
    "wfx_referralattribution",
    "wfx_distributor",
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--distributors", type=int, default=2_000)
    parser.add_argument("--force", action="store_true", help="Empty the wfx tables anyway.")
    arguments = parser.parse_args()
    if arguments.orders < 1 or arguments.distributors < 3:
        parser.error("at least one order and three distributors")
    return arguments


def build_fixture(orders: int, distributors: int) -> None:
    """Plain SQL: the ORM would time the fixture, not the simulator."""
    from saleor_wfx_plugin.domain.attribution import DistributorStatus
    from saleor_wfx_plugin.models import Distributor

    execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    Distributor.objects.bulk_create(
        [
            # Active: a distributor not active at the close earns no bonus.
            Distributor(
                code=f"SIM{number:07d}",
                email=f"sim{number}@example.com",
                status=DistributorStatus.ACTIVE,
            )
            for number in range(1, distributors + 1)
        ],
        batch_size=5_000,
    )
    params = {"orders": orders, "distributors": distributors}
    # Order a: seller s, upline s+1, grand upline s+2 (mod D); one line of 1.00-500.00 CNY.
    execute(
        """
        INSERT INTO wfx_referralattribution (id, order_id, order_number, channel_slug, currency,
            customer_key, submitted_code, voucher_code, source, code_rejection, placed_at,
            commissionable_at, cancelled, refunded_amount, order_total, over_refunded, created_at,
            reconciled_at,
            seller_id, upline_id, grand_upline_id)
        SELECT a, md5('sim-order:' || a)::uuid, a::text, 'default', 'CNY', NULL, '', '', 'code',
               NULL, '2025-03-01T00:00Z', '2025-03-01T00:00Z',
               false, CASE WHEN a %% 20 = 0 THEN 1 ELSE 0 END, 2, false,
               '2025-03-01T00:00Z', '2025-03-01T00:00Z',
               a %% %(distributors)s + 1, (a + 1) %% %(distributors)s + 1,
               (a + 2) %% %(distributors)s + 1
        FROM generate_series(1, %(orders)s) AS a
        """,
        params,
    )
    execute(
        """
        INSERT INTO wfx_commissionline (attribution_id, order_line_id, level, distributor_id,
            rate, uncapped_rate, base, quantity, product_id, category_id, product_name)
        SELECT a, 'line-' || a, level, (a + level - 1) %% %(distributors)s + 1,
               CASE level WHEN 1 THEN 10 WHEN 2 THEN 5 ELSE 2 END, NULL,
               ((a::bigint * 7919) %% 50000 + 100)::numeric / 100, 1,
               CASE WHEN a %% 7 = 0 THEN 'serum' ELSE 'mask' END, '', ''
        FROM generate_series(1, %(orders)s) AS a, generate_series(1, 3) AS level
        """,
        params,
    )
    execute(
        """
        INSERT INTO wfx_settlement (attribution_id, distributor_id, currency, fulfilled_at,
            confirm_due_at, confirmed_at, available_due_at, released_at, created_at)
        SELECT attribution_id, distributor_id, 'CNY', '2025-03-05T00:00Z', '2025-03-05T00:00Z',
               '2025-03-05T00:00Z', '2025-03-10T00:00Z', '2025-03-10T00:00Z', '2025-03-01T00:00Z'
        FROM wfx_commissionline
        """
    )
    execute(
        """
        INSERT INTO wfx_ledgerentry (distributor_id, currency, bucket, kind, amount, movement,
            commission_line_id, level, sequence, settlement_id, actor, reason, event,
            created_at)
        SELECT line.distributor_id, 'CNY', 'available', 'accrual',
               round(line.base * line.rate / 100 * CASE WHEN line.attribution_id %% 20 = 0
                     THEN 0.5 ELSE 1 END, 2), md5('sim-accrual:' || line.id)::uuid,
               line.id, line.level, 1, settlement.id, 'system', '', 'bench', '2025-03-01T00:00Z'
        FROM wfx_commissionline AS line
        JOIN wfx_settlement AS settlement
          ON settlement.attribution_id = line.attribution_id
         AND settlement.distributor_id = line.distributor_id
        WHERE round(line.base * line.rate / 200, 2) > 0
        """,
        {},
    )
    execute("ANALYZE")


def main() -> None:
    arguments = parse_arguments()
    set_up_django()
    from django.core.management import call_command

    from saleor_wfx_plugin.domain.growth import GrowthRules, LadderBracket
    from saleor_wfx_plugin.domain.settings import ProgramSettings
    from saleor_wfx_plugin.selectors.simulation import current_draft, run_simulation

    call_command("migrate", verbosity=0)
    refuse_a_database_with_data(arguments.force)
    started = time.perf_counter()
    build_fixture(arguments.orders, min(arguments.distributors, arguments.orders + 2))
    build_seconds = time.perf_counter() - started
    lines = scalar("SELECT count(*) FROM wfx_commissionline")
    rules = GrowthRules(
        "CNY",
        ladder=(
            LadderBracket(Decimal("10000"), Decimal("15")),
            LadderBracket(Decimal("30000"), Decimal("20")),
        ),
        team_threshold=Decimal("20000"),
        team_extra_rate=Decimal("1"),
        per_order_amount=Decimal("1.00"),
        per_order_monthly_cap=Decimal("30.00"),
    )
    try:
        started, cpu_started = time.perf_counter(), os.times()
        baseline = current_draft(ProgramSettings())
        draft = replace(
            baseline,
            default_seller_rate=Decimal("12"),
            product_rates={"serum": Decimal("20")},
            rules={"CNY": rules},
        )
        simulation = run_simulation(MARCH, MARCH, draft=draft)
        seconds = time.perf_counter() - started
        cpu = os.times()
        user_seconds = cpu.user - cpu_started.user
        system_seconds = cpu.system - cpu_started.system
    finally:
        execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    totals = simulation.currencies["CNY"]
    print(f"fixture built in {build_seconds:.1f} s ({lines:,} plan rows)")
    print(
        f"simulated {arguments.orders:,} orders ({lines:,} plan rows, "
        f"{len(simulation.distributors):,} distributors) in {seconds:.2f} s "
        f"= {arguments.orders / seconds:,.0f} orders/s; peak RSS {peak_rss_mib():.0f} MiB"
    )
    # This process's CPU time alone: less sensitive than wall time to a busy, shared machine
    # (PostgreSQL's own work on the queries is not in it).
    print(
        f"CPU of the simulating process: user {user_seconds:.2f} s, system {system_seconds:.2f} s"
    )
    # The machine's load while it ran: wall time on a shared machine is mostly waiting for CPU.
    print("load average (1, 5, 15 min): " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
    print(
        f"referred sales {totals.referred_sales:,.2f} CNY: paid {totals.was:,.2f} "
        f"({totals.was_share}%), draft {totals.would_be:,.2f} ({totals.would_be_share}%), "
        f"{simulation.capped_count:,} lines cut by the cap"
    )
    target = 10.0 * arguments.orders / 100_000
    if seconds > target:
        print(f"SLOWER than the target ({target:.1f} s for this many orders)")
        sys.exit(1)


if __name__ == "__main__":
    main()
